"""Market data of the two books (EUA, CEA against EUR): order book by price level, stats, recent trades.

Reads only; every write to a book goes through core.orders.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.enums import CertificateType, OrderSide
from core.errors import ValidationError
from core.models import Record
from core.sqlcall import fetch_all, fetch_one, read
from core.validation import parse_enum, parse_eur, parse_id, parse_quantity

MAX_DEPTH = 1000
MAX_TRADES = 1000


class BookLevel(Record):
    """One price level: what rests there, how many orders, and the quantity from the best price to here."""

    price: Decimal
    quantity: int
    orders: int
    cumulative: int


class OrderBook(Record):
    certificate_type: CertificateType
    bids: list[BookLevel]  # best (highest) first
    asks: list[BookLevel]  # best (lowest) first

    @property
    def best_bid(self) -> Decimal | None:
        return self.bids[0].price if self.bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return self.asks[0].price if self.asks else None

    def __getitem__(self, side: str) -> list[BookLevel]:  # book["bids"] reads like the plain-dict form
        if side not in ("bids", "asks"):
            raise KeyError(side)
        return getattr(self, side)


class MarketStats(Record):
    certificate_type: CertificateType
    best_bid: Decimal | None
    best_ask: Decimal | None
    spread: Decimal | None
    mid: Decimal | None
    last_price: Decimal | None
    last_trade_at: datetime | None
    change_24h: Decimal | None
    change_pct_24h: Decimal | None
    volume_24h: int
    turnover_24h: Decimal
    high_24h: Decimal | None
    low_24h: Decimal | None
    trades_24h: int


class BookFill(Record):
    """One resting order a walk of the book reaches: what it would fill there, and for how much EUR."""

    order_id: int
    price: Decimal
    quantity: int
    amount: Decimal


class Trade(Record):
    id: int
    certificate_type: CertificateType
    price: Decimal
    quantity: int
    buy_order_id: int
    sell_order_id: int
    aggressor_side: OrderSide
    created_at: datetime

    @property
    def amount(self) -> Decimal:
        return self.price * self.quantity


def _bounded(value: object, what: str, upper: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= upper:
        raise ValidationError(f"{what} must be a whole number from 1 to {upper}, got {value!r}")
    return value


BOOK_TICK_SQL = "SELECT price_tick(:c) AS tick"  # a book's price step (``:c``), as core reads it


def book_tick(db: Session, certificate_type: CertificateType) -> Decimal:
    """The price step of one book (``markets.price_tick``), read inside the caller's unit of work: the engine,
    the planner and the order entry all read it from there."""
    return db.execute(text(BOOK_TICK_SQL), {"c": certificate_type.value}).scalar_one()


def price_tick(db: Session, certificate_type: CertificateType | str) -> Decimal:
    """The price step of one book, as a read of its own."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    return read(db, lambda session: book_tick(session, cert))


def get_order_book(db: Session, certificate_type: CertificateType | str, depth: int = 50) -> OrderBook:
    """Up to ``depth`` price levels a side, best first."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    rows = fetch_all(
        db,
        "SELECT * FROM order_book(:c, :d)",
        {"c": cert.value, "d": _bounded(depth, "Depth", MAX_DEPTH)},
    )
    bids = [BookLevel.model_validate(r) for r in rows if r["side"] == OrderSide.BUY]
    asks = [BookLevel.model_validate(r) for r in rows if r["side"] == OrderSide.SELL]
    return OrderBook(
        certificate_type=cert,
        bids=sorted(bids, key=lambda lv: lv.price, reverse=True),
        asks=sorted(asks, key=lambda lv: lv.price),
    )


def get_market_stats(db: Session, certificate_type: CertificateType | str) -> MarketStats:
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    row = fetch_one(db, "SELECT * FROM market_stats(:c)", {"c": cert.value})
    return MarketStats.model_validate({**row, "certificate_type": cert})


def get_recent_trades(db: Session, certificate_type: CertificateType | str, limit: int = 50) -> list[Trade]:
    """The newest trades of one book, newest first."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    rows = fetch_all(
        db,
        "SELECT * FROM trades WHERE certificate_type = :c ORDER BY created_at DESC, id DESC LIMIT :n",
        {"c": cert.value, "n": _bounded(limit, "Limit", MAX_TRADES)},
    )
    return [Trade.model_validate(r) for r in rows]


def walk_book(
    db: Session,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    quantity: int | None = None,
    eur: Decimal | None = None,
    *,
    market_maker_id: int | None = None,
    entity_id: int | None = None,
) -> list[BookFill]:
    """The resting orders an aggressor of ``side`` would fill now, in price-time priority (``sql/walk_book.sql``,
    the walk ``place_order`` itself runs): up to ``quantity`` certificates; a BUY spends at most ``eur``, a SELL
    stops once its proceeds reach ``eur``; the orders of the given owner are skipped (they would be cancelled
    by self-trade prevention, never filled)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    qty = parse_quantity(quantity, cert.value) if quantity is not None else None
    budget = parse_eur(eur, "EUR amount", allow_zero=True) if eur is not None else None
    mm_id = parse_id(market_maker_id, "Market maker id") if market_maker_id is not None else None
    owner_entity = parse_id(entity_id, "Entity id") if entity_id is not None else None
    rows = fetch_all(
        db,
        "SELECT * FROM walk_book(:c, :s, :q, :e, :mm, :en)",
        {"c": cert.value, "s": order_side.value, "q": qty, "e": budget, "mm": mm_id, "en": owner_entity},
    )
    return [BookFill.model_validate(r) for r in rows]
