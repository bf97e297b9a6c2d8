"""One trading account as the person trading for it sees it: its balances (available and locked), its open
orders (all of them), its closed orders and its fills, a page at a time.

The account is the one ``core.orders.acting_account`` decides: a trader's own entity, or the market maker an
admin names (admins must name it). Analysts are refused.
"""

from datetime import datetime
from decimal import Decimal
from math import ceil

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.enums import AssetType, CertificateType, OrderSide, OrderType
from core.errors import NotFound, ValidationError
from core.market import Trade
from core.models import AssetBalance, Record
from core.orders import Order, acting_account
from core.sqlcall import unit_of_work

MAX_PAGE_SIZE = 500
MAX_PAGE = 2**31 - 1  # a page number core reads: past the last page of any account
CLOSED = "status IN ('FILLED', 'CANCELLED')"
OPEN = "status IN ('OPEN', 'PARTIALLY_FILLED')"
# the orders of one account; both owner columns are bound and one of them is NULL, so one index serves
MINE = "(market_maker_id = :mm OR entity_id = :e)"


class TradingAccount(Record):
    name: str
    market_maker_id: int | None
    entity_id: int | None
    balances: dict[AssetType, AssetBalance]  # every asset, zero where it holds none
    active: bool = True  # a market maker deactivated since trades no more (a trader firm is always active)


class Fill(Record):
    """One trade of one of the account's orders, seen from that order."""

    trade_id: int
    order_id: int
    created_at: datetime
    certificate_type: CertificateType
    side: OrderSide  # the side of the account's order
    order_type: OrderType
    price: Decimal
    quantity: int
    amount: Decimal
    order_average_price: Decimal  # the average price of all of that order's fills


class _Page(Record):
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.page_size))


class OrderPage(_Page):
    items: list[Order]


class FillPage(_Page):
    items: list[Fill]


def _page_args(page: object, page_size: object) -> tuple[int, int]:
    for value, what, upper in ((page, "Page", MAX_PAGE), (page_size, "Page size", MAX_PAGE_SIZE)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
            raise ValidationError(f"{what} must be a whole number from 1 to {upper:,}, got {value!r}")
    return page, page_size  # type: ignore[return-value]


def _owner(db: Session, user_id: int, market_maker_id: int | None, action: str) -> dict[str, int | None]:
    _, mm_id, entity_id = acting_account(db, user_id, market_maker_id, action)
    if mm_id is not None:
        known = db.execute(text("SELECT 1 FROM market_maker_clients WHERE id = :m"), {"m": mm_id}).first()
        if known is None:
            raise NotFound(f"Market maker {mm_id} does not exist")
    return {"mm": mm_id, "e": entity_id}


def _with_fills(db: Session, rows: list) -> list[Order]:
    """Orders with their fills, read in one query (not one per order)."""
    ids = [r["id"] for r in rows]
    fills: dict[int, list[Trade]] = {i: [] for i in ids}
    if ids:
        trades = db.execute(
            text("SELECT * FROM trades WHERE buy_order_id = ANY (:ids) OR sell_order_id = ANY (:ids) ORDER BY id"),
            {"ids": ids},
        ).mappings()
        for t in trades:
            for order_id in (t["buy_order_id"], t["sell_order_id"]):
                if order_id in fills:
                    fills[order_id].append(Trade.model_validate(t))
    return [Order.model_validate({**r, "fills": fills[r["id"]]}) for r in rows]


def get_trading_account(db: Session, user_id: int, *, market_maker_id: int | None = None) -> TradingAccount:
    """The account's name and, per asset, what is available and what its open orders lock."""
    with unit_of_work(db):
        owner = _owner(db, user_id, market_maker_id, "see an account")
        name, active = db.execute(
            text(
                "SELECT name, is_active FROM market_maker_clients WHERE id = :mm "
                "UNION ALL SELECT name, true FROM entities WHERE id = :e"
            ),
            owner,
        ).one()
        rows = db.execute(text(f"SELECT asset, available, locked FROM balances WHERE {MINE}"), owner).mappings()
        held = {AssetType(r["asset"]): AssetBalance.model_validate(r) for r in rows}
    zero = Decimal(0)
    balances = {a: held.get(a, AssetBalance(asset=a, available=zero, locked=zero)) for a in AssetType}
    return TradingAccount(
        name=name, market_maker_id=owner["mm"], entity_id=owner["e"], balances=balances, active=active
    )


def get_open_orders(db: Session, user_id: int, *, market_maker_id: int | None = None) -> list[Order]:
    """Every open (or partly filled) order of the account, newest first, with its fills."""
    with unit_of_work(db):
        owner = _owner(db, user_id, market_maker_id, "list orders")
        rows = list(
            db.execute(
                text(f"SELECT * FROM orders WHERE {MINE} AND {OPEN} ORDER BY created_at DESC, id DESC"), owner
            ).mappings()
        )
        return _with_fills(db, rows)


def get_order_history(
    db: Session, user_id: int, *, market_maker_id: int | None = None, page: int = 1, page_size: int = 50
) -> OrderPage:
    """The account's closed (filled or cancelled) orders, most recently closed first, one page at a time."""
    number, size = _page_args(page, page_size)
    with unit_of_work(db):
        owner = _owner(db, user_id, market_maker_id, "list orders")
        total = db.execute(text(f"SELECT count(*) FROM orders WHERE {MINE} AND {CLOSED}"), owner).scalar_one()
        rows = list(
            db.execute(
                text(
                    "SELECT *, (SELECT username FROM users u WHERE u.id = orders.cancelled_by) AS cancelled_by_name "
                    f"FROM orders WHERE {MINE} AND {CLOSED} ORDER BY updated_at DESC, id DESC LIMIT :n OFFSET :skip"
                ),
                {**owner, "n": size, "skip": (number - 1) * size},
            ).mappings()
        )
        items = _with_fills(db, rows)
    return OrderPage(items=items, page=number, page_size=size, total=total)


# the account's fills: a trade joins its buy order or its sell order, whichever is the account's; two branches
# so each uses its own trades index
FILLS = f"""
WITH mine AS (SELECT id, side, order_type FROM orders WHERE {MINE}),
fills AS (
    SELECT t.id AS trade_id, m.id AS order_id, t.created_at, t.certificate_type, m.side, m.order_type,
           t.price, t.quantity
      FROM mine m JOIN trades t ON t.buy_order_id = m.id WHERE m.side = 'BUY'
    UNION ALL
    SELECT t.id, m.id, t.created_at, t.certificate_type, m.side, m.order_type, t.price, t.quantity
      FROM mine m JOIN trades t ON t.sell_order_id = m.id WHERE m.side = 'SELL'
)
"""


def get_fills(
    db: Session, user_id: int, *, market_maker_id: int | None = None, page: int = 1, page_size: int = 50
) -> FillPage:
    """The account's fills, newest first, each with the average price of its order, one page at a time."""
    number, size = _page_args(page, page_size)
    with unit_of_work(db):
        owner = _owner(db, user_id, market_maker_id, "list fills")
        total = db.execute(text(FILLS + "SELECT count(*) FROM fills"), owner).scalar_one()
        rows = db.execute(
            text(
                FILLS
                + """
                SELECT f.*, f.price * f.quantity AS amount,
                       (SELECT round(sum(t.price * t.quantity) / sum(t.quantity), 4) FROM trades t
                         WHERE t.buy_order_id = f.order_id OR t.sell_order_id = f.order_id) AS order_average_price
                  FROM (SELECT * FROM fills ORDER BY created_at DESC, trade_id DESC LIMIT :n OFFSET :skip) f
                 ORDER BY f.created_at DESC, f.trade_id DESC
                """
            ),
            {**owner, "n": size, "skip": (number - 1) * size},
        ).mappings()
        items = [Fill.model_validate(r) for r in rows]
    return FillPage(items=items, page=number, page_size=size, total=total)
