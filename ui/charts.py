"""Plotly figures for the cash market: pure builders (book in, figure out), unit-tested without Streamlit."""

from decimal import Decimal

import plotly.graph_objects as go

from core.market import OrderBook
from ui.format import price

BID_COLOR = "#16a34a"
ASK_COLOR = "#dc2626"


def depth_figure(book: OrderBook, mid: Decimal | None = None, window: Decimal = Decimal("0.05")) -> go.Figure:
    """Cumulative bids (left of mid) and asks (right of mid) as step areas, within ``window`` (a fraction)
    of mid, so one far-away order does not flatten the chart."""
    if mid is None and book.best_bid is not None and book.best_ask is not None:
        mid = (book.best_bid + book.best_ask) / 2
    low = mid * (1 - window) if mid is not None else None
    high = mid * (1 + window) if mid is not None else None
    bids = [lv for lv in book.bids if low is None or lv.price >= low]
    asks = [lv for lv in book.asks if high is None or lv.price <= high]

    fig = go.Figure()
    for name, levels, color in (("Bids", bids, BID_COLOR), ("Asks", asks, ASK_COLOR)):
        fig.add_trace(
            go.Scatter(
                x=[float(lv.price) for lv in levels],
                y=[lv.cumulative for lv in levels],
                name=name,
                mode="lines+markers" if len(levels) == 1 else "lines",  # one level is a point: a line draws nothing
                line={"shape": "hv", "color": color, "width": 2},
                fill="tozeroy",
                hovertemplate=f"€%{{x:.2f}}<br>%{{y:,}} cumulative<extra>{name}</extra>",
            )
        )
    if mid is not None:
        fig.add_vline(x=float(mid), line={"dash": "dot", "color": "#64748b"}, annotation_text=f"mid {price(mid)}")
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="Price (€)",
        yaxis_title="Cumulative quantity",
        legend={"orientation": "h", "y": 1.12, "x": 0},
        hovermode="x",
    )
    return fig
