"""The cash market's order entry: the typed price and quantity read into the exact order they send (or the reason
they are no order, shown next to the field), the sentence on the submit button, and the confirmation asked for
when a MARKET order would move the price beyond the band or the order is not what the button showed.

Nothing a person types raises: every refusal is a message, and the button is disabled until every field holds
a valid value. Prices and quantities are text inputs parsed by core, because a number input silently keeps
its last valid value when the typed one is not.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from core.enums import CertificateType, OrderSide, OrderType
from core.errors import CoreError
from core.orders import (
    MarketOrderEstimate,
    check_limit_price,
    estimate_market_order,
    limit_order_value,
    parse_order_quantity,
    place_order,
)
from ui import market_data
from ui.feedback import flash
from ui.format import eur, md_escape
from ui.order_book import average_price, describe_order
from ui.runtime import db_session

PRICE_KEY = "cm_price"
QUANTITY_KEY = "cm_qty"
SUBMIT_KEY = "cm_submit"
CONFIRM_KEY = "cm_confirm"
BACK_KEY = "cm_back"
SHOWN_KEY = "cm_shown"  # the sentence the submit button showed at the end of the last full run
PENDING_KEY = "cm_pending"  # a Confirmation waiting in the dialog

T = TypeVar("T")

CHANGED = (
    "This is not the order the button showed when you clicked: a field changed as you clicked, or the book "
    "moved. Check it before it is sent."
)
BOOK_MOVED = "The book moved while you were confirming: this is the order as it would fill now."


@dataclass(frozen=True)
class Ticket:
    """An order exactly as it will be sent (and, for a MARKET order, the engine's estimate of its fills)."""

    certificate_type: CertificateType
    side: OrderSide
    order_type: OrderType
    quantity: int
    price: Decimal | None
    market_maker_id: int | None
    estimate: MarketOrderEstimate | None = None

    @property
    def sentence(self) -> str:
        """What the button says: "Buy 10 CEA at €14.03 limit, total €140.30"."""
        head = f"{self.side.value.title()} {self.quantity:,} {self.certificate_type}"
        if self.estimate is None:
            return f"{head} at {eur(self.price)} limit, total {eur(self.price * self.quantity)}"
        est = self.estimate
        return f"{head} at market, est. total {eur(est.total)} (avg {average_price(est.average_price)})"


@dataclass(frozen=True)
class Entry:
    """What the typed fields amount to: a ticket, or the reason each field (or the order) is not valid."""

    ticket: Ticket | None
    price_error: str | None = None
    quantity_error: str | None = None
    order_error: str | None = None
    note: str | None = None  # a valid order that will not do all it asks (a MARKET order the book cannot fill)


@dataclass(frozen=True)
class Confirmation:
    ticket: Ticket
    reason: str
    refusal: str | None = None  # why the engine refused it, once tried


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
) -> Entry:
    """The order the typed fields describe, checked as the engine will check it (tick, whole certificates,
    maximum value; for a MARKET order what the book fills now)."""
    quantity, quantity_error = _checked(lambda: parse_order_quantity(quantity_text, certificate_type))
    price, price_error = None, None
    if order_type is OrderType.LIMIT:
        price, price_error = _checked(lambda: check_limit_price(db, certificate_type, price_text))
    if quantity is None or price_error:
        return Entry(None, price_error=price_error, quantity_error=quantity_error)
    ticket = Ticket(certificate_type, side, order_type, quantity, price, market_maker_id)
    if price is None:
        return estimated(db, user_id, ticket)
    _, value_error = _checked(lambda: limit_order_value(price, quantity))
    return Entry(None, order_error=value_error) if value_error else Entry(ticket)


def estimated(db: Session, user_id: int, ticket: Ticket) -> Entry:
    """A MARKET ticket with the engine's estimate of what it fills now, or why it cannot fill at all."""
    try:
        est = estimate_market_order(
            db, user_id, ticket.certificate_type, ticket.side, ticket.quantity, market_maker_id=ticket.market_maker_id
        )
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
    return Entry(replace(ticket, estimate=est), note=note)


def band_reason(est: MarketOrderEstimate, side: OrderSide) -> str:
    best = "best ask" if side is OrderSide.BUY else "best bid"
    return (
        f"This market order moves the price {est.price_move_pct}% from the {best}, more than the "
        f"{est.band_pct.normalize():f}% band."
    )


def submit(user_id: int, entry: Entry, clicked: bool, label: str) -> None:
    """After the submit button: send the ticket if it is what the button showed and within the band; otherwise
    ask for a confirmation of exactly what would be sent. Call once per full run, after the button."""
    shown = st.session_state.get(SHOWN_KEY)
    st.session_state[SHOWN_KEY] = label
    ticket = entry.ticket
    if not clicked or ticket is None:  # a click on a button that is no longer valid sends nothing
        return
    if label != shown:
        st.session_state[PENDING_KEY] = Confirmation(ticket, CHANGED)
    elif ticket.estimate is not None and ticket.estimate.beyond_band:
        st.session_state[PENDING_KEY] = Confirmation(ticket, band_reason(ticket.estimate, ticket.side))
    elif (refused := send(user_id, ticket)) is None:
        st.rerun()
    else:
        st.error(md_escape(refused), icon=":material/error:")


def send(user_id: int, ticket: Ticket) -> str | None:
    """Place the ticket; on success queue its description for the next run. Returns the refusal, if any."""
    try:
        with db_session() as db:
            order = place_order(
                db, user_id, ticket.certificate_type, ticket.side, ticket.order_type, ticket.quantity,
                ticket.price, market_maker_id=ticket.market_maker_id,
            )  # fmt: skip
    except CoreError as exc:
        return exc.message
    flash(describe_order(order))
    market_data.forget()
    st.session_state.pop(PENDING_KEY, None)
    st.session_state[SHOWN_KEY] = None  # a second click on the old button asks again rather than sends twice
    return None


def drop_pending() -> None:
    st.session_state.pop(PENDING_KEY, None)


def confirm_pending(user_id: int) -> None:
    """The dialog's send button (a callback, before the dialog reruns): a MARKET order is estimated again and
    sent only if it would still fill as shown; otherwise the dialog shows the new estimate."""
    pending: Confirmation | None = st.session_state.get(PENDING_KEY)
    if pending is None:
        return
    ticket = pending.ticket
    if ticket.estimate is not None:
        with db_session() as db:
            fresh = estimated(db, user_id, ticket)
        if fresh.ticket is None:
            st.session_state[PENDING_KEY] = replace(pending, refusal=fresh.order_error)
            return
        if fresh.ticket.sentence != ticket.sentence:
            st.session_state[PENDING_KEY] = Confirmation(fresh.ticket, BOOK_MOVED)
            return
    if (refused := send(user_id, ticket)) is not None:
        st.session_state[PENDING_KEY] = replace(pending, refusal=refused)


@st.dialog("Confirm your order", width="medium", on_dismiss=drop_pending)
def confirmation_dialog(user_id: int) -> None:
    pending: Confirmation | None = st.session_state.get(PENDING_KEY)
    if pending is None:  # sent or dropped by a button of this dialog: close it and show the page as it is now
        st.rerun()
        return
    ticket = pending.ticket
    st.warning(pending.reason, icon=":material/warning:")
    est = ticket.estimate
    if est is not None:
        best = "Best ask" if ticket.side is OrderSide.BUY else "Best bid"
        cols = st.columns(4)
        cols[0].metric("Est. average price", average_price(est.average_price))
        cols[1].metric(f"Slippage vs {best.lower()}", f"{est.slippage_pct}%")
        cols[2].metric("Last price reached", eur(est.worst_price), f"{est.price_move_pct}% from best", "off")
        cols[3].metric(best, eur(est.best_price))
        if est.filled < ticket.quantity:
            st.caption(f"Only {est.filled:,} of {ticket.quantity:,} can fill now; the rest will be cancelled.")
    if pending.refusal:
        st.error(md_escape(pending.refusal), icon=":material/error:")
    send_col, back_col = st.columns([4, 1])
    send_col.button(
        ticket.sentence, type="primary", width="stretch", key=CONFIRM_KEY, on_click=confirm_pending, args=(user_id,)
    )
    back_col.button("Back", width="stretch", key=BACK_KEY, on_click=drop_pending)
