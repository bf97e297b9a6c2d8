"""The account part of the cash market: open orders (select rows to cancel them), balances with what open orders
lock, fills and closed orders a page at a time, for the account the user trades for (core decides whose)."""

import pandas as pd
import streamlit as st

from core.errors import CoreError
from core.orders import cancel_order
from core.trading_account import (
    FillPage,
    OrderPage,
    get_fills,
    get_open_orders,
    get_order_history,
    get_trading_account,
)
from ui import market_data
from ui.account_paging import forget_pages, pager, read_page
from ui.feedback import flash
from ui.format import NO_VALUE, md_escape
from ui.grids import NEWEST_FIRST, paged_grid
from ui.live import ask_app_rerun
from ui.runtime import db_session
from ui.session import signed_in
from ui.trading_account_view import (
    FILL_COLUMNS,
    HISTORY_COLUMNS,
    OPEN_COLUMNS,
    balances_frame,
    cancels_text,
    fills_frame,
    history_frame,
    open_orders_frame,
    open_orders_key,
)

HISTORY_PAGE_KEY, FILLS_PAGE_KEY = "cm_history_page", "cm_fills_page"
PAGE_PARAMS = {FILLS_PAGE_KEY: "fills_page", HISTORY_PAGE_KEY: "closed_page"}  # each table's page in the URL
PAGED_ACCOUNT_KEY = "cm_paged_account"  # the market maker (None: the trader's firm) whose pages the pagers turned
# set by the Cancel button's callback, and kept until the person acts on it: the next cancel replaces it, Dismiss
# drops it. Read, not popped: the panel's timed refresh took it away after 3 s, before it could be read
CANCEL_REFUSED_KEY = "cm_cancel_refused"
PAGE_SIZE = 20


@signed_in
def cancel_selected(user_id: int, order_ids: tuple[int, ...]) -> None:
    """The Cancel button's callback: cancel the orders it offered when it was drawn (each on its own: one refused
    does not stop the others). Bound when drawn, not read from the table when clicked: an order another window
    cancelled in between leaves the table, and its selection with it, and the click then did nothing, unsaid. Nothing
    from a tab whose session ended (``signed_in``): the whole app runs instead, which signs it out and says why."""
    cancelled, refused = [], []
    for order_id in order_ids:
        try:
            with db_session() as db:
                cancelled.append(cancel_order(db, order_id, user_id))
        except CoreError as exc:
            refused.append(exc.message)
    if cancelled:
        flash(cancels_text(cancelled))  # one toast for them all
    market_data.forget()
    st.session_state[CANCEL_REFUSED_KEY] = refused
    ask_app_rerun()  # the book, the entry's Available line and the stats: not only the account's part


def dismiss_refusals() -> None:
    st.session_state.pop(CANCEL_REFUSED_KEY, None)


def account_sections(user_id: int, market_maker_id: int | None) -> None:
    """Open orders (select rows, then cancel them), balances, fills and closed orders of the account traded for."""
    # a page turned is a page of one account's fills or closed orders: another account starts on its first pages (an
    # admin on page 2 of one market maker's picked one with a single page, and both tables were "Something went
    # wrong", their pagers gone with them)
    if st.session_state.get(PAGED_ACCOUNT_KEY, market_maker_id) != market_maker_id:
        forget_pages(*PAGE_PARAMS.items())
    st.session_state[PAGED_ACCOUNT_KEY] = market_maker_id
    owner = {"market_maker_id": market_maker_id, "page_size": PAGE_SIZE}
    with db_session() as db:
        acct = get_trading_account(db, user_id, market_maker_id=market_maker_id)
        open_orders = get_open_orders(db, user_id, market_maker_id=market_maker_id)
        fills = read_page(
            lambda n: get_fills(db, user_id, page=n, **owner), FILLS_PAGE_KEY, PAGE_PARAMS[FILLS_PAGE_KEY]
        )
        history = read_page(
            lambda n: get_order_history(db, user_id, page=n, **owner), HISTORY_PAGE_KEY, PAGE_PARAMS[HISTORY_PAGE_KEY]
        )

    st.subheader("Open orders")
    if not open_orders:
        st.caption("No open orders")
    else:
        event = st.dataframe(
            open_orders_frame(open_orders),
            hide_index=True,
            column_config=OPEN_COLUMNS,
            on_select="rerun",
            selection_mode="multi-row",
            key=open_orders_key(open_orders),
            height="content" if len(open_orders) <= 10 else 400,
            placeholder=NO_VALUE,
        )
        chosen = [open_orders[i] for i in event.selection.rows]
        label = f"Cancel {len(chosen)} selected order{'s' if len(chosen) != 1 else ''}"
        st.button(
            label if chosen else "Select orders above to cancel them",
            key="cm_cancel_selected",
            disabled=not chosen,
            icon=":material/close:",
            on_click=cancel_selected,
            args=(user_id, tuple(o.id for o in chosen)),
        )
    if refused := st.session_state.get(CANCEL_REFUSED_KEY):
        said = md_escape(refused[0])
        if len(refused) > 1:  # one box, however many: never a wall of them
            said = "\n".join([f"{len(refused)} orders were not cancelled:", *(f"- {md_escape(m)}" for m in refused)])
        st.error(said, icon=":material/error:")
        st.button(
            "Dismiss", key="cm_cancel_dismiss", type="tertiary", icon=":material/close:", on_click=dismiss_refusals
        )

    # one above the other, each as wide as it needs: side by side at 1,440 px, one of them was always cut
    st.subheader("Balances")
    st.dataframe(balances_frame(acct), hide_index=True, width="content")
    paged_table("Fills", fills, fills_frame(fills.items), FILL_COLUMNS, FILLS_PAGE_KEY, "fill")
    paged_table(
        "Closed orders", history, history_frame(history.items), HISTORY_COLUMNS, HISTORY_PAGE_KEY, "closed order"
    )


def paged_table(
    title: str, page: FillPage | OrderPage, frame: pd.DataFrame, columns: dict, key: str, noun: str
) -> None:
    """A titled table a page at a time, with its pager; "No fills yet" while there is none."""
    st.subheader(title)
    if not page.total:
        st.caption(f"No {noun}s yet")
        return
    paged_grid(
        frame,
        key=f"{key}_table",
        order=NEWEST_FIRST,
        column_config=columns,
        placeholder=NO_VALUE,
        alt=f"{title}, newest first",
    )
    pager(key, PAGE_PARAMS[key], page.page, page.pages, page.total, noun)
