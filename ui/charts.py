"""Plotly figures for the cash market: pure builders (book in, figure out), unit-tested without Streamlit."""

from decimal import Decimal

import plotly.graph_objects as go

from core.market import OrderBook
from ui.format import price

BID_COLOR = "#16a34a"
ASK_COLOR = "#dc2626"
DEPTH_PAD = Decimal("0.05")  # the depth chart's margin each side of the prices it shows, as a share of their span


def depth_figure(book: OrderBook, mid: Decimal | None = None, window: Decimal = Decimal("0.05")) -> go.Figure:
    """Cumulative bids (left of mid) and asks (right of mid) as step areas, within ``window`` (a fraction)
    of mid, so one far-away order does not flatten the chart."""
    if mid is None and book.best_bid is not None and book.best_ask is not None:
        mid = (book.best_bid + book.best_ask) / 2
    low = mid * (1 - window) if mid is not None else None
    high = mid * (1 + window) if mid is not None else None
    bids = [lv for lv in book.bids if low is None or lv.price >= low]
    asks = [lv for lv in book.asks if high is None or lv.price <= high]

    # the axis runs a little past the deepest price each side shows, and each side's total runs on to that edge: ending
    # at the deepest price, the last level (drawn as the step up to it) was a thin line on the chart's border
    shown = [lv.price for lv in (*bids, *asks)] + ([mid] if mid is not None else [])
    left, right = (min(shown), max(shown)) if shown else (None, None)
    if shown:
        pad = (right - left) * DEPTH_PAD or left * DEPTH_PAD / 10  # one price alone: a sliver either side of it
        left, right = left - pad, right + pad

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
    for levels, edge, color in ((bids, left, BID_COLOR), (asks, right, ASK_COLOR)):
        if levels:  # the side's total beyond its deepest level, to the edge: no level of its own to hover
            deepest = levels[-1]
            fig.add_trace(
                go.Scatter(
                    x=[float(deepest.price), float(edge)],
                    y=[deepest.cumulative] * 2,
                    mode="lines",
                    line={"color": color, "width": 2},
                    fill="tozeroy",
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    if mid is not None:
        fig.add_vline(x=float(mid), line={"dash": "dot", "color": "#64748b"}, annotation_text=f"mid {price(mid)}")
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        xaxis_title="Price (€)",
        yaxis_title="Cumulative quantity",
        # under the chart: above it, plotly's toolbar (always shown on a touch screen) covered it on a phone
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        hovermode="x",
    )
    if shown:
        fig.update_xaxes(range=[float(left), float(right)])
    return fig
