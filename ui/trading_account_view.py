"""The trading account on the cash market, as tables: balances with what open orders lock, every open order
(select rows to cancel them), fills, and the closed history. Records in, frames and column
headers out; the page draws them."""

import hashlib
from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal

import pandas as pd
import streamlit as st

from core.enums import AssetType, OrderSide
from core.orders import Order
from core.trading_account import Fill, TradingAccount
from ui import labels
from ui.format import eur, units

# the kinds of column the account's tables have, each drawn one way in all of them
TIME = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss", timezone="UTC")
ID = st.column_config.NumberColumn(format="%d", width="small")
WORD = st.column_config.TextColumn(width="small")
EUROS = st.column_config.NumberColumn(format="%,.2f")
UNITS = st.column_config.NumberColumn(format="%,d")
AVERAGE = st.column_config.NumberColumn(format="%,.4f")  # an average price, to four decimals


def _why_closed(order: Order) -> str:
    return labels.cancel_reason(
        order.cancel_reason, market_maker=order.market_maker_id is not None, by=order.cancelled_by_name
    )


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


def _money(value: object) -> float | None:
    """A price or an average for the grid to draw as a number (Decimals are drawn as text), rounded first so the
    download reads 81.41 and 81.0286, never a float's tail; None (an empty cell) for none."""
    return None if value is None else float(round(value, 4))


def _locked(order: Order) -> str:
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


def cancels_text(orders: Sequence[Order]) -> str:
    """The one toast after cancelling ``orders`` (at least one) together: ``cancelled_text`` for one; for more, what
    came back in all, "3 orders cancelled: 12 CEA and 6 EUA unfilled, €486.00 and 12 CEA released" (a toast each
    stacked 30 of them over the order entry when a trader cancelled every order at once)."""
    if len(orders) == 1:
        return cancelled_text(orders[0])
    books = sorted({o.certificate_type for o in orders})
    buys = [o for o in orders if o.side is OrderSide.BUY]
    unfilled = [f"{units(sum(o.remaining_quantity for o in orders if o.certificate_type == b))} {b}" for b in books]
    released = [eur(sum((o.price * o.remaining_quantity for o in buys), Decimal(0)))] if buys else []
    for book in books:
        if sold := sum(o.remaining_quantity for o in orders if o.side is OrderSide.SELL and o.certificate_type == book):
            released.append(f"{units(sold)} {book}")
    said_unfilled, said_released = " and ".join(unfilled), " and ".join(released)
    return f"{len(orders)} orders cancelled: {said_unfilled} unfilled, {said_released} released"


# The open and closed orders, as the fills: columns named as their headers read, prices as numbers; the tables' own
# download wrote "price", "holds" and "why", and text such as "€81.41" and "3 of 5"
def open_orders_frame(orders: Sequence[Order]) -> pd.DataFrame:
    """One row per open order (a LIMIT order resting), oldest first."""
    return pd.DataFrame(
        {
            "Order": [o.id for o in orders],
            "Time (UTC)": [o.created_at.astimezone(UTC) for o in orders],
            "Market": [o.certificate_type.value for o in orders],
            "Side": [_side(o.side) for o in orders],
            "Limit price (€)": [_money(o.price) for o in orders],
            "Quantity": [o.quantity for o in orders],
            "Filled": [o.filled_quantity for o in orders],
            "Avg fill price (€)": [_money(o.average_fill_price) for o in orders],
            "Locked": [_locked(o) for o in orders],  # EUR for a BUY, certificates for a SELL: the unit in the cell
        }
    )


OPEN_COLUMNS = {
    "Order": ID,
    "Time (UTC)": TIME,
    "Market": WORD,
    "Side": WORD,
    "Limit price (€)": EUROS,
    "Quantity": UNITS,
    "Filled": UNITS,
    "Avg fill price (€)": AVERAGE,
}


def open_orders_key(orders: Sequence[Order]) -> str:
    """The open-orders table's widget key, new whenever the list changes: a selection always refers to the
    rows it was made on, never to whatever order moved into its position since."""
    digest = hashlib.sha256(",".join(str(o.id) for o in orders).encode()).hexdigest()[:12]
    return f"cm_open_{digest}"


def history_frame(orders: Sequence[Order]) -> pd.DataFrame:
    """One row per closed order, last closed first; a MARKET order has no limit price (an empty cell)."""
    return pd.DataFrame(
        {
            "Order": [o.id for o in orders],
            "Closed (UTC)": [o.updated_at.astimezone(UTC) for o in orders],
            "Market": [o.certificate_type.value for o in orders],
            "Side": [_side(o.side) for o in orders],
            "Type": [o.order_type.value.title() for o in orders],
            "Limit price (€)": [_money(o.price) for o in orders],  # a MARKET order has none
            "Quantity": [o.quantity for o in orders],
            "Filled": [o.filled_quantity for o in orders],
            "Avg fill price (€)": [_money(o.average_fill_price) for o in orders],
            "Status": [labels.humanize(o.status) for o in orders],
            "Why closed": [_why_closed(o) or None for o in orders],  # a dash when filled
        }
    )


HISTORY_COLUMNS = {
    "Order": ID,
    "Closed (UTC)": TIME,
    "Market": WORD,
    "Side": WORD,
    "Type": WORD,
    "Limit price (€)": EUROS,
    "Quantity": UNITS,
    "Filled": UNITS,
    "Avg fill price (€)": AVERAGE,
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
            "Price (€)": [_money(f.price) for f in fills],
            "Quantity": [f.quantity for f in fills],
            "Amount (€)": [_money(f.amount) for f in fills],
            "Order": [f.order_id for f in fills],
            "Order avg price (€)": [_money(f.order_average_price) for f in fills],
        }
    )


FILL_COLUMNS = {
    "Trade": ID,
    "Time (UTC)": TIME,
    "Market": WORD,
    "Side": WORD,
    "Price (€)": EUROS,
    "Quantity": UNITS,
    "Amount (€)": EUROS,
    "Order": ID,
    "Order avg price (€)": AVERAGE,
}
