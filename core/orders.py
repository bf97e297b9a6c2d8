"""Orders on the cash market: check what a person typed, estimate a market order, place (matched at once in
SQL, see sql/place_order.sql), cancel, list.

Who may trade for whom is decided here (``acting_account``): a trader places and cancels for its own entity
only; an admin places and cancels for market makers (liquidity providers buy with EUR, asset holders sell
certificates); analysts only read.
"""

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from pydantic import Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.config import get_settings
from core.enums import AssetType, CertificateType, OrderSide, OrderStatus, OrderType, Role
from core.errors import NotFound, PermissionDenied, ValidationError
from core.market import BookFill, Trade
from core.models import Record, User
from core.sqlcall import fetch_all, fetch_one, unit_of_work
from core.validation import parse_amount, parse_decimal, parse_enum, parse_eur, parse_id, parse_quantity

TRADERS = (Role.ADMIN, Role.TRADER)
OPEN_STATUSES = (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)
MY_ORDERS_LIMIT = 500
PERCENT = Decimal("0.01")  # percentages are shown to two decimals
# thousands grouped with commas ("1,250" or "1,250.50"); any other comma is a decimal comma
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class Order(Record):
    id: int
    seq: int
    certificate_type: CertificateType
    side: OrderSide
    order_type: OrderType
    market_maker_id: int | None
    entity_id: int | None
    placed_by: int
    price: Decimal | None
    quantity: int
    filled_quantity: int
    remaining_quantity: int
    locked_amount: Decimal  # what it still holds: EUR for a BUY, certificates for a SELL
    status: OrderStatus
    post_only: bool
    cancel_reason: str | None
    liquidity_operation_id: int | None = None
    liquidity_level: int | None = None
    created_at: datetime
    updated_at: datetime
    fills: list[Trade] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def average_fill_price(self) -> Decimal | None:
        if not self.fills:
            return None
        amount = sum((f.amount for f in self.fills), Decimal(0))
        return (amount / sum(f.quantity for f in self.fills)).quantize(Decimal("0.0001"))


class MarketOrderEstimate(Record):
    """What a MARKET order would fill now: the engine's own walk of the book (``sql/walk_book.sql``) for this
    account (its own resting orders skipped, a BUY limited by its available EUR, as ``place_order`` locks)."""

    certificate_type: CertificateType
    side: OrderSide
    quantity: int  # asked for
    fills: list[BookFill]  # the resting orders it would fill, in priority order
    in_book: int  # certificates the other side offers now, up to ``quantity`` (whatever the funds)
    best_price: Decimal | None  # the best price of the other side (others' orders only)
    band_pct: Decimal  # how far from the best price a market order may move the price without a confirmation

    @property
    def filled(self) -> int:
        return sum(f.quantity for f in self.fills)

    @property
    def total(self) -> Decimal:
        return sum((f.amount for f in self.fills), Decimal("0.00"))

    @property
    def average_price(self) -> Decimal | None:
        return (self.total / self.filled).quantize(Decimal("0.0001")) if self.filled else None

    @property
    def worst_price(self) -> Decimal | None:
        """The last price it trades at: where it leaves the market."""
        return self.fills[-1].price if self.fills else None

    @property
    def slippage_pct(self) -> Decimal | None:
        """How much worse than the best price the average is, in percent (never negative)."""
        if self.average_price is None or self.best_price is None:
            return None
        return (abs(self.average_price - self.best_price) / self.best_price * 100).quantize(PERCENT)

    @property
    def price_move_pct(self) -> Decimal | None:
        """How far from the best price the order moves the price (its last fill), in percent."""
        if self.worst_price is None or self.best_price is None:
            return None
        return (abs(self.worst_price - self.best_price) / self.best_price * 100).quantize(PERCENT)

    @property
    def beyond_band(self) -> bool:
        """Moves the price further from the best price than the configured band: ask before sending it."""
        return self.price_move_pct is not None and self.price_move_pct > self.band_pct


def acting_account(
    db: Session, user_id: int, market_maker_id: int | None, action: str
) -> tuple[User, int | None, int | None]:
    """(user, market maker id, entity id) of the account ``user_id`` acts for: a trader its own entity, an admin
    the market maker it names. Runs inside the caller's unit of work."""
    mm_id = parse_id(market_maker_id, "Market maker id") if market_maker_id is not None else None
    user = require_role(db, user_id, TRADERS, action)
    if user.role is Role.TRADER and mm_id is not None:
        raise PermissionDenied(f"Traders {action} for their own entity only, not for a market maker")
    if user.role is Role.ADMIN and mm_id is None:
        raise ValidationError(f"Admins {action} for a market maker: choose which one")
    return user, mm_id, (user.entity_id if mm_id is None else None)


def _typed(value: object, what: str) -> object:
    """A number as a person typed it: blanks and a leading € go; an empty field and a decimal comma are refused
    (a comma is read as a thousands separator, so "14,03" would otherwise mean 1403)."""
    if not isinstance(value, str):
        return value
    typed = value.strip().removeprefix("€").strip()
    if not typed:
        raise ValidationError(f"Enter a {what.lower()}")
    if "," in typed and not _GROUPED_NUMBER.fullmatch(typed):
        raise ValidationError(f"{what}: use a point for decimals, like 14.03 (a comma only groups thousands)")
    return typed


def parse_order_quantity(value: object, certificate_type: CertificateType | str) -> int:
    """An order quantity as typed: whole certificates of its book, at least 1."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    return int(parse_amount(_typed(value, "Quantity"), AssetType(cert.value), "Quantity"))


def check_limit_price(db: Session, certificate_type: CertificateType | str, value: object) -> Decimal:
    """A limit price as typed: above zero, within the maximum, and a whole number of the book's ticks (asked of
    ``price_on_tick``, the rule ``place_order`` enforces)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    number = parse_decimal(_typed(value, "Price"), "Price")
    if 0 < number <= get_settings().max_amount:
        row = fetch_one(
            db, "SELECT price_tick(:c) AS tick, price_on_tick(:c, :p) AS ok", {"c": cert.value, "p": number}
        )
        if not row["ok"]:
            tick = row["tick"]
            below = (number / tick).to_integral_value(ROUND_FLOOR) * tick
            nearest = f"the nearest are €{below:,.2f} and €{below + tick:,.2f}" if below else f"the lowest is €{tick}"
            raise ValidationError(f"Prices move in steps of €{tick}: {nearest}")
    return parse_eur(number, "Price")  # above zero and within the maximum


def limit_order_value(price: Decimal, quantity: int) -> Decimal:
    """What a limit order is worth (and a BUY locks): refused above the maximum accepted in one order."""
    value = price * quantity
    if value > get_settings().max_amount:
        raise ValidationError(f"Order value €{value:,} is above the maximum accepted in one order")
    return value


def estimate_market_order(
    db: Session,
    user_id: int,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    quantity: object,
    *,
    market_maker_id: int | None = None,
) -> MarketOrderEstimate:
    """What a MARKET order of the acting account would fill if sent now, by the engine's own walk."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    qty = parse_order_quantity(quantity, cert)
    with unit_of_work(db):
        _, mm_id, entity_id = acting_account(db, user_id, market_maker_id, "place orders")
        # one statement, one snapshot: what it fills with its funds, and what the book offers whatever the funds
        rows = db.execute(
            text(
                """
                SELECT true AS funded, w.* FROM walk_book(:c, CAST(:s AS order_side), :q,
                    CASE CAST(:s AS order_side) WHEN 'BUY' THEN (SELECT available FROM balances
                                              WHERE id = balance_id_for(:mm, :e, 'EUR')) END, :mm, :e) w
                UNION ALL
                SELECT false, b.* FROM walk_book(:c, CAST(:s AS order_side), :q, NULL, :mm, :e) b
                """
            ),
            {"c": cert.value, "s": order_side.value, "q": qty, "mm": mm_id, "e": entity_id},
        ).mappings()
        fills, book = [], []
        for r in rows:
            (fills if r["funded"] else book).append(BookFill.model_validate(r))
    return MarketOrderEstimate(
        certificate_type=cert,
        side=order_side,
        quantity=qty,
        fills=fills,
        in_book=sum(f.quantity for f in book),
        best_price=book[0].price if book else None,
        band_pct=get_settings().market_order_band_pct,
    )


def place_order(
    db: Session,
    placed_by_id: int,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    order_type: OrderType | str,
    quantity: object,
    price: object = None,
    market_maker_id: int | None = None,
    post_only: bool = False,
) -> Order:
    """Place an order and match it at once; returns it with the fills it made.

    Without ``market_maker_id`` a trader trades for its own entity; an admin must name the market maker.
    """
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    kind = parse_enum(OrderType, order_type, "order type")
    qty = parse_quantity(quantity)
    limit: Decimal | None = None
    if kind is OrderType.LIMIT:
        if price is None:
            raise ValidationError("A limit order needs a price")
        limit = parse_eur(price, "Price")
        limit_order_value(limit, qty)
    elif price is not None:
        raise ValidationError("A market order takes no price: it trades at the best prices in the book")
    if not isinstance(post_only, bool):
        raise ValidationError("post_only must be true or false")

    with unit_of_work(db):
        user, mm_id, entity_id = acting_account(db, placed_by_id, market_maker_id, "place orders")
        row = (
            db.execute(
                text(
                    "SELECT * FROM place_order(:c, :s, :t, :q, :p, :mm, :e, :by, :po)",
                ),
                {
                    "c": cert.value,
                    "s": order_side.value,
                    "t": kind.value,
                    "q": qty,
                    "p": limit,
                    "mm": mm_id,
                    "e": entity_id,
                    "by": user.id,
                    "po": post_only,
                },
            )
            .mappings()
            .one()
        )
        fills = _fills(db, row["id"])
    return Order.model_validate({**row, "fills": fills})


def cancel_order(db: Session, order_id: int, by_id: int) -> Order:
    """Cancel an open order and unlock what it still holds. Traders cancel their entity's orders,
    admins market makers' orders."""
    oid = parse_id(order_id, "Order id")
    with unit_of_work(db):
        user = require_role(db, by_id, TRADERS, "cancel orders")
        owner = db.execute(text("SELECT market_maker_id, entity_id FROM orders WHERE id = :id"), {"id": oid}).first()
        if owner is None:
            raise NotFound(f"Order {oid} does not exist")
        if user.role is Role.TRADER and owner.entity_id != user.entity_id:
            raise PermissionDenied(f"Order {oid} is not an order of your entity: you can cancel only your own")
        if user.role is Role.ADMIN and owner.market_maker_id is None:
            raise PermissionDenied(f"Order {oid} belongs to a trader's entity: only its traders can cancel it")
        row = db.execute(text("SELECT * FROM cancel_order(:id, :by)"), {"id": oid, "by": user.id}).mappings().one()
        fills = _fills(db, oid)
    return Order.model_validate({**row, "fills": fills})


def get_order(db: Session, order_id: int) -> Order:
    oid = parse_id(order_id, "Order id")
    rows = fetch_all(db, "SELECT * FROM orders WHERE id = :id", {"id": oid})
    if not rows:
        raise NotFound(f"Order {oid} does not exist")
    with unit_of_work(db):
        fills = _fills(db, oid)
    return Order.model_validate({**rows[0], "fills": fills})


def get_my_orders(
    db: Session, user_id: int, status: OrderStatus | str | Iterable[OrderStatus | str] | None = None
) -> list[Order]:
    """A trader's entity orders, or the orders an admin placed; newest first, optionally of some statuses."""
    if status is None:
        statuses = list(OrderStatus)
    elif isinstance(status, str):
        statuses = [parse_enum(OrderStatus, status, "order status")]
    elif isinstance(status, Iterable):
        statuses = [parse_enum(OrderStatus, s, "order status") for s in status]
    else:
        statuses = [parse_enum(OrderStatus, status, "order status")]  # refuses anything else, clearly
    with unit_of_work(db):
        user = require_role(db, user_id, TRADERS, "list their orders")
        mine = "entity_id = :who" if user.role is Role.TRADER else "placed_by = :who"
        rows = list(
            db.execute(
                text(
                    f"SELECT * FROM orders WHERE {mine} AND status = ANY (CAST(:st AS order_status[])) "
                    "ORDER BY created_at DESC, id DESC LIMIT :n"
                ),
                {
                    "who": user.entity_id if user.role is Role.TRADER else user.id,
                    "st": [s.value for s in statuses],
                    "n": MY_ORDERS_LIMIT,
                },
            ).mappings()
        )
    return [Order.model_validate(r) for r in rows]


def _fills(db: Session, order_id: int) -> list[Trade]:
    rows = db.execute(
        text("SELECT * FROM trades WHERE buy_order_id = :id OR sell_order_id = :id ORDER BY id"), {"id": order_id}
    ).mappings()
    return [Trade.model_validate(r) for r in rows]
