"""What a person types into an order entry, read exactly (a limit price on its book's tick, a whole quantity), how
far a limit price is through the market (a price collar against a fat finger), and what a MARKET order would fill
if sent now: the engine's own walk of the book (``sql/walk_book.sql``) for the account the user trades for
(``core.orders.acting_account``).
"""

from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.config import get_settings
from core.enums import CertificateType, OrderSide
from core.errors import ValidationError
from core.market import BookFill
from core.models import Record
from core.orders import OwnOrder, acting_account
from core.sqlcall import fetch_one, unit_of_work
from core.validation import (
    EUR_QUANTUM,
    MAX_AMOUNT,
    parse_decimal,
    parse_enum,
    parse_price,
    parse_quantity,
    refuse_dot_grouped,
    without_euro_sign,
)

PERCENT = Decimal("0.01")  # percentages are shown to two decimals


class MarketOrderEstimate(Record):
    """What a MARKET order would fill now: the engine's own walk of the book (``sql/walk_book.sql``) for this
    account (its own resting orders skipped, a BUY limited by its available EUR, as ``place_order`` locks)."""

    certificate_type: CertificateType
    side: OrderSide
    quantity: int  # asked for
    fills: list[BookFill]  # the resting orders it would fill, in priority order
    own_orders: list[OwnOrder]  # the account's own resting orders it would meet: self-trade prevention cancels them
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


class PriceCollar(Record):
    """How far a LIMIT price is through the market: above the price a BUY is measured against, below the one a SELL
    is (the best price of the other side, else the last trade, else the best price of its own side: what it would
    trade against first, or what the market last paid). A limit beyond the band may fill far from the market and
    rest there: a fat finger's price, confirmed before it is sent."""

    side: OrderSide
    price: Decimal
    reference: Decimal
    reference_label: str  # "best ask", "best bid" or "last price", as the page names them
    band_pct: Decimal

    @property
    def through_pct(self) -> Decimal:
        """Percent of the reference the limit is past it in the direction that costs its side (0 when it is not)."""
        past = self.price - self.reference if self.side is OrderSide.BUY else self.reference - self.price
        return (max(past, Decimal(0)) / self.reference * 100).quantize(PERCENT)

    @property
    def beyond_band(self) -> bool:
        return self.through_pct > self.band_pct

    @property
    def direction(self) -> str:
        """Where a limit past the band lies from its reference: above it for a BUY, below it for a SELL."""
        return "above" if self.side is OrderSide.BUY else "below"

    @property
    def post_only_refusal(self) -> str | None:
        """Why the engine would refuse this price post-only, in its words (``match_order`` refuses a post-only order
        that meets any resting order, the account's own too), and where such an order rests instead; None when it
        would rest. Only a collar measured against the other side's best can cross it: the order entry says it under
        Price before anything is sent (the button read "Buy 10 EUA at €81.17 limit, post only" and the refusal came
        only after the click)."""
        buy = self.side is OrderSide.BUY
        if self.reference_label != ("best ask" if buy else "best bid"):
            return None
        if (self.price < self.reference) if buy else (self.price > self.reference):
            return None
        met = f"the {self.reference_label} at €{self.reference:,}"
        rests = "a post-only buy rests below it" if buy else "a post-only sell rests above it"
        return f"This post-only order would trade at once against {met}: {rests}"


def limit_price_collar(
    db: Session, certificate_type: CertificateType | str, side: OrderSide | str, price: object
) -> PriceCollar | None:
    """The collar of a LIMIT price on its book now; None when the book has no price at all (no order, no trade)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    limit = parse_price(price)
    best = fetch_one(db, "SELECT best_bid, best_ask, last_price FROM best_prices(:c)", {"c": cert.value})
    other, own = ("best_ask", "best_bid") if order_side is OrderSide.BUY else ("best_bid", "best_ask")
    for column in (other, "last_price", own):
        if best[column] is not None:
            return PriceCollar(
                side=order_side,
                price=limit,
                reference=best[column],
                reference_label=column.replace("_", " "),
                band_pct=get_settings().limit_price_band_pct,
            )
    return None


def _typed(value: object, what: str) -> object:
    """A number as a person typed it: blanks go; an empty field is refused (a decimal comma is refused by
    ``core.validation.parse_decimal``, for every typed amount)."""
    if not isinstance(value, str):
        return value
    typed = value.strip()
    if not typed:
        raise ValidationError(f"Enter a {what.lower()}")
    return typed


def parse_order_quantity(value: object, certificate_type: CertificateType | str) -> int:
    """An order quantity as typed: whole certificates of its book, at least 1."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    return parse_quantity(_typed(value, "Quantity"), cert.value)


def check_limit_price(db: Session, certificate_type: CertificateType | str, value: object) -> Decimal:
    """A limit price as typed: above zero, within the maximum, and a whole number of the book's ticks (asked of
    ``price_on_tick``, the rule ``place_order`` enforces)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    typed = without_euro_sign(_typed(value, "Price"))
    refuse_dot_grouped(typed, "Price")  # before the tick: "81.170" is refused as ambiguous, not as 81.17
    number = parse_decimal(typed, "Price")
    if 0 < number <= MAX_AMOUNT:
        # a tick is whole cents (markets.price_tick is numeric(18, 2)), so a price with more decimals is on none; it
        # is not sent, as "1e-999999999" has more decimals than PostgreSQL's numeric holds
        cents = number if number == number.quantize(EUR_QUANTUM) else None
        row = fetch_one(db, "SELECT price_tick(:c) AS tick, price_on_tick(:c, :p) AS ok", {"c": cert.value, "p": cents})
        if not row["ok"]:
            tick = row["tick"]
            below = (number / tick).to_integral_value(ROUND_FLOOR) * tick
            nearest = f"the nearest are €{below:,.2f} and €{below + tick:,.2f}" if below else f"the lowest is €{tick}"
            raise ValidationError(f"Prices move in steps of €{tick}: {nearest}")
    return parse_price(typed)  # above zero and within the maximum (its refusals quote what was typed)


def check_order_funds(
    db: Session,
    user_id: int,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    quantity: int,
    price: Decimal | None = None,
    *,
    market_maker_id: int | None = None,
) -> Decimal:
    """What a SELL (its certificates) or a LIMIT BUY (``price`` × ``quantity`` EUR) of the acting account locks;
    ``InsufficientFunds``, in the engine's own words, when the account has less than that available now. Asked of
    the engine's rule (``sql/check_order_funds.sql``), not a copy of it. A MARKET BUY (no ``price``) is not checked
    here: it buys what its EUR buys, which ``estimate_market_order`` says."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    if order_side is OrderSide.BUY and price is None:
        raise ValidationError("A market buy locks what its EUR buys: estimate it instead")
    with unit_of_work(db):
        _, mm_id, entity_id = acting_account(db, user_id, market_maker_id, "place orders")
        return db.execute(
            text(
                "SELECT check_order_funds(:c, CAST(:s AS order_side), :q, :p, e, k) FROM balances e, balances k "
                "WHERE e.id = balance_id_for(:mm, :e, 'EUR') AND k.id = balance_id_for(:mm, :e, CAST(:a AS asset_type))"
            ),
            {  # :a is :c again: one parameter cannot be typed both certificate_type and asset_type
                "c": cert.value,
                "a": cert.value,
                "s": order_side.value,
                "q": quantity,
                "p": price,
                "mm": mm_id,
                "e": entity_id,
            },
        ).scalar_one()


# The engine's walk for one order of the account (mm, e), as match_order walks it: its own orders included (quantity 0:
# self-trade prevention cancels them), up to a LIMIT order's price, and for a MARKET BUY with its available EUR as the
# budget; each row with what the order met still had in the book.
ENGINE_WALK = """
    SELECT w.order_id, w.price, w.quantity, w.amount, o.remaining_quantity AS resting, w.n
      FROM walk_book(:c, CAST(:s AS order_side), :q,
                     CASE WHEN CAST(:s AS order_side) = 'BUY' AND CAST(:p AS numeric) IS NULL
                          THEN (SELECT available FROM balances WHERE id = balance_id_for(:mm, :e, 'EUR')) END,
                     :mm, :e, :p, true) WITH ORDINALITY AS w(order_id, price, quantity, amount, n)
      JOIN orders o ON o.id = w.order_id
"""


def _own(rows: list[dict]) -> list[OwnOrder]:
    """The own orders of an engine walk's rows (the rows it takes nothing from)."""
    return [
        OwnOrder(order_id=r["order_id"], price=r["price"], quantity=r["resting"]) for r in rows if not r["quantity"]
    ]


def own_orders_met(
    db: Session,
    user_id: int,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    quantity: int,
    *,
    price: Decimal | None,
    market_maker_id: int | None = None,
) -> list[OwnOrder]:
    """The acting account's own resting orders an order would meet if sent now (a LIMIT order up to ``price``; a
    MARKET order, ``price`` None, as far as it goes), in the order the engine meets them: self-trade prevention
    cancels each."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    with unit_of_work(db):
        _, mm_id, entity_id = acting_account(db, user_id, market_maker_id, "place orders")
        rows = db.execute(
            text(f"{ENGINE_WALK} ORDER BY w.n"),
            {"c": cert.value, "s": order_side.value, "q": quantity, "p": price, "mm": mm_id, "e": entity_id},
        ).mappings()
        return _own(list(rows))


def estimate_market_order(
    db: Session,
    user_id: int,
    certificate_type: CertificateType | str,
    side: OrderSide | str,
    quantity: object,
    *,
    market_maker_id: int | None = None,
) -> MarketOrderEstimate:
    """What a MARKET order of the acting account would fill if sent now, by the engine's own walk (and which of the
    account's own orders it would meet)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    qty = parse_order_quantity(quantity, cert)
    with unit_of_work(db):
        _, mm_id, entity_id = acting_account(db, user_id, market_maker_id, "place orders")
        # one statement, one snapshot: what the engine's walk meets with the order's funds, and what the book
        # offers whatever the funds
        rows = db.execute(
            text(
                f"""
                SELECT true AS funded, e.* FROM ({ENGINE_WALK}) e
                UNION ALL
                SELECT false, b.order_id, b.price, b.quantity, b.amount, NULL, b.n
                  FROM walk_book(:c, CAST(:s AS order_side), :q, NULL, :mm, :e)
                       WITH ORDINALITY AS b(order_id, price, quantity, amount, n)
                ORDER BY funded DESC, n
                """
            ),
            {"c": cert.value, "s": order_side.value, "q": qty, "p": None, "mm": mm_id, "e": entity_id},
        ).mappings()
        funded, book = [], []
        for r in rows:
            (funded if r["funded"] else book).append(r)
    return MarketOrderEstimate(
        certificate_type=cert,
        side=order_side,
        quantity=qty,
        fills=[BookFill.model_validate(r) for r in funded if r["quantity"]],
        own_orders=_own(funded),
        in_book=sum(r["quantity"] for r in book),
        best_price=book[0]["price"] if book else None,
        band_pct=get_settings().market_order_band_pct,
    )
