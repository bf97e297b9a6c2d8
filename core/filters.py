"""Filter models for the read pages: pydantic validation turned into one ``ValidationError`` a person can act on."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

import pydantic

from core.errors import ValidationError

M = TypeVar("M", bound=pydantic.BaseModel)


def parse_filters(model: type[M], value: M | Mapping[str, object] | None, what: str) -> M:
    """``value`` as a validated ``model`` (an instance, a mapping of its fields, or None for the defaults)."""
    if isinstance(value, model):
        return value
    if value is not None and not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be given as {model.__name__} or a mapping, got {type(value).__name__}")
    try:
        return model.model_validate(dict(value or {}))
    except pydantic.ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ValidationError(f"Invalid {what.lower()}: {problems}") from None


def _describe(error: Mapping[str, object]) -> str:
    field = ".".join(str(p) for p in error.get("loc", ())) or "filters"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"{field.replace('_', ' ')}: {message}"


def day_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """Inclusive calendar days (UTC) as a half-open [start, end) timestamp range."""
    start = datetime.combine(date_from, time.min, tzinfo=UTC) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=UTC) if date_to else None
    return start, end


def check_date_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ValueError(f"the date range starts ({date_from}) after it ends ({date_to})")
