"""The cash market's order entry: the typed price and quantity read into the exact order they send (or the reason
they are no order, shown next to the field) and the sentence on the submit button (ui.order_confirmation sends it,
or asks first).

Nothing a person types raises: every refusal is a message, and the button is disabled until every field holds
a valid value. Prices and quantities are text inputs parsed by core, because a number input silently keeps
its last valid value when the typed one is not.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.orm import Session

from core.enums import CertificateType, OrderSide, OrderType
from core.errors import CoreError, InsufficientFunds
from core.order_entry import (
    MarketOrderEstimate,
    PriceCollar,
    check_limit_price,
    check_order_funds,
    estimate_market_order,
    limit_price_collar,
    own_orders_met,
    parse_order_quantity,
)
from core.orders import OwnOrder, limit_order_value
from ui.format import eur, percent, price
from ui.order_book import own_orders_text

PRICE_KEY = "cm_price"
QUANTITY_KEY = "cm_qty"
SUBMIT_KEY = "cm_submit"
POST_ONLY_KEY = "cm_post_only"
POST_ONLY_HELP = (
    "Only rest in the book: if the order would trade at once against any resting order (yours included), it is "
    "refused and nothing is placed. For limit orders only."
)
QUANTITY_TYPED_KEY = "cm_qty_typed"  # the person has changed the quantity since the page put it there (or sent it)
SENT_PRICE_KEY = "cm_price_sent"  # the price of the order last placed: still in the field, it is not a new choice
DEFAULT_QUANTITY = "10"

T = TypeVar("T")


@dataclass(frozen=True)
class Ticket:
    """An order exactly as it will be sent (and, for a MARKET order, the engine's estimate of its fills; for a LIMIT
    order, how far its price is through the market)."""

    certificate_type: CertificateType
    side: OrderSide
    order_type: OrderType
    quantity: int
    price: Decimal | None
    market_maker_id: int | None
    estimate: MarketOrderEstimate | None = None
    collar: PriceCollar | None = None
    own_orders: tuple[OwnOrder, ...] = ()  # the account's own resting orders it meets, as the engine walks now
    post_only: bool = False  # a LIMIT order the engine refuses rather than let it trade at once

    @property
    def self_trade_warning(self) -> str | None:
        """What the entry warns before it is sent, e.g. This sell meets your own buy order 28 (97 EUA at €81.17):
        self-trade prevention cancels that resting order. (Not "cancels it": read as the order being sent.)"""
        if not self.own_orders:
            return None
        own_side = "sell" if self.side is OrderSide.BUY else "buy"
        them = "those resting orders" if len(self.own_orders) > 1 else "that resting order"
        met = own_orders_text(self.own_orders, self.certificate_type.value)
        return f"This {self.side.value.lower()} meets your own {own_side} {met}: self-trade prevention cancels {them}."

    @property
    def sentence(self) -> str:
        """What the button says: "Buy 10 CEA at €14.03 limit, total €140.30" ("… limit, post only, total …")."""
        head = f"{self.side.value.title()} {self.quantity:,} {self.certificate_type}"
        if self.estimate is None:
            kind = "limit, post only" if self.post_only else "limit"
            return f"{head} at {eur(self.price)} {kind}, total {eur(self.price * self.quantity)}"
        est = self.estimate
        return f"{head} at market, est. total {eur(est.total)} (avg {price(est.average_price)})"


@dataclass(frozen=True)
class Entry:
    """What the typed fields amount to: a ticket, or the reason each field (or the order) is not valid."""

    ticket: Ticket | None
    price_error: str | None = None
    quantity_error: str | None = None
    order_error: str | None = None
    note: str | None = None  # a valid order to look twice at: a MARKET order not filled whole, a limit past its band
    shortfall: str | None = None  # the account does not cover it: what must change is the quantity (or the price)


AVAILABLE = -1  # the cell of the Available line, in the rows under the entry's fields (``message_rows``)


def message_rows(widths: Sequence[float], starts: Sequence[int]) -> list[list[tuple[int | None, float]]]:
    """The rows under the entry's fields (``widths``), each cell as (the index of the field it speaks for, its
    width). A message starts under its field (its index in ``starts``) and runs to the right edge, so a sentence under
    a narrow field reads on a line or two instead of a word a line; the first row holds the Available line's cell
    (``AVAILABLE``) and the first message, and each further message has a row of its own, after a blank cell (None).
    Side by side, a price's refusal beside a quantity's had only the Price field's width: seven lines at 1,280 px.
    A message under the first field (a link's side the page did not take) has the whole width, under the Available
    line, which then has a row of its own."""
    rows: list[list[tuple[int | None, float]]] = []
    for start in sorted(starts):
        message = (start, sum(widths[start:]))
        rows.append([(None, sum(widths[:start])), message] if start else [message])
    if rows and rows[0][0][0] is None:  # the Available line beside the first message
        rows[0][0] = (AVAILABLE, rows[0][0][1])
    else:
        rows.insert(0, [(AVAILABLE, sum(widths))])
    return rows


# what a market maker's side says of it: in the "Trading for" choice, and why the entry offers only that side
TRADES = {OrderSide.BUY: "buys with EUR", OrderSide.SELL: "sells certificates"}
HOLDS = {OrderSide.BUY: "it holds EUR, no certificates", OrderSide.SELL: "it holds certificates, no EUR"}


def side_choices(trades: OrderSide | None) -> tuple[list[str], str | None]:
    """The sides the entry offers, and the help that says why when it offers one: a market maker trades one side
    only (``MarketMaker.side``, SQL's market_maker_side), so an admin trading for it is offered that side alone;
    a trader (``trades`` None) is offered both. The help names no one: a typed name is never markup."""
    if trades is None:
        return [s.value for s in OrderSide], None
    other = OrderSide.SELL if trades is OrderSide.BUY else OrderSide.BUY
    reason = (
        f"This market maker only {trades.value.lower()}s ({HOLDS[trades]}): "
        f"{other.value.title()} is not offered. Pick another market maker to {other.value.lower()}."
    )
    return [trades.value], reason


def _checked(parse: Callable[[], T]) -> tuple[T | None, str | None]:
    """(value, None) or (None, the refusal a person reads)."""
    try:
        return parse(), None
    except CoreError as exc:
        return None, exc.message


def read_entry(
    db: Session,
    user_id: int,
    certificate_type: CertificateType,
    side: OrderSide,
    order_type: OrderType,
    price_text: str | None,
    quantity_text: str | None,
    market_maker_id: int | None,
    post_only: bool = False,
) -> Entry:
    """The order the typed fields describe, checked as the engine will check it (tick, whole certificates,
    maximum value, what the account has available; for a MARKET order what the book fills now). ``post_only``
    applies to a LIMIT order alone."""
    quantity, quantity_error = _checked(lambda: parse_order_quantity(quantity_text, certificate_type))
    price, price_error = None, None
    if order_type is OrderType.LIMIT:
        price, price_error = _checked(lambda: check_limit_price(db, certificate_type, price_text))
    if quantity is None or price_error:
        return Entry(None, price_error=price_error, quantity_error=quantity_error)
    post_only = post_only and order_type is OrderType.LIMIT
    ticket = Ticket(certificate_type, side, order_type, quantity, price, market_maker_id, post_only=post_only)
    if price is None:
        return estimated(db, user_id, ticket)
    _, value_error = _checked(lambda: limit_order_value(price, quantity))
    if value_error:
        return Entry(None, order_error=value_error)
    collar = limit_price_collar(db, certificate_type, side, price)  # one read of the book's best prices serves both
    if post_only and collar is not None and (crosses := collar.post_only_refusal) is not None:
        return Entry(None, price_error=crosses)  # the engine's refusal, said before the click rather than after it
    try:
        check_order_funds(db, user_id, certificate_type, side, quantity, price, market_maker_id=market_maker_id)
    except InsufficientFunds as exc:  # the engine's own sentence, the one its answer to a click would be
        return Entry(None, shortfall=exc.message)
    # a post-only order that meets the account's own orders is refused whole by the engine: self-trade prevention
    # cancels nothing, so there is nothing to warn of
    own = (
        ()
        if post_only
        else own_orders_met(db, user_id, certificate_type, side, quantity, price=price, market_maker_id=market_maker_id)
    )
    note = None
    if collar is not None and collar.beyond_band:
        note = f"{eur(price)} is {collar_distance(collar)}: you will be asked to confirm"
    return Entry(replace(ticket, collar=collar, own_orders=tuple(own)), note=note)


def collar_distance(collar: PriceCollar) -> str:
    """How far through the market a limit price is: "900.00 % above the best ask €81.00"."""
    return f"{percent(collar.through_pct)} {collar.direction} the {collar.reference_label} {eur(collar.reference)}"


def estimated(db: Session, user_id: int, ticket: Ticket) -> Entry:
    """A MARKET ticket with the engine's estimate of what it fills now, or why it cannot fill at all (a SELL also
    when its account holds fewer certificates than it sells: the engine refuses it whole, it never sells less)."""
    try:
        if ticket.side is OrderSide.SELL:
            check_order_funds(db, user_id, ticket.certificate_type, ticket.side, ticket.quantity,
                              market_maker_id=ticket.market_maker_id)  # fmt: skip
        est = estimate_market_order(
            db, user_id, ticket.certificate_type, ticket.side, ticket.quantity, market_maker_id=ticket.market_maker_id
        )
    except InsufficientFunds as exc:  # only the sell's check says so: a market buy buys what its EUR buys
        return Entry(None, shortfall=exc.message)
    except CoreError as exc:
        return Entry(None, order_error=exc.message)
    other_side = "asks" if ticket.side is OrderSide.BUY else "bids"
    verb = ticket.side.value.lower()
    if est.in_book == 0:
        return Entry(None, order_error=f"No {other_side} from others in the {ticket.certificate_type} book: "
                                       f"a market {verb} cannot fill now")  # fmt: skip
    if est.filled == 0:
        return Entry(None, order_error=f"Your available EUR does not buy one {ticket.certificate_type} "
                                       f"at the best ask {eur(est.best_price)}")  # fmt: skip
    note = None
    if est.filled < ticket.quantity:
        rest = ticket.quantity - est.filled
        cause = "that is all the book offers" if est.filled == est.in_book else "that is what your EUR buys"
        note = f"Only {est.filled:,} can fill now ({cause}): the other {rest:,} will be cancelled."
    return Entry(replace(ticket, estimate=est, own_orders=tuple(est.own_orders)), note=note)
