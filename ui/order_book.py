"""The order book on the cash market page: table frames with depth bars, the pinned order entry's CSS,
the price an entry starts from, and the sentences that describe orders and prices. Data shaping only (nothing
is drawn), so it is unit-tested without a browser. (What a MARKET order would fill is the engine's own walk,
``core.order_entry.estimate_market_order``, never a walk of this page's copy of the book.)"""

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from core.enums import OrderSide, OrderStatus
from core.market import BookLevel, MarketStats, OrderBook
from core.orders import Order, OwnOrder
from ui.format import eur, price
from ui.grids import grid_height

# where GitHub-flavoured Markdown starts a link of its own (escaping does not stop it): after a scheme's colon,
# after "www" and after the @ of an e-mail address

ROW_HEIGHT = 38  # px: larger rows than a plain table, the book is the page's centrepiece
BOOK_HEIGHT = 600  # px: the book scrolls inside this
TRADES_HEIGHT = 320  # px: at most; the recent trades scroll inside this
ENTRY_KEY = "cm_order_entry"
SIDES_KEY = "cm_book_sides"  # the row holding the bids beside the asks
AVAILABLE_KEY = "cm_available"  # the entry's Available line, in the first row of messages under its fields

STATS_KEY = "cm_stats"
PAGE_BACKGROUND = "#f8fafc"  # theme.backgroundColor in .streamlit/config.toml

# px per column: together they fit one side of the book on a 390 px phone (356 px) and at 1,280 px with the sidebar open
# (400 px), so no side scrolls sideways (the bids' prices, their outer column, were hidden); wider windows stretch them
BOOK_COLUMN_WIDTHS = {"price": 60, "quantity": 72, "orders": 56, "cumulative": 84, "value": 84}
BOOK_SIDE_PX = sum(BOOK_COLUMN_WIDTHS.values()) + 2  # and the grid's border

# st.container(key=ENTRY_KEY) renders with class st-key-<key>; position: sticky only takes effect on the
# block that wraps it (its direct parent), so the rule targets that parent. The app header is transparent:
# painting it keeps scrolled book rows from showing through above the pinned entry. Metric values are
# smaller than Streamlit's default so the six stats fit one row at 1,280 px with the sidebar open (they are never
# cut: ui.metrics.metric_row wraps a card that does not fit onto another row). Between a phone and a laptop (700 to
# 1,180 px with the sidebar open) nothing is cut either: the book's sides stack once they no longer fit side by side,
# a segmented control's column keeps the width of every option (Side and Type showed "Buy" and "Limit" alone, Sell and
# Market scrolled out of sight) and the entry's fields keep room for a price; the entry's row wraps instead.
# on a phone the entry's fields wrap into a box as tall as half the screen: pinned, it left the book a strip to scroll
# in, so below a tablet's width it scrolls with the page. There the columns stack, and the Available line, beside
# the first message at 1,280 px, comes after it: above it, a quantity's refusal read two blocks below its field.
# Stacked, the sides of the book are a toolbar's height apart: on a touch screen a grid's toolbar shows at all times,
# above its top edge, and the asks' covered the last bid (its price and quantity half hidden). What a send says (a
# toast) comes at the bottom right: at the top it covered the pinned entry's button, the next order's sentence
PINNED_FROM_PX = 640
STICKY_CSS = f"""
<style>
div:has(> .st-key-{ENTRY_KEY}) {{
    position: sticky;
    top: 3.75rem;
    z-index: 999;
    background: {PAGE_BACKGROUND};
    padding-bottom: 0.25rem;
}}
.st-key-{ENTRY_KEY} {{
    background: #ffffff;
    box-shadow: 0 6px 12px -10px rgba(15, 23, 42, 0.45);
}}
.stAppHeader {{
    background: {PAGE_BACKGROUND};
}}
.st-key-{SIDES_KEY} [data-testid="stColumn"] {{
    min-width: min(100%, {BOOK_SIDE_PX}px);
}}
.st-key-{SIDES_KEY} [data-testid="stHorizontalBlock"] {{
    row-gap: 3rem;
}}
[data-testid="stColumn"]:has([data-testid="stButtonGroup"]) {{
    min-width: max-content;
}}
.st-key-{ENTRY_KEY} [data-testid="stColumn"]:has([data-testid="stTextInput"]) {{
    min-width: 6rem;
}}
.st-key-{STATS_KEY} [data-testid="stMetricValue"] {{
    font-size: 1.4rem;
}}
.stToastContainer {{
    top: auto !important;
    bottom: 1rem;
}}
@media (max-width: {PINNED_FROM_PX - 1}px) {{
    div:has(> .st-key-{ENTRY_KEY}) {{
        position: static;
    }}
    .st-key-{ENTRY_KEY} [data-testid="stColumn"]:has(.st-key-{AVAILABLE_KEY}) {{
        order: 1;
    }}
}}
</style>
"""


def book_frame(levels: list[BookLevel]) -> pd.DataFrame:
    """One side of the book for display (floats are display only; a clicked row maps back to ``levels``)."""
    return pd.DataFrame(
        {
            "price": [float(lv.price) for lv in levels],
            "quantity": [lv.quantity for lv in levels],
            "orders": [lv.orders for lv in levels],
            "cumulative": [lv.cumulative for lv in levels],
            "value": [float(lv.price * lv.quantity) for lv in levels],
        }
    )


def book_column_config(side: OrderSide, deepest: int) -> dict:
    """Bids read right to left towards the spread, asks left to right: price sits next to the middle."""
    color = "green" if side is OrderSide.BUY else "red"
    label = "Bid" if side is OrderSide.BUY else "Ask"
    w = BOOK_COLUMN_WIDTHS
    return {
        "price": st.column_config.NumberColumn(f"{label} €", format="%.2f", width=w["price"]),
        "quantity": st.column_config.NumberColumn("Quantity", format="%,d", width=w["quantity"]),
        "orders": st.column_config.NumberColumn("Orders", format="%d", width=w["orders"]),
        "cumulative": st.column_config.ProgressColumn(
            "Depth", format="%,d", min_value=0, max_value=max(deepest, 1), color=color, width=w["cumulative"]
        ),
        "value": st.column_config.NumberColumn("Value €", format="%,.2f", width=w["value"]),
    }


def book_column_order(side: OrderSide) -> list[str]:
    if side is OrderSide.BUY:
        return ["orders", "cumulative", "value", "quantity", "price"]
    return ["price", "quantity", "value", "cumulative", "orders"]


def book_height(book: OrderBook) -> int | str:
    """Fixed (and scrolling) once the longer side outgrows it; otherwise just the rows there are."""
    rows = max(len(book.bids), len(book.asks), 1) + 1
    return BOOK_HEIGHT if rows * ROW_HEIGHT + 4 > BOOK_HEIGHT else "content"


def trades_height(rows: int) -> int:
    """The recent trades' grid just as tall as its rows (a fixed 320 px showed blank rows under a few trades), up
    to ``TRADES_HEIGHT``, past which it scrolls."""
    height = grid_height(rows)
    return height if isinstance(height, int) and height <= TRADES_HEIGHT else TRADES_HEIGHT


def picked_price(cells: list[tuple[int, str]], prices: tuple[str, ...]) -> str | None:
    """The price a click in one side of the book picks: only a cell of its price column counts. Sorting the grid by
    a header reports a selected cell of its leftmost column, which on the bid side is "orders": read as a pick, it
    replaced a typed price with whatever row the sort put first."""
    return next((prices[row] for row, column in cells if column == "price"), None)


def deepest(book: OrderBook) -> int:
    return max([lv.cumulative for lv in (*book.bids[-1:], *book.asks[-1:])], default=0)


def default_price(
    side: OrderSide, book: OrderBook, stats: MarketStats, fallback: Decimal, passive_tick: Decimal | None = None
) -> Decimal:
    """Where a new order's price starts: the best opposite price (what trades now), else the best price
    of its own side, else the last trade, else the configured default. A post-only order (``passive_tick``: the
    book's tick) starts where it rests: the best price of its own side, else a tick inside the best opposite one,
    else the last trade, else the default (it started at the best opposite price, which the engine refuses)."""
    opposite, same = (book.best_ask, book.best_bid) if side is OrderSide.BUY else (book.best_bid, book.best_ask)
    candidates: tuple[Decimal | None, ...] = (opposite, same, stats.last_price)
    if passive_tick is not None:
        inside = None
        if opposite is not None:
            inside = opposite - passive_tick if side is OrderSide.BUY else opposite + passive_tick
        candidates = (same, inside if inside is not None and inside > 0 else None, stats.last_price)
    for candidate in candidates:
        if candidate is not None:
            return candidate
    return fallback


def own_orders_text(orders: Sequence[OwnOrder], certificate: str) -> str:
    """Own orders by number with what they hold: "order 28 (97 EUA at €81.17)", "orders 28 (…) and 30 (…)"."""
    each = [f"{o.order_id} ({o.quantity:,} {certificate} at {eur(o.price)})" for o in orders]
    listed = each[0] if len(each) == 1 else ", ".join(each[:-1]) + " and " + each[-1]
    return f"order{'s' if len(each) > 1 else ''} {listed}"


def describe_order(order: Order, self_trade_cancels: Sequence[OwnOrder] = ()) -> str:
    """One sentence after placing: what traded, at what average price, what rests or was cancelled, and which of
    the account's own resting orders self-trade prevention cancelled."""
    verb = "Bought" if order.side is OrderSide.BUY else "Sold"
    cert = order.certificate_type.value
    parts = []
    if order.filled_quantity:
        parts.append(f"{verb} {order.filled_quantity:,} {cert} at an average {price(order.average_fill_price)}")
    if order.status in (OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED):
        rest = "rests" if order.remaining_quantity == 1 else "rest"  # "1 EUA rests", "6 EUA rest"
        parts.append(f"{order.remaining_quantity:,} {cert} {rest} in the book at {eur(order.price)}")
    elif order.status is OrderStatus.CANCELLED and order.cancel_reason == "MARKET_REMAINDER":
        were = "was" if order.remaining_quantity == 1 else "were"
        parts.append(f"{order.remaining_quantity:,} {cert} could not fill and {were} cancelled")
    if self_trade_cancels:
        verb = "were" if len(self_trade_cancels) > 1 else "was"
        cancelled = own_orders_text(self_trade_cancels, cert)
        parts.append(f"your {cancelled} {verb} cancelled by self-trade prevention")
    return f"Order {order.id}: " + "; ".join(parts) + "."
