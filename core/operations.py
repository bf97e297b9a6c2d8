"""Liquidity history for analysts: what each operation deployed and what became of its orders since.

Reads only, for admins and analysts (each takes the acting user as ``user_id`` and refuses anyone else). They
run the views and functions of sql/ (liquidity_operation_summary, list_operations, …) and return pydantic
records. The one write on the Operations page, withdrawing an operation's remaining liquidity,
belongs to ``core.liquidity_service``.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationInfo, field_validator, model_validator
from sqlalchemy.orm import Session

from core.audit import TicketLog, TicketSearch, ticket_logs, tickets_sql
from core.auth import READERS, row_sets_as, rows_as
from core.enums import CertificateType, OrderSide, OrderStatus
from core.errors import NotFound
from core.filters import check_date_range, parse_filters
from core.models import Record
from core.sqlcall import fetch_one
from core.validation import parse_id

# Largest CSV export of operations: every operation of a busy year, still one query.
EXPORT_LIMIT = 100_000


class OperationSort(StrEnum):
    """Columns the operations table may be sorted by (the SQL function accepts exactly these)."""

    CREATED_AT = "created_at"
    TICKET_ID = "ticket_id"
    CERTIFICATE_TYPE = "certificate_type"
    REFERENCE_PRICE = "reference_price"
    ACTUAL_BID = "actual_bid_liquidity_eur"
    ACTUAL_ASK = "actual_ask_liquidity_eur"
    ACTUAL_TOTAL = "actual_total_eur"
    FILLED = "filled_eur"
    RESTING = "resting_eur"
    WITHDRAWN = "withdrawn_eur"
    FILL_RATIO = "fill_ratio"


class OperationFilters(BaseModel):
    """What the operations table, its charts and its CSV show. Dates are inclusive UTC calendar days."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_type: CertificateType | None = None
    date_from: date | None = None
    date_to: date | None = None
    created_by: int | None = Field(default=None, gt=0)
    ticket_search: TicketSearch = None
    sort: OperationSort = OperationSort.CREATED_AT
    descending: bool = True
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=50, ge=1, le=500)

    @field_validator("certificate_type", "sort", mode="before")
    @classmethod
    def _enum_any_case(cls, value: object, info: ValidationInfo) -> object:
        enum_cls = CertificateType if info.field_name == "certificate_type" else OperationSort
        if isinstance(value, str) and value.strip():
            try:
                return enum_cls(value.strip().upper() if enum_cls is CertificateType else value.strip().lower())
            except ValueError:
                allowed = ", ".join(m.value for m in enum_cls)
                raise ValueError(f"unknown value {value!r}: expected one of {allowed}") from None
        return None if value == "" else value

    @model_validator(mode="after")
    def _dates_in_order(self) -> "OperationFilters":
        check_date_range(self.date_from, self.date_to)
        return self

    def sql_params(self) -> dict[str, object]:
        return {
            "cert": self.certificate_type.value if self.certificate_type else None,
            "df": self.date_from,
            "dt": self.date_to,
            "by": self.created_by,
            "ticket": self.ticket_search,
        }


# what the read functions accept as filters: the model, a mapping of its fields, or None for the defaults
FilterInput = OperationFilters | Mapping[str, object] | None
FILTER_ARGS = "CAST(:cert AS certificate_type), CAST(:df AS date), CAST(:dt AS date), CAST(:by AS bigint), :ticket"


class OperationSummary(Record):
    id: int
    created_at: datetime
    ticket_id: str
    certificate_type: CertificateType
    reference_price: Decimal
    price_source: str
    target_bid_liquidity_eur: Decimal
    target_ask_liquidity_eur: Decimal
    actual_bid_liquidity_eur: Decimal
    actual_ask_liquidity_eur: Decimal
    actual_total_eur: Decimal
    orders_created: int
    created_by: int
    created_by_username: str
    notes: str | None
    market_maker_names: list[str]
    open_orders: int
    filled_eur: Decimal
    filled_bid_eur: Decimal
    filled_ask_eur: Decimal
    filled_quantity: int
    resting_eur: Decimal
    resting_quantity: int
    withdrawn_eur: Decimal
    withdrawn_quantity: int
    fill_ratio: Decimal | None
    policy_id: int | None = None  # placed by a run of this liquidity policy (None: a manual Create Liquidity)


# what a summary read sends: the model's columns only (the plan's market_makers_used JSON, parsed for every row,
# cost a fifth of a page read and is shown nowhere: market_maker_names names them)
SUMMARY_COLUMNS = ", ".join(OperationSummary.model_fields)
PAGE_COLUMNS = ", ".join(f"(p.operation).{name}" for name in OperationSummary.model_fields)


class OperationPage(Record):
    rows: list[OperationSummary]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class OperationOrder(Record):
    id: int
    liquidity_level: int | None
    market_maker_id: int | None
    market_maker_name: str | None
    side: OrderSide
    price: Decimal
    quantity: int
    filled_quantity: int
    remaining_quantity: int
    status: OrderStatus
    cancel_reason: str | None
    cancelled_by_name: str | None = None  # who cancelled it (none: the engine, or a cancel before revision 0035)
    filled_eur: Decimal
    resting_quantity: int
    resting_eur: Decimal
    withdrawn_quantity: int
    withdrawn_eur: Decimal
    created_at: datetime
    updated_at: datetime


class OperationDetail(Record):
    summary: OperationSummary
    orders: list[OperationOrder]
    tickets: list[TicketLog]


class DailyStat(Record):
    day: date
    operations: int
    deployed_bid_eur: Decimal
    deployed_ask_eur: Decimal
    filled_eur: Decimal
    fill_ratio: Decimal | None


# a year of days validated as one list: a third faster than one model_validate per day
DAILY_STATS = TypeAdapter(list[DailyStat])


class RestingDepth(Record):
    market_maker_id: int
    market_maker_name: str
    side: OrderSide
    resting_eur: Decimal
    resting_quantity: int
    open_orders: int


class Creator(Record):
    id: int
    username: str


def _filters(value: FilterInput) -> OperationFilters:
    return parse_filters(OperationFilters, value, "Operation filters")


OPERATIONS_ACTION = "read the liquidity operations"


def _page(
    db: Session, filters: OperationFilters, limit: int, offset: int, user_id: object
) -> tuple[list[OperationSummary], int]:
    params = {
        **filters.sql_params(),
        "sort": filters.sort.value,
        "desc": filters.descending,
        "lim": limit,
        "off": offset,
    }
    sql = f"SELECT {PAGE_COLUMNS}, p.total_count FROM list_operations({FILTER_ARGS}, :sort, :desc, :lim, :off) p"
    rows = rows_as(db, user_id, READERS, OPERATIONS_ACTION, sql, params)
    if rows:
        return [OperationSummary.model_validate(r) for r in rows], int(rows[0]["total_count"])
    # past the last page: the page is empty, the total still matters to the caller
    count = f"SELECT count(*) AS n FROM filtered_operations({FILTER_ARGS})"
    return [], int(rows_as(db, user_id, READERS, OPERATIONS_ACTION, count, filters.sql_params())[0]["n"])


def list_operations(db: Session, filters: FilterInput = None, *, user_id: int) -> OperationPage:
    """One page of operations with their live state, and how many match the filters in all (admins and
    analysts)."""
    f = _filters(filters)
    rows, total = _page(db, f, f.page_size, (f.page - 1) * f.page_size, user_id)
    return OperationPage(rows=rows, total=total, page=f.page, page_size=f.page_size)


def export_operations(db: Session, filters: FilterInput = None, *, user_id: int) -> list[OperationSummary]:
    """Every operation matching the filters (sorted as asked, paging ignored), for the CSV download."""
    f = _filters(filters)
    return _page(db, f, EXPORT_LIMIT, 0, user_id)[0]


def get_operation_detail(db: Session, operation_id: int, *, user_id: int) -> OperationDetail:
    """One operation with its orders (by side, level, market maker) and the tickets that record it."""
    op_id = parse_id(operation_id, "Operation id")
    summaries, orders, tickets = row_sets_as(
        db,
        user_id,
        READERS,
        OPERATIONS_ACTION,
        (f"SELECT {SUMMARY_COLUMNS} FROM liquidity_operation_summary WHERE id = :id", {"id": op_id}),
        (
            "SELECT * FROM liquidity_order_state WHERE liquidity_operation_id = :id "
            "ORDER BY side, liquidity_level, market_maker_name, id",
            {"id": op_id},
        ),
        (tickets_sql("operation_tickets(:id)"), {"id": op_id}),
    )
    if not summaries:
        raise NotFound(f"Liquidity operation {op_id} does not exist")
    return OperationDetail(
        summary=OperationSummary.model_validate(summaries[0]),
        orders=[OperationOrder.model_validate(o) for o in orders],
        tickets=ticket_logs(tickets),
    )


def operation_daily_stats(db: Session, filters: FilterInput = None, *, user_id: int) -> list[DailyStat]:
    """EUR deployed per day and side by the matching operations, and how much of it has traded."""
    f = _filters(filters)
    sql = f"SELECT * FROM operation_daily_stats({FILTER_ARGS})"
    return DAILY_STATS.validate_python(rows_as(db, user_id, READERS, OPERATIONS_ACTION, sql, f.sql_params()))


def operation_resting_depth(db: Session, filters: FilterInput = None, *, user_id: int) -> list[RestingDepth]:
    """What the matching operations still have resting on the book, per market maker and side."""
    f = _filters(filters)
    sql = f"SELECT * FROM operation_resting_depth({FILTER_ARGS})"
    rows = rows_as(db, user_id, READERS, OPERATIONS_ACTION, sql, f.sql_params())
    return [RestingDepth.model_validate(r) for r in rows]


def list_operation_creators(db: Session, *, user_id: int) -> list[Creator]:
    """The users who have created liquidity operations, for the creator filter."""
    rows = rows_as(
        db,
        user_id,
        READERS,
        OPERATIONS_ACTION,
        "SELECT u.id, u.username FROM users u "
        "WHERE EXISTS (SELECT 1 FROM liquidity_operations lo WHERE lo.created_by = u.id) ORDER BY lower(u.username)",
    )
    return [Creator.model_validate(r) for r in rows]


def read_version(db: Session) -> str:
    """A token that changes with every write the Operations page can show: each balance movement (orders
    placed, filled, cancelled, withdrawn) writes a ledger row and each audited action a ticket. Two primary-key
    lookups, so a page can check it on every run and cache its reads under it. It reveals nothing but two
    counters, so it needs no acting user."""
    row = fetch_one(
        db,
        "SELECT coalesce((SELECT max(id) FROM asset_transactions), 0) AS ledger, "
        "coalesce((SELECT max(id) FROM ticket_logs), 0) AS tickets",
    )
    return f"{row['ledger']}-{row['tickets']}" if row else "0-0"
