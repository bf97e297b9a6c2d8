"""Filter models for the read pages: pydantic validation turned into one ``ValidationError`` a person can act on."""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

import pydantic

from core.errors import ValidationError
from core.validation import echoed

M = TypeVar("M", bound=pydantic.BaseModel)
# a page number as a person types it: digits, commas grouping thousands as the pager's caption writes them ("1,234"),
# a sign (a page before the first is still a number, brought to the first by the pager)
_PAGE_NUMBER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)")
BEYOND_ANY_PAGE = 10**18  # what a longer run of digits counts as: past the last page of any table


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
    """Inclusive calendar days (UTC) as a half-open [start, end) timestamp range. A range to the last day there is
    (9999-12-31, where a date field's years end) has no end: the day after it is no date Python can write."""
    start = datetime.combine(date_from, time.min, tzinfo=UTC) if date_from else None
    last = date_to if date_to and date_to < date.max else None
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC) if last else None
    return start, end


def check_date_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise ValueError(f"the date range starts ({date_from}) after it ends ({date_to})")


def date_range_of(days: Sequence[date]) -> tuple[date | None, date | None]:
    """The inclusive days a date range field holds: none (every day), one (that day alone) or two, the first not after
    the second (``check_date_range``). Anything else is refused: a calendar picks two days in order, but a link can
    say three, or two the wrong way round."""
    if len(days) > 2:
        raise ValidationError(f"A date range is one day or two, not {len(days)}: {', '.join(map(str, days))}")
    first, last = (days[0], days[-1]) if days else (None, None)
    try:
        check_date_range(first, last)
    except ValueError as exc:
        raise ValidationError(str(exc).capitalize()) from None
    return first, last


def parse_page_number(value: object, what: str = "Page") -> int:
    """A page number as typed into a pager: a whole number written with the digits 0-9 ("3", "1,234", "-1"). It may
    be no page of the table (0, past the last): the pager brings it to the nearest. Anything else is refused as no
    whole number, changing nothing: "2.5", "abc", nothing at all, and "1e3", which Decimal, float() and a browser's
    number field all read as 1000 (a slip on a desk, never meant as a page)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    typed = value.strip() if isinstance(value, str) else value
    if not isinstance(typed, str) or not _PAGE_NUMBER.fullmatch(typed):
        got = "nothing" if typed in ("", None) else repr(echoed(typed))
        raise ValidationError(f"{what} is a whole number, got {got}", field=what)
    digits = typed.lstrip("+-").replace(",", "").lstrip("0") or "0"
    # int() refuses more than 4,300 digits: a longer paste is past any page all the same
    number = BEYOND_ANY_PAGE if len(digits) > len(str(BEYOND_ANY_PAGE)) else int(digits)
    return -number if typed.startswith("-") else number
