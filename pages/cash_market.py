"""Cash market: EUA and CEA against EUR. Stats; the order entry pinned above a full-width book; depth
chart and recent trades; my orders. Book, trades and orders refresh on their own (fragments), and the
entry is outside them, so what is typed there survives every refresh."""

from functools import partial

import pandas as pd
import streamlit as st

from core.config import get_settings
from core.entities import get_entity, get_entity_balances
from core.enums import AssetType, CertificateType, OrderSide, OrderType, Role
from core.market_makers import get_market_maker, get_market_makers
from core.orders import cancel_order, get_my_orders, place_order
from core.validation import parse_eur
from ui import market_data
from ui.charts import depth_figure
from ui.feedback import attempt, flash
from ui.format import eur, md_escape, units
from ui.live import live_fragment
from ui.order_book import (
    ENTRY_KEY,
    ROW_HEIGHT,
    STATS_KEY,
    STICKY_CSS,
    book_column_config,
    book_column_order,
    book_frame,
    book_height,
    deepest,
    default_price,
    describe_order,
    estimate,
)
from ui.runtime import db_session
from ui.session import require_user

REFRESH = "3s"
PICK_KEY = "cm_pick"  # a price clicked in the book, applied before the entry's widgets exist

user = require_user()
is_admin = user.role is Role.ADMIN
st.html(STICKY_CSS)

if (picked := st.session_state.pop(PICK_KEY, None)) is not None:
    st.session_state["cm_type"] = OrderType.LIMIT.value
    st.session_state["cm_price"] = picked
    st.session_state["cm_price_ctx"] = "picked"
if (requested := st.session_state.pop(market_data.OPEN_ON_KEY, None)) is not None:  # another page sent us to this book
    st.session_state["cm_cert"] = requested
st.session_state.setdefault("cm_cert", CertificateType.EUA.value)
st.session_state.setdefault("cm_side", OrderSide.BUY.value)
st.session_state.setdefault("cm_type", OrderType.LIMIT.value)
st.session_state.setdefault("cm_qty", 10)

title, switch, account_box = st.columns([2.2, 1.4, 3], vertical_alignment="bottom")
title.title("Cash market")
cert = CertificateType(
    switch.segmented_control("Market", [c.value for c in CertificateType], required=True, key="cm_cert")
)

# whose account trades: a trader's own entity; an admin picks a market maker
mm_id: int | None = None
with db_session() as db:
    if is_admin:
        makers = get_market_makers(db, include_inactive=False, user_id=user.id)
        if makers:
            names = {m.id: m.name for m in makers}
            kinds = {
                m.id: "buys with EUR" if m.mm_type == "LIQUIDITY_PROVIDER" else "sells certificates" for m in makers
            }
            mm_id = account_box.selectbox(
                "Trading for", list(names), format_func=lambda i: f"{names[i]} · {kinds[i]}", key="cm_mm"
            )
        else:
            account_box.info("Create a market maker first: admins trade for market makers.", icon=":material/info:")
        balances = get_market_maker(db, mm_id, user_id=user.id).balances if mm_id is not None else None
    else:
        account_box.markdown(f"Trading for **{md_escape(get_entity(db, user.entity_id, user_id=user.id).name)}**")
        balances = get_entity_balances(db, user.entity_id, user_id=user.id)


@live_fragment(REFRESH)
def stats_header(certificate: CertificateType) -> None:
    s = market_data.market_stats(certificate.value)
    change = None if s.change_24h is None else f"{s.change_24h:+.2f} ({s.change_pct_24h:+.2f}%) 24h"
    cols = st.container(key=STATS_KEY).columns([1.3, 1, 1, 1, 1.1, 1.5])
    flat = "off" if not s.change_24h else "auto"  # no coloured arrow for "unchanged"
    cols[0].metric(
        "Last price", eur(s.last_price), delta=change, delta_color="off" if flat == "off" else "normal",
        delta_arrow=flat, border=True, height="stretch",
    )  # fmt: skip
    cols[1].metric("Best bid", eur(s.best_bid), border=True, height="stretch")
    cols[2].metric("Best ask", eur(s.best_ask), border=True, height="stretch")
    cols[3].metric("Spread", eur(s.spread), border=True, height="stretch")
    cols[4].metric("24h volume", f"{units(s.volume_24h)} {certificate}", border=True, height="stretch")
    cols[5].metric("24h high / low", f"{eur(s.high_24h)} / {eur(s.low_24h)}", border=True, height="stretch")


stats_header(cert)

with st.container(key=ENTRY_KEY, border=True):
    if balances is None:
        st.caption("No account to trade for.")
    else:
        cols = st.columns([1.3, 1.5, 1.3, 1.1, 2.2, 1.3], vertical_alignment="bottom")
        side = OrderSide(
            cols[0].segmented_control("Side", ["BUY", "SELL"], required=True, key="cm_side", format_func=str.title)
        )
        kind = OrderType(
            cols[1].segmented_control("Type", ["LIMIT", "MARKET"], required=True, key="cm_type", format_func=str.title)
        )
        book = market_data.order_book(cert.value)
        # start from the best opposite price whenever the market, side or account changes; keep what was typed.
        # Streamlit forgets a widget's value while its page is not shown, so a missing price starts afresh too.
        context = f"{cert}/{side}/{mm_id}"
        if st.session_state.get("cm_price_ctx") not in (context, "picked") or "cm_price" not in st.session_state:
            start = default_price(side, book, market_data.market_stats(cert.value), get_settings().default_prices[cert])
            st.session_state["cm_price"] = float(start)
        st.session_state["cm_price_ctx"] = context
        price_in = cols[2].number_input(
            "Price (€)", min_value=0.01, step=0.01, format="%.2f", key="cm_price", disabled=kind is OrderType.MARKET
        )
        qty = int(cols[3].number_input("Quantity", min_value=1, max_value=10**9, step=1, key="cm_qty"))
        price = None if kind is OrderType.MARKET else parse_eur(price_in, "Price")
        fills, total = estimate(side, kind, qty, price, book)
        eur_bal, cert_bal = balances[AssetType.EUR], balances[AssetType(cert.value)]
        cols[4].markdown(
            f"Available **{eur(eur_bal.available)}** · **{units(cert_bal.available)} {cert}**  \n"
            f"Estimated total **{eur(total)}**" + ("" if fills == qty else f" for {units(fills)} in the book now")
        )
        if cols[5].button(f"{side.value.title()} {cert}", type="primary", width="stretch", key="cm_submit"):
            with db_session() as db:
                order = attempt(lambda: place_order(db, user.id, cert, side, kind, qty, price, market_maker_id=mm_id))
            if order is not None:
                flash(describe_order(order))
                market_data.forget()
                st.rerun()


def pick_price(key: str, prices: tuple[float, ...]) -> None:
    cells = st.session_state[key].selection.cells
    if cells:
        st.session_state[PICK_KEY] = prices[cells[0][0]]


@live_fragment(REFRESH)
def market_panel(certificate: CertificateType) -> None:
    book = market_data.order_book(certificate.value)
    st.subheader("Order book", help="Click a price to use it in the order entry.")
    bids_col, asks_col = st.columns(2)
    for col, side_, levels in ((bids_col, OrderSide.BUY, book.bids), (asks_col, OrderSide.SELL, book.asks)):
        key = f"cm_book_{side_.value.lower()}_{certificate}"
        with col:
            if not levels:
                st.caption("No bids" if side_ is OrderSide.BUY else "No asks")
                continue
            st.dataframe(
                book_frame(levels),
                hide_index=True,
                height=book_height(book),
                row_height=ROW_HEIGHT,
                column_config=book_column_config(side_, deepest(book)),
                column_order=book_column_order(side_),
                on_select=partial(pick_price, key, tuple(float(lv.price) for lv in levels)),
                selection_mode="single-cell",
                key=key,
            )
    if PICK_KEY in st.session_state:
        st.rerun()  # the whole page: the entry lives outside this fragment

    chart_col, trades_col = st.columns([3, 2])
    with chart_col:
        st.subheader("Depth")
        stats = market_data.market_stats(certificate.value)
        st.plotly_chart(depth_figure(book, stats.mid), key=f"cm_depth_{certificate}")
    with trades_col:
        st.subheader("Recent trades")
        trades = market_data.recent_trades(certificate.value)
        if not trades:
            st.caption("No trades yet")
        else:
            frame = pd.DataFrame(
                {
                    "time": [t.created_at.strftime("%H:%M:%S") for t in trades],
                    "side": ["Buy" if t.aggressor_side is OrderSide.BUY else "Sell" for t in trades],
                    "price": [float(t.price) for t in trades],
                    "quantity": [t.quantity for t in trades],
                }
            )
            st.dataframe(
                frame,
                hide_index=True,
                height=320,
                column_config={
                    "time": st.column_config.TextColumn("Time"),
                    "side": st.column_config.TextColumn("Aggressor"),
                    "price": st.column_config.NumberColumn("Price €", format="%.2f"),
                    "quantity": st.column_config.NumberColumn("Quantity", format="%,d"),
                },
            )


market_panel(cert)


@live_fragment(REFRESH)
def my_orders() -> None:
    st.subheader("My orders" if not is_admin else "Orders you placed for this market maker")
    with db_session() as db:
        orders = get_my_orders(db, user.id)
    if is_admin:  # an admin sees the orders of the market maker it trades for
        orders = [o for o in orders if o.market_maker_id == mm_id]
    open_orders = [o for o in orders if o.is_open]
    if not open_orders:
        st.caption("No open orders")
    for o in open_orders[:30]:
        row = st.columns([1, 1, 1.2, 1.4, 1.6, 1.6, 1], vertical_alignment="center")
        row[0].markdown(f"**#{o.id}**")
        row[1].markdown(f"{o.certificate_type}")
        row[2].markdown(f":{'green' if o.side is OrderSide.BUY else 'red'}[{o.side.value.title()}]")
        row[3].markdown(eur(o.price))
        row[4].markdown(f"{units(o.filled_quantity)} / {units(o.quantity)} filled")
        held = eur(o.locked_amount) if o.side is OrderSide.BUY else f"{units(o.locked_amount)} {o.certificate_type}"
        row[5].markdown(f"holds {held}")
        if row[6].button("Cancel", key=f"cm_cancel_{o.id}", icon=":material/close:"):
            with db_session() as db:
                done = attempt(lambda o=o: cancel_order(db, o.id, user.id))
            if done is not None:
                flash(f"Order {o.id} cancelled; {units(done.remaining_quantity)} unfilled released.")
                market_data.forget()
                st.rerun()
    closed = [o for o in orders if not o.is_open][:50]
    if closed:
        with st.expander(f"Closed orders ({len(closed)})"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "id": [o.id for o in closed],
                        "market": [o.certificate_type.value for o in closed],
                        "side": [o.side.value.title() for o in closed],
                        "type": [o.order_type.value.title() for o in closed],
                        "price": [float(o.price) if o.price is not None else None for o in closed],
                        "filled": [f"{o.filled_quantity:,} / {o.quantity:,}" for o in closed],
                        "status": [o.status.value.replace("_", " ").title() for o in closed],
                        "reason": [o.cancel_reason or "" for o in closed],
                    }
                ),
                hide_index=True,
                column_config={"price": st.column_config.NumberColumn("Price €", format="%.2f")},
            )


my_orders()
