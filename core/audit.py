"""The audit trail: ticket_logs filtered by action, actor, object and time, newest first.

Counting a million tickets exactly would cost more than showing them, so totals are counted up to
``COUNT_CAP`` and paging stops there; narrower filters reach anything older.
"""

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import READERS, row_sets_as, rows_as
from core.errors import ValidationError
from core.filters import check_date_range, day_bounds, parse_filters
from core.models import Record
from core.validation import is_blank, too_long

COUNT_CAP = 10_000
EXPORT_LIMIT = COUNT_CAP
TICKET_ID_MAX_LENGTH = 30  # TKT-2026-000123 is 15: room for years of numbers
_WHOLE_TICKET_ID = re.compile(r"TKT-[0-9]{4}-[0-9]{6,}")  # create_ticket's ids: the year, then at least 6 digits


def ticket_search(typed: str | None) -> str | None:
    """A ticket id, or part of one, as typed: trimmed, None when blank. Refused, naming what no ticket id has, when
    it is not letters, digits and '-' or is longer than any (the Operations page checks its fields with this as
    they are typed)."""
    value = "" if typed is None or is_blank(typed) else typed.strip()
    foreign = [c for i, c in enumerate(value) if not (c.isalnum() or c == "-") and c not in value[:i]]
    if foreign:
        # each character bare, a space apart: quoted one by one, ' and " came out as "'" and '"' in a row of quotes
        named = " ".join(c for c in foreign if not c.isspace())
        named += f"{' or ' if named else ''}a space" if any(c.isspace() for c in foreign) else ""
        raise ValidationError(f'A ticket id has only letters, digits and "-", not {named}')
    if len(value) > TICKET_ID_MAX_LENGTH:
        raise ValidationError(too_long("Ticket id", TICKET_ID_MAX_LENGTH, len(value)))
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
    "t.id, t.ticket_id, t.action, t.actor_id, t.actor_username, t.entity_type, t.entity_id, "
    "t.before_state::text AS before_state, t.after_state::text AS after_state, t.created_at"
)

# The rows a ticket may refer to by id, by the entity_type that names them, with the table and column of their name.
NAMED_ROWS = {
    "user": ("users", "username"),
    "entity": ("entities", "name"),
    "market_maker": ("market_maker_clients", "name"),
}
# The keys of a ticket's states that hold the id of such a row (or a list of ids, market_maker_ids), by its kind.
# Tickets store ids only and are never changed, so the names are read with them, as the rows are called now.
NAMED_KEYS = {
    "entity_id": "entity",
    "market_maker_id": "market_maker",
    "market_maker_ids": "market_maker",
    "paused_by": "user",
    "updated_by": "user",
}
# a state's value that is an id: a whole number a bigint holds (a state is JSON, anything may be there)
_ID_PATH = '$[*] ? (@.type() == "number" && @ >= 1 && @ <= 9223372036854775807 && @ == @.floor())'


@cache
def tickets_sql(source: str) -> str:
    """A read of the tickets ``source`` returns (a call of search_ticket_logs or operation_tickets), in its order,
    with ``TICKET_COLUMNS``; the first with ``names``, {"user": {"7": "alice"}, "entity": {...}, "market_maker":
    {...}}: the name of every row the tickets refer to, as their object or by a key of ``NAMED_KEYS``
    (``ticket_logs`` hands them to every ticket). The names are looked up and sent once for the whole page: a
    lookup per ticket cost the audit log's first page as much again as its search."""
    kinds = ", ".join(f"'{kind}'" for kind in NAMED_ROWS)
    keys = ", ".join(f"('{key}', '{kind}')" for key, kind in NAMED_KEYS.items())
    found = ", ".join(
        f"'{kind}', coalesce(jsonb_object_agg(r.ref, r.name) FILTER (WHERE r.kind = '{kind}'), '{{}}')"
        for kind in NAMED_ROWS
    )
    # a lookup by id per row named (an index scan each): a join the planner sized for the function's 1,000 rows
    # hashed every market maker instead
    lookups = " ".join(
        f"WHEN '{kind}' THEN (SELECT n.{column} FROM {table} n WHERE n.id = r.ref)"
        for kind, (table, column) in NAMED_ROWS.items()
    )
    return f"""
        WITH page AS MATERIALIZED (SELECT * FROM {source} WITH ORDINALITY t),
        refs AS (
            SELECT t.entity_type AS kind, t.entity_id AS ref FROM page t
             WHERE t.entity_type IN ({kinds}) AND t.entity_id IS NOT NULL
            UNION ALL
            SELECT k.kind, (v #>> '{{}}')::numeric::bigint
              FROM page t
              CROSS JOIN LATERAL (VALUES (t.before_state), (t.after_state)) s (state)
              CROSS JOIN (VALUES {keys}) k (key, kind)
              CROSS JOIN LATERAL jsonb_path_query(s.state -> k.key, '{_ID_PATH}') v
             WHERE s.state ? k.key
        ),
        named AS (SELECT r.kind, r.ref, CASE r.kind {lookups} END AS name FROM (SELECT DISTINCT * FROM refs) r),
        names AS (SELECT jsonb_build_object({found}) AS names FROM named r WHERE r.name IS NOT NULL)
        SELECT {TICKET_COLUMNS}, CASE WHEN t.ordinality = 1 THEN (SELECT names FROM names) END AS names
          FROM page t ORDER BY t.ordinality"""


class TicketNames(Record):
    """The names of the users, trader firms and market makers a ticket refers to, by id, as they are called now
    (one the ticket refers to that no longer exists has none)."""

    user: dict[int, str] = Field(default_factory=dict)
    entity: dict[int, str] = Field(default_factory=dict)
    market_maker: dict[int, str] = Field(default_factory=dict)

    def of(self, kind: str, ref: int) -> str | None:
        """The name of row ``ref`` of ``kind`` (an entity_type: user, entity, market_maker), None when unknown."""
        names = getattr(self, kind, None) if kind in NAMED_ROWS else None
        return None if names is None else names.get(ref)


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
    names: TicketNames = Field(default_factory=TicketNames)

    @field_validator("before_state", "after_state", mode="before")
    @classmethod
    def _exact_json(cls, value: object) -> object:
        return json.loads(value, parse_float=Decimal) if isinstance(value, str) else value


def ticket_logs(rows: list[dict[str, Any]]) -> list["TicketLog"]:
    """The rows of a ``tickets_sql`` read as TicketLogs, each with the names read with them (sent once, on the
    first row)."""
    names = TicketNames.model_validate(rows[0]["names"] or {}) if rows else TicketNames()
    for row in rows:
        row["names"] = names
    return [TicketLog.model_validate(r) for r in rows]


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
            tickets_sql(f"search_ticket_logs({FILTER_ARGS}, :lim, :off)"),
            {**params, "lim": f.page_size, "off": (f.page - 1) * f.page_size},
        ),
        (f"SELECT count_ticket_logs({FILTER_ARGS}, :cap) AS total", {**params, "cap": COUNT_CAP}),
    )
    total = count["total"]
    return TicketPage(
        rows=ticket_logs(rows),
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
    sql = tickets_sql(f"search_ticket_logs({FILTER_ARGS}, :lim, 0)")
    return ticket_logs(rows_as(db, user_id, READERS, AUDIT_ACTION, sql, {**f.sql_params(), "lim": EXPORT_LIMIT}))


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


def written_ticket(db: Session, action: str, entity_type: str, entity_id: int) -> str:
    """The id of the ``action`` ticket the caller's transaction has just written on an object, read in that
    transaction: the newest of its kind on the object. Nothing can come between: the object is new (invisible to
    others until the commit), or the write holds its row locked until the commit."""
    return db.execute(
        text(
            "SELECT ticket_id FROM ticket_logs WHERE entity_type = :type AND entity_id = :id AND action = :action"
            " ORDER BY id DESC LIMIT 1"
        ),
        {"type": entity_type, "id": entity_id, "action": action},
    ).scalar_one()
