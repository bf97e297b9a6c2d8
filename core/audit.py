"""The audit trail: ticket_logs filtered by action, actor, object and time, newest first.

Counting a million tickets exactly would cost more than showing them, so totals are counted up to
``COUNT_CAP`` and paging stops there; narrower filters reach anything older.
"""

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import Session

from core.auth import READERS, row_sets_as, rows_as
from core.errors import ValidationError
from core.filters import check_date_range, day_bounds, parse_filters
from core.models import Record

COUNT_CAP = 10_000
EXPORT_LIMIT = COUNT_CAP
TICKET_ID_MAX_LENGTH = 30  # TKT-2026-000123 is 15: room for years of numbers
_WHOLE_TICKET_ID = re.compile(r"TKT-[0-9]{4}-[0-9]{6,}")  # create_ticket's ids: the year, then at least 6 digits


def ticket_search(typed: str | None) -> str | None:
    """A ticket id, or part of one, as typed: trimmed, None when blank. Refused, naming what no ticket id has, when
    it is not letters, digits and '-' or is longer than any (the Operations page checks its fields with this as
    they are typed)."""
    value = (typed or "").strip()
    foreign = [c for i, c in enumerate(value) if not (c.isalnum() or c == "-") and c not in value[:i]]
    if foreign:
        named = ", ".join("a space" if c.isspace() else repr(c) for c in foreign)
        raise ValidationError(f"A ticket id has only letters, digits and '-', not {named}")
    if len(value) > TICKET_ID_MAX_LENGTH:
        raise ValidationError(f"A ticket id is at most {TICKET_ID_MAX_LENGTH} characters, got {len(value):,}")
    return value or None


def whole_ticket_id(typed: str | None) -> str | None:
    """A whole ticket id as typed, in any case; None when blank. The audit log finds a ticket by its whole id, one
    index lookup among a million tickets (a part would be a scan of them all), so a part is refused, saying so,
    instead of matching nothing (the Operations view, over thousands of operations, finds a part)."""
    value = ticket_search(typed)
    if value is None:
        return None
    if not _WHOLE_TICKET_ID.fullmatch(value.upper()):
        raise ValidationError(
            f"Type a whole ticket id, like TKT-2026-000123, not {value!r}: the Operations view finds parts of ids"
        )
    return value.upper()


def _ticket_field(read: Callable[[str | None], str | None]) -> Any:
    """A filter model's ticket field read by ``read``: its refusal as the ValueError pydantic reports."""

    def typed(value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return read(value)
        except ValidationError as exc:
            raise ValueError(exc.message) from None

    return Annotated[Annotated[str, Field(max_length=TICKET_ID_MAX_LENGTH)] | None, BeforeValidator(typed)]


TicketSearch = _ticket_field(ticket_search)  # a ticket id or a part of one (the Operations view)
WholeTicketId = _ticket_field(whole_ticket_id)  # a whole ticket id (the audit log)


class TicketFilters(BaseModel):
    """Which tickets to show. ``entity_type``/``entity_id`` name the object a ticket is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: str | None = Field(default=None, max_length=100)
    actor_id: int | None = Field(default=None, gt=0)
    entity_type: str | None = Field(default=None, max_length=100)
    entity_id: int | None = Field(default=None, gt=0)
    date_from: date | None = None
    date_to: date | None = None
    ticket_id: WholeTicketId = None
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=500)

    @field_validator("action", "entity_type", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @model_validator(mode="after")
    def _check(self) -> "TicketFilters":
        check_date_range(self.date_from, self.date_to)
        if (self.page - 1) * self.page_size >= COUNT_CAP:
            raise ValueError(f"only the newest {COUNT_CAP:,} matching tickets can be paged; narrow the filters")
        return self

    def sql_params(self) -> dict[str, object]:
        start, end = day_bounds(self.date_from, self.date_to)
        return {
            "action": self.action,
            "actor": self.actor_id,
            "etype": self.entity_type,
            "eid": self.entity_id,
            "from": start,
            "to": end,
            "ticket": self.ticket_id,
        }


FILTER_ARGS = (
    "CAST(:action AS text), CAST(:actor AS bigint), CAST(:etype AS text), CAST(:eid AS bigint), "
    "CAST(:from AS timestamptz), CAST(:to AS timestamptz), CAST(:ticket AS text)"
)


# a ticket's columns with its before/after as JSON text: psycopg would load their numbers as floats (250000.0), and
# an audit trail shows amounts exactly as they were recorded (TicketLog reads them as Decimals)
TICKET_COLUMNS = (
    "id, ticket_id, action, actor_id, actor_username, entity_type, entity_id, "
    "before_state::text AS before_state, after_state::text AS after_state, created_at"
)


class TicketLog(Record):
    id: int
    ticket_id: str
    action: str
    actor_id: int | None
    actor_username: str | None
    entity_type: str
    entity_id: int | None
    before_state: Any
    after_state: Any
    created_at: datetime

    @field_validator("before_state", "after_state", mode="before")
    @classmethod
    def _exact_json(cls, value: object) -> object:
        return json.loads(value, parse_float=Decimal) if isinstance(value, str) else value


class TicketPage(Record):
    rows: list[TicketLog]
    total: int
    total_is_exact: bool
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class Actor(Record):
    id: int
    username: str


def _filters(value: TicketFilters | Mapping[str, object] | None) -> TicketFilters:
    return parse_filters(TicketFilters, value, "Audit filters")


AUDIT_ACTION = "read the audit trail"


def list_tickets(
    db: Session, filters: TicketFilters | Mapping[str, object] | None = None, *, user_id: int
) -> TicketPage:
    """One page of matching tickets, newest first, with how many match (exact below ``COUNT_CAP``); admins and
    analysts only."""
    f = _filters(filters)
    params = f.sql_params()
    rows, (count,) = row_sets_as(
        db,
        user_id,
        READERS,
        AUDIT_ACTION,
        (
            f"SELECT {TICKET_COLUMNS} FROM search_ticket_logs({FILTER_ARGS}, :lim, :off)",
            {**params, "lim": f.page_size, "off": (f.page - 1) * f.page_size},
        ),
        (f"SELECT count_ticket_logs({FILTER_ARGS}, :cap) AS total", {**params, "cap": COUNT_CAP}),
    )
    total = count["total"]
    return TicketPage(
        rows=[TicketLog.model_validate(r) for r in rows],
        total=total,
        total_is_exact=total < COUNT_CAP,
        page=f.page,
        page_size=f.page_size,
    )


def export_tickets(
    db: Session, filters: TicketFilters | Mapping[str, object] | None = None, *, user_id: int
) -> list[TicketLog]:
    """The newest ``EXPORT_LIMIT`` matching tickets (paging ignored), for the CSV download."""
    f = _filters(filters)
    sql = f"SELECT {TICKET_COLUMNS} FROM search_ticket_logs({FILTER_ARGS}, :lim, 0)"
    rows = rows_as(db, user_id, READERS, AUDIT_ACTION, sql, {**f.sql_params(), "lim": EXPORT_LIMIT})
    return [TicketLog.model_validate(r) for r in rows]


def list_ticket_actions(db: Session, *, user_id: int) -> list[str]:
    """Every action that appears in the audit trail."""
    return [r["a"] for r in rows_as(db, user_id, READERS, AUDIT_ACTION, "SELECT a FROM ticket_log_actions() a")]


def list_ticket_entity_types(db: Session, *, user_id: int) -> list[str]:
    """Every kind of object tickets are about (entity_type)."""
    return [r["t"] for r in rows_as(db, user_id, READERS, AUDIT_ACTION, "SELECT t FROM ticket_log_entity_types() t")]


def list_actors(db: Session, *, user_id: int) -> list[Actor]:
    """Users who may appear as actors, by name."""
    sql = "SELECT id, username FROM users ORDER BY lower(username)"
    return [Actor.model_validate(r) for r in rows_as(db, user_id, READERS, AUDIT_ACTION, sql)]
