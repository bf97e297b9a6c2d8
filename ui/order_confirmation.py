"""Sending the order entry's ticket: at once when it is what the submit button showed and within its band (a
MARKET order's price move, a LIMIT order's price collar); otherwise only after a confirmation (a dialog) of exactly
what would be sent, with a MARKET order's estimated average price and slippage, or how far a limit is through the
market. A MARKET order is estimated again when confirmed and sent only if it still fills as shown."""

from dataclasses import dataclass, replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.enums import OrderSide
from core.errors import CoreError
from core.order_entry import MarketOrderEstimate, PriceCollar
from core.orders import OwnOrder, get_self_trade_cancels, place_order
from core.trading_account import get_trading_account
from ui import market_data
from ui.clicks import clicked, drawn_key, shown_button
from ui.feedback import flash
from ui.format import eur, md_escape, percent, price
from ui.hidden import hidden_older_css
from ui.order_book import describe_order
from ui.order_entry import (
    PRICE_KEY,
    QUANTITY_TYPED_KEY,
    SENT_PRICE_KEY,
    SUBMIT_KEY,
    Entry,
    Ticket,
    collar_distance,
    estimated,
)
from ui.runtime import db_session
from ui.session import signed_in

CONFIRM_KEY = "cm_confirm"
BACK_KEY = "cm_back"
SENDS_KEY = "cm_sends"  # how many orders this tab's entry sent: a button drawn before a send is not the one after
PENDING_KEY = "cm_pending"  # a Confirmation waiting in the dialog
BUTTONS_CSS = hidden_older_css(SUBMIT_KEY) + hidden_older_css(CONFIRM_KEY)  # once, on the page

CHANGED = (
    "This is not the order the button showed when you clicked: a field changed as you clicked, or the book "
    "moved. Check it before it is sent."
)
SENT_AGAIN = "This order was sent as you clicked its button again. Check it before it is sent a second time."
BOOK_MOVED = "The book moved while you were confirming: this is the order as it would fill now."


@dataclass(frozen=True)
class Shown:
    """What the submit button showed: its sentence, the account, the own orders it warned self-trade prevention
    cancels, and how many orders the entry had sent (a second click on an order just sent is not a new order)."""

    sentence: str
    market_maker_id: int | None
    self_trade_warning: str | None
    sends: int


@dataclass(frozen=True)
class Confirmation:
    ticket: Ticket
    reason: str
    refusal: str | None = None  # why the engine refused it, once tried


def band_reason(est: MarketOrderEstimate, side: OrderSide) -> str:
    best = "best ask" if side is OrderSide.BUY else "best bid"
    return (
        f"This market order moves the price {percent(est.price_move_pct)} from the {best}, more than the "
        f"{percent(est.band_pct.normalize())} band."
    )


def collar_reason(collar: PriceCollar) -> str:
    verb, bound = ("buy", "up") if collar.side is OrderSide.BUY else ("sell", "down")
    return (
        f"This {verb} limit of {eur(collar.price)} is {collar_distance(collar)}, more than the "
        f"{percent(collar.band_pct.normalize())} band: "
        f"it can fill at any price {bound} to {eur(collar.price)}, and what does not fill rests there."
    )


def submit_button(container: DeltaGenerator, entry: Entry, label: str, market_maker_id: int | None) -> Shown:
    """The entry's submit button, showing ``label`` (the ticket's sentence, or what is missing): what it shows is
    what its click names (``ui.clicks``)."""
    ticket = entry.ticket
    shown = Shown(label, market_maker_id, ticket and ticket.self_trade_warning, st.session_state.get(SENDS_KEY, 0))
    shown_button(
        container, label, SUBMIT_KEY, shown, type="primary", width="stretch", disabled=ticket is None, wrap=True
    )
    return shown


def submit(user_id: int, entry: Entry, shown: Shown) -> None:
    """After the submit button: send the ticket if it is what the clicked button showed (for the account shown) and
    within its band; otherwise ask for a confirmation of exactly what would be sent. Call once per full run."""
    ticket = entry.ticket
    if (click := clicked(SUBMIT_KEY)) is None or ticket is None:  # a click on a button no longer valid sends nothing
        return
    if click != shown:
        again = replace(click, sends=shown.sends) == shown
        st.session_state[PENDING_KEY] = Confirmation(ticket, SENT_AGAIN if again else CHANGED)
    elif ticket.estimate is not None and ticket.estimate.beyond_band:
        st.session_state[PENDING_KEY] = Confirmation(ticket, band_reason(ticket.estimate, ticket.side))
    elif ticket.collar is not None and ticket.collar.beyond_band:
        st.session_state[PENDING_KEY] = Confirmation(ticket, collar_reason(ticket.collar))
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
                ticket.price, market_maker_id=ticket.market_maker_id, post_only=ticket.post_only,
            )  # fmt: skip
    except CoreError as exc:
        return exc.message
    flash(describe_order(order, self_trade_cancels(user_id, order.id)))
    market_data.forget()
    st.session_state.pop(PENDING_KEY, None)
    st.session_state[SENDS_KEY] = st.session_state.get(SENDS_KEY, 0) + 1  # a second click on the old button asks
    # the fields keep what was sent, and what the account has left may no longer cover it: that is no mistake of
    # the person's, so it is said in grey (as of the page's own default) until they type again
    st.session_state[QUANTITY_TYPED_KEY] = False
    st.session_state[SENT_PRICE_KEY] = st.session_state.get(PRICE_KEY)
    return None


def self_trade_cancels(user_id: int, order_id: int) -> list[OwnOrder]:
    """The own orders a placed order cancelled by self-trade prevention, read after it (the order stands: a failed
    read only leaves them out of the sentence; the closed orders list them)."""
    try:
        with db_session() as db:
            return get_self_trade_cancels(db, order_id, user_id=user_id)
    except CoreError:
        return []


def drop_pending() -> None:
    st.session_state.pop(PENDING_KEY, None)


@signed_in
def confirm_pending(user_id: int, shown: Ticket) -> None:
    """The dialog's send button (a callback, before the dialog reruns), which showed ``shown``: a click on a button
    the dialog has since redrawn for another order sends nothing (the dialog shows that one). A MARKET order is
    estimated again and sent only if it would still fill as shown; otherwise the dialog shows the new estimate.
    Nothing from a tab whose session ended (``signed_in``: a callback runs before app.py's check): the whole app runs
    instead, which signs it out and says why."""
    pending: Confirmation | None = st.session_state.get(PENDING_KEY)
    if pending is None or pending.ticket != shown:
        return
    ticket = pending.ticket
    if ticket.estimate is not None:
        with db_session() as db:
            fresh = estimated(db, user_id, ticket)
        if fresh.ticket is None:
            st.session_state[PENDING_KEY] = replace(pending, refusal=fresh.order_error or fresh.shortfall)
            return
        if (fresh.ticket.sentence, fresh.ticket.self_trade_warning) != (ticket.sentence, ticket.self_trade_warning):
            st.session_state[PENDING_KEY] = Confirmation(fresh.ticket, BOOK_MOVED)
            return
    if (refused := send(user_id, ticket)) is not None:
        st.session_state[PENDING_KEY] = replace(pending, refusal=refused)


@st.dialog("Confirm your order", width="medium", on_dismiss=drop_pending)
@signed_in
def confirmation_dialog(user_id: int) -> None:
    pending: Confirmation | None = st.session_state.get(PENDING_KEY)
    if pending is None:  # sent or dropped by a button of this dialog: close it and show the page as it is now
        st.rerun()
        return
    ticket = pending.ticket
    st.warning(pending.reason, icon=":material/warning:")
    # the account is part of the order: an admin who picked another market maker as they clicked was asked to check
    # an order whose sentence read the same, the account it would be sent for said nowhere in the dialog
    with db_session() as db:
        account = get_trading_account(db, user_id, market_maker_id=ticket.market_maker_id)
    st.markdown(f"Trading for **{md_escape(account.name)}**")
    if ticket.self_trade_warning:
        st.warning(ticket.self_trade_warning, icon=":material/warning:")
    est = ticket.estimate
    if est is not None:
        best = "Best ask" if ticket.side is OrderSide.BUY else "Best bid"
        cols = st.columns(4)
        cols[0].metric("Est. average price", price(est.average_price))
        cols[1].metric(f"Slippage vs {best.lower()}", percent(est.slippage_pct))
        cols[2].metric("Last price reached", eur(est.worst_price), f"{percent(est.price_move_pct)} from best", "off")
        cols[3].metric(best, eur(est.best_price))
        if est.filled < ticket.quantity:
            st.caption(f"Only {est.filled:,} of {ticket.quantity:,} can fill now; the rest will be cancelled.")
    if pending.refusal:
        st.error(md_escape(pending.refusal), icon=":material/error:")
    send_col, back_col = st.columns([4, 1])
    send_col.button(
        ticket.sentence,
        type="primary",
        width="stretch",
        key=drawn_key(CONFIRM_KEY, ticket),  # a new button for every order shown: its click names the one it showed
        on_click=confirm_pending,
        args=(user_id, ticket),
    )
    back_col.button("Back", width="stretch", key=BACK_KEY, on_click=drop_pending)
