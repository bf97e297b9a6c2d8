"""The trading account on the cash market, as tables: balances with what open orders lock, every open order
(select rows to cancel them), fills, and the closed history; with a pager. Records in, frames and column
headers out; the page draws them."""

import hashlib
from collections.abc import Sequence
from datetime import UTC

import pandas as pd
import streamlit as st

from core.enums import AssetType, OrderSide, OrderType
from core.orders import Order
from core.trading_account import Fill, TradingAccount
from ui import labels
from ui.format import counted, eur, price, units

TIME = st.column_config.DatetimeColumn("Time (UTC)", format="YYYY-MM-DD HH:mm:ss", timezone="UTC")


def _amount(asset: AssetType, value: object) -> str:
    return eur(value) if asset is AssetType.EUR else units(value)


def balances_frame(account: TradingAccount) -> pd.DataFrame:
    """One row per asset: available, locked by open orders, total."""
    rows = account.balances.values()
    return pd.DataFrame(
        {
            "Asset": [b.asset.value for b in rows],
            "Available": [_amount(b.asset, b.available) for b in rows],
            "Locked in orders": [_amount(b.asset, b.locked) for b in rows],
            "Total": [_amount(b.asset, b.total) for b in rows],
        }
    )


def _side(side: OrderSide) -> str:
    return side.value.title()


def _price(order: Order) -> str:
    return "Market" if order.order_type is OrderType.MARKET else eur(order.price)


def _holds(order: Order) -> str:
    if order.side is OrderSide.BUY:
        return eur(order.locked_amount)
    return f"{units(order.locked_amount)} {order.certificate_type}"


def cancelled_text(order: Order) -> str:
    """The toast after a cancel, saying what came back: "Order 16 cancelled: 5 EUA unfilled, €400.00 released". A
    resting order is a LIMIT order, and what it held is what its rest locks (``check_order_funds``): the certificates
    of a SELL, the rest × its price in EUR for a BUY. (The order as returned holds nothing any more.)"""
    unfilled = f"{units(order.remaining_quantity)} {order.certificate_type}"
    released = eur(order.price * order.remaining_quantity) if order.side is OrderSide.BUY else unfilled
    return f"Order {order.id} cancelled: {unfilled} unfilled, {released} released"


def open_orders_frame(orders: Sequence[Order]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order": [o.id for o in orders],
            "time": [o.created_at.astimezone(UTC) for o in orders],
            "market": [o.certificate_type.value for o in orders],
            "side": [_side(o.side) for o in orders],
            "price": [_price(o) for o in orders],
            "quantity": [o.quantity for o in orders],
            "filled": [o.filled_quantity for o in orders],
            "average": [price(o.average_fill_price) if o.fills else "" for o in orders],
            "holds": [_holds(o) for o in orders],
        }
    )


OPEN_COLUMNS = {
    "order": st.column_config.NumberColumn("Order", format="%d", width="small"),
    "time": TIME,
    "market": st.column_config.TextColumn("Market", width="small"),
    "side": st.column_config.TextColumn("Side", width="small"),
    "price": st.column_config.TextColumn("Limit price"),
    "quantity": st.column_config.NumberColumn("Quantity", format="%,d"),
    "filled": st.column_config.NumberColumn("Filled", format="%,d"),
    "average": st.column_config.TextColumn("Avg fill price"),
    "holds": st.column_config.TextColumn("Locked"),
}


def open_orders_key(orders: Sequence[Order]) -> str:
    """The open-orders table's widget key, new whenever the list changes: a selection always refers to the
    rows it was made on, never to whatever order moved into its position since."""
    digest = hashlib.sha256(",".join(str(o.id) for o in orders).encode()).hexdigest()[:12]
    return f"cm_open_{digest}"


def history_frame(orders: Sequence[Order]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order": [o.id for o in orders],
            "time": [o.updated_at.astimezone(UTC) for o in orders],
            "market": [o.certificate_type.value for o in orders],
            "side": [_side(o.side) for o in orders],
            "price": [_price(o) for o in orders],
            "filled": [f"{o.filled_quantity:,} of {o.quantity:,}" for o in orders],
            "average": [price(o.average_fill_price) if o.fills else "" for o in orders],
            "status": [labels.humanize(o.status) for o in orders],
            "why": [labels.cancel_reason(o.cancel_reason) for o in orders],
        }
    )


HISTORY_COLUMNS = {
    "order": st.column_config.NumberColumn("Order", format="%d", width="small"),
    "time": st.column_config.DatetimeColumn("Closed (UTC)", format="YYYY-MM-DD HH:mm:ss", timezone="UTC"),
    "market": st.column_config.TextColumn("Market", width="small"),
    "side": st.column_config.TextColumn("Side", width="small"),
    "price": st.column_config.TextColumn("Limit price"),
    "filled": st.column_config.TextColumn("Filled"),
    "average": st.column_config.TextColumn("Avg fill price"),
    "status": st.column_config.TextColumn("Status"),
    "why": st.column_config.TextColumn("Why closed"),
}


def fills_frame(fills: Sequence[Fill]) -> pd.DataFrame:
    """One row per fill, its trade first. The columns are named as their headers read and the amounts are numbers:
    the table's own download writes each column's name and each cell's value, and it wrote "price", "amount" and
    text such as "€81.41", with nothing to tell two fills of one order at one price apart."""
    return pd.DataFrame(
        {
            "Trade": [f.trade_id for f in fills],
            "Time (UTC)": [f.created_at.astimezone(UTC) for f in fills],
            "Market": [f.certificate_type.value for f in fills],
            "Side": [_side(f.side) for f in fills],
            # floats for the grid to draw (Decimals are drawn as text): cents and averages rounded first, so the
            # download reads 81.41 and 81.0286, never a float's tail
            "Price (€)": [float(f.price) for f in fills],
            "Quantity": [f.quantity for f in fills],
            "Amount (€)": [float(f.amount) for f in fills],
            "Order": [f.order_id for f in fills],
            "Order avg price (€)": [float(round(f.order_average_price, 4)) for f in fills],
        }
    )


FILL_COLUMNS = {
    "Trade": st.column_config.NumberColumn(format="%d", width="small"),
    "Time (UTC)": TIME,
    "Market": st.column_config.TextColumn(width="small"),
    "Side": st.column_config.TextColumn(width="small"),
    "Price (€)": st.column_config.NumberColumn(format="%,.2f"),
    "Quantity": st.column_config.NumberColumn(format="%,d"),
    "Amount (€)": st.column_config.NumberColumn(format="%,.2f"),
    "Order": st.column_config.NumberColumn(format="%d", width="small"),
    "Order avg price (€)": st.column_config.NumberColumn(format="%,.4f"),
}


def page_number(key: str) -> int:
    """The page a pager shows (1 until turned)."""
    return st.session_state.get(key, 1)


def _turn(key: str, to: int) -> None:
    st.session_state[key] = to


def pager(key: str, page: int, pages: int, total: int, noun: str) -> None:
    """Previous / next under a paged table; the page number lives in ``st.session_state[key]``."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("Previous", key=f"{key}_prev", disabled=page <= 1, icon=":material/chevron_left:",
                  on_click=_turn, args=(key, page - 1))  # fmt: skip
        st.caption(f"Page {page:,} of {pages:,} · {counted(total, noun)}")
        st.button("Next", key=f"{key}_next", disabled=page >= pages, icon=":material/chevron_right:",
                  on_click=_turn, args=(key, page + 1))  # fmt: skip
