"""Market Quality page builders: periods, tables and plotly figures from core records (no Streamlit, unit-tested).

Tables keep exact Decimals (the CSV downloads write EUR to the cent and prices as the app does: ``points_csv``,
``scorecard_csv``); ``for_display`` turns money into floats for the grid and the charts only.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

import pandas as pd
import plotly.graph_objects as go

from core.config import PRESENCE_PLACES
from core.enums import CertificateType, OrderSide
from core.models import MarketMaker
from core.quality_models import BookSnapshot, DepthCell, HealthSeries, MarketMakerScore, Slippage
from ui.charts import ASK_COLOR, BID_COLOR
from ui.downloads import csv_bytes
from ui.format import NO_VALUE, eur, percent, price
from ui.grids import FIGURE_PX_PER_CHAR, text_column_px
from ui.operations_view import FILL_RATIO_PLACES, for_display  # a share of placed certificates, written as a fill ratio

# a segmented control's options sit on one row that scrolls sideways where it is too narrow: at 390 px the Period
# showed "24 h | Last 7 days | Last 30 days | Custom", "Last" of its first option scrolled out of sight. Narrow
# windows take tighter options (all four fit on one row at 390 px), and a narrower one wraps them, never scrolls
FILTERS_CSS = """
<style>
.st-key-mq_filters [data-testid="stButtonGroup"] > div:has(> button) {
    flex-wrap: wrap;
}
@media (max-width: 480px) {
    .st-key-mq_filters [data-testid="stButtonGroup"] button {
        padding-left: 0.5rem;
        padding-right: 0.5rem;
    }
}
</style>
"""
PERIODS: dict[str, timedelta | None] = {
    "Last 24 h": timedelta(hours=24),
    "Last 7 days": timedelta(days=7),
    "Last 30 days": timedelta(days=30),
    "Custom": None,
}
SLIPPAGE_AMOUNTS = (Decimal("10000"), Decimal("100000"))
BANDS = (("0.5", "0_5pct", "solid"), ("1", "1pct", "dash"), ("2", "2pct", "dot"))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# a bucket alone (the first of a book, or one between buckets never two-sided) is a point a line cannot draw
SERIES_MODE, MARKER_SIZE = "lines+markers", 4  # at most MAX_CHART_BUCKETS (720) points a trace
PASS_COLOR, FAIL_COLOR = "#dcfce7", "#fee2e2"
SCORE_MONEY = ["Avg quoted (€)", "Traded (€)"]
SCORE_UNITS = ["Placed", "Filled", "Snapshots"]  # certificates and counts: grouped ("1,231"), as every grid writes them
SCORE_RATIOS = ["Presence %", "Fill ratio"]
# presence is judged against an obligation of at most 2 decimals (core refuses more): shown to 2 and cut, never rounded
# up, so a market maker failing at 69.996 % never reads "70.00 %" (or "70.0 %") beside its Fail under a 70 % obligation
PRESENCE_STEP = Decimal(1).scaleb(-PRESENCE_PLACES)


def period_ending(now: datetime, span: timedelta, step_seconds: int) -> tuple[datetime, datetime]:
    """``span`` up to the next point of the snapshot grid at or after ``now``: it holds every snapshot taken so
    far, and stays the same (so reruns reuse cached reads) until the next snapshot is due."""
    seconds = -(-now.timestamp() // step_seconds) * step_seconds
    end = datetime.fromtimestamp(seconds, UTC)
    return end - span, end


def as_utc(moment: datetime | None) -> datetime | None:
    """A moment typed in the page (shown and meant as UTC) with its time zone."""
    return None if moment is None else moment.replace(tzinfo=UTC)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def series_frame(series: HealthSeries) -> pd.DataFrame:
    """One row per bucket: spread, two-sided share and the six depths (floats: for charts only)."""
    return pd.DataFrame(
        {
            "Time (UTC)": [b.bucket_start for b in series.buckets],
            "Spread (bps)": [_num(b.avg_spread_bps) for b in series.buckets],
            "Two-sided %": [float(b.two_sided_pct) for b in series.buckets],
            **{
                f"{side.title()} ±{pct} %": [_num(getattr(b, f"avg_{side}_depth_{suffix}_eur")) for b in series.buckets]
                for pct, suffix, _ in BANDS
                for side in ("bid", "ask")
            },
        }
    )


def bucket_label(bucket: timedelta) -> str:
    """A chart's bucket in words, as a chart's title says it ("mean per 15 min"): "snapshot" below a minute (each
    snapshot is its own point), "minute", "2 min", "hour", "3 h", "day" (it read "per 60 min", "per 1440 min")."""
    seconds = int(bucket.total_seconds())
    if seconds < 60:
        return "snapshot"
    for unit, size, single in (("days", 86400, "day"), ("h", 3600, "hour"), ("min", 60, "minute")):
        if seconds % size == 0:
            count = seconds // size
            return single if count == 1 else f"{count} {unit}"
    return f"{seconds:,} s"


def _time_axis(fig: go.Figure, frame: pd.DataFrame, bucket: timedelta | None) -> go.Figure:
    """Bars as wide as most of their bucket and drawn inside it (a bar starts a tenth of the bucket after the bucket's
    start, its x), and a period of one bucket alone drawn with a bucket either side of it: left to plotly, the axis
    zoomed into that point's milliseconds ("23:59:59.9995", "00:00:00.0005"). Centred on its x, the bar of the hour
    06:00-07:00 was drawn over 05:36-06:24, half of it over a time before the book's first snapshot."""
    if bucket is None:
        return fig
    span = bucket.total_seconds() * 1000  # ms on a date axis
    fig.update_traces(width=span * 0.8, offset=span * 0.1, selector={"type": "bar"})
    if len(frame) == 1:
        at = pd.Timestamp(frame["Time (UTC)"].iloc[0])
        fig.update_xaxes(range=[at - bucket, at + bucket])
    return fig


def _layout(fig: go.Figure, y_title: str, height: int = 280) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis_title=y_title,
        xaxis_title="UTC",
        legend={"orientation": "h", "y": 1.15, "x": 0},
        hovermode="x unified",
    )
    return fig


def spread_figure(frame: pd.DataFrame, bucket: timedelta | None = None) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=frame["Time (UTC)"],
            y=frame["Spread (bps)"],
            name="Spread",
            mode=SERIES_MODE,
            marker={"size": MARKER_SIZE},
            line={"color": "#334155", "width": 1.5},
            hovertemplate="%{y:.1f} bps<extra>mean spread</extra>",
        )
    )
    return _time_axis(_layout(fig, "Spread (bps of mid)"), frame, bucket)


def depth_figure(frame: pd.DataFrame, bucket: timedelta | None = None) -> go.Figure:
    """Resting EUR per side within each band of mid: bids green, asks red, one dash style per band."""
    fig = go.Figure()
    for pct, _, dash in BANDS:
        for side, color in (("Bid", BID_COLOR), ("Ask", ASK_COLOR)):
            column = f"{side} ±{pct} %"
            fig.add_trace(
                go.Scatter(
                    x=frame["Time (UTC)"],
                    y=frame[column],
                    name=column,
                    mode=SERIES_MODE,
                    marker={"size": MARKER_SIZE},
                    line={"color": color, "dash": dash, "width": 1.5},
                    hovertemplate=f"€%{{y:,.2f}}<extra>{column}</extra>",  # EUR to the cent, as the headline
                )
            )
    return _time_axis(_layout(fig, "Resting EUR", height=320), frame, bucket)


def presence_figure(frame: pd.DataFrame, bucket: timedelta | None = None) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=frame["Time (UTC)"],
            y=frame["Two-sided %"],
            marker_color="#0ea5e9",
            hovertemplate="%{y:.1f} % two-sided<extra></extra>",
        )
    )
    fig.update_yaxes(range=[0, 100])
    return _time_axis(_layout(fig, "Two-sided (% of snapshots)", height=220), frame, bucket)


def heatmap_figure(cells: Sequence[DepthCell]) -> go.Figure:
    """Mean resting EUR within ±1 % of mid (bid + ask) by UTC weekday and hour; blank where never two-sided."""
    total = [[None] * 24 for _ in WEEKDAYS]
    detail = [[""] * 24 for _ in WEEKDAYS]
    for c in cells:
        bid, ask = c.avg_bid_depth_1pct_eur, c.avg_ask_depth_1pct_eur
        total[c.weekday - 1][c.hour] = float(bid + ask)
        detail[c.weekday - 1][c.hour] = (
            f"{eur(bid + ask)} within ±1 %<br>bid {eur(bid)} · ask {eur(ask)} · {c.two_sided:,} snapshots"
        )
    fig = go.Figure(
        go.Heatmap(
            z=total,
            x=[f"{h:02d}:00" for h in range(24)],
            y=list(WEEKDAYS),
            customdata=detail,
            colorscale="Blues",
            # EUR from nothing (both ends, or plotly scales on its own): one value alone is not a scale of its noise
            zmin=0,
            zmax=max((v for row in total for v in row if v is not None), default=0) or 1,
            colorbar={"title": "€ ±1 %"},
            hovertemplate="%{y} %{x} UTC<br>%{customdata}<extra></extra>",  # EUR to the cent, from the Decimals
            hoverongaps=False,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis_title="Hour (UTC)")
    return fig


def absorbs_text(result: Slippage) -> str:
    """Whether the book takes the whole amount; if not, whether it takes part (too thin) or none of it (an empty
    side said so, not "too thin"), or the amount is less than one certificate (€0.01 read "yes" beside 0 of them)."""
    if result.fillable and result.quantity == 0:
        return f"no: it {'buys' if result.side is OrderSide.BUY else 'sells'} less than one certificate"
    if result.fillable:
        return "yes"
    if result.quantity == 0:
        return f"no: no {'ask' if result.side is OrderSide.BUY else 'bid'} fills any of it"
    return "no: the book is too thin"


def slippage_frame(results: Sequence[Slippage]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Amount (€)": [r.amount_eur for r in results],
            "Certificates": [r.quantity for r in results],
            "Filled (€)": [r.filled_eur for r in results],
            "Average price (€)": [r.average_price for r in results],
            "Slippage (bps)": [r.slippage_bps for r in results],
            "Book absorbs it": [absorbs_text(r) for r in results],
        }
    )


def slippage_widths(results: Sequence[Slippage]) -> dict[str, int]:
    """Each column of the slippage table as wide as its longest text as the grid writes it (``text_column_px``): the
    grid kept the widths it measured on the two fixed sizes, and a typed amount's figures ("€1,250,000.00",
    "€149,691.78") were cut at their start on a phone, where no column stretches. Wider than the window, the table
    scrolls sideways."""

    def money(value: Decimal | None) -> str:
        return "—" if value is None else eur(value)

    figures = {
        "Amount (€)": [money(r.amount_eur) for r in results],
        "Certificates": [f"{r.quantity:,}" for r in results],
        "Filled (€)": [money(r.filled_eur) for r in results],
        "Average price (€)": ["—" if r.average_price is None else price(r.average_price) for r in results],
        "Slippage (bps)": ["—" if r.slippage_bps is None else f"{r.slippage_bps:.2f}" for r in results],
    }
    widths = {column: text_column_px(column, texts, FIGURE_PX_PER_CHAR) for column, texts in figures.items()}
    return {**widths, "Book absorbs it": text_column_px("Book absorbs it", [absorbs_text(r) for r in results])}


def scorecard_frame(scores: Sequence[MarketMakerScore]) -> pd.DataFrame:
    """The scorecard as the page shows and exports it; names exactly as typed."""
    return pd.DataFrame(
        {
            "Market maker": [s.name for s in scores],
            "Certificate": [s.certificate_type.value for s in scores],
            "Result": ["Pass" if s.passes else "Fail" for s in scores],
            "Presence %": [s.presence_pct for s in scores],
            "Avg quoted (€)": [s.avg_quoted_eur for s in scores],
            "Placed": [s.placed_quantity for s in scores],
            "Filled": [s.filled_quantity for s in scores],
            "Fill ratio": [s.fill_ratio for s in scores],
            "Traded (€)": [s.traded_value_eur for s in scores],
            "Snapshots": [s.snapshots for s in scores],
        }
    )


def unscored(active: Sequence[MarketMaker], scores: Sequence[MarketMakerScore], end: datetime) -> list[str]:
    """The names of the active market makers, created by the period's end, that the scorecard has no row for: they
    neither rested an order at any of the period's snapshots nor placed one on the book, so there is nothing to score.
    Left unsaid, "2 of 2 meet the obligation" read as every market maker meeting it."""
    scored = {s.market_maker_id for s in scores}
    return [m.name for m in active if m.id not in scored and m.created_at <= end]


def scorecard_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as its grid shows it: money as numbers, and both ratios in percent (the fill ratio read "0%"
    beside a presence of "0.00 %"); the CSV keeps the fill ratio an exact fraction."""
    shown = for_display(frame, [*SCORE_MONEY, *SCORE_RATIOS])
    shown["Fill ratio"] = shown["Fill ratio"] * 100
    return shown


def scorecard_style(frame: pd.DataFrame) -> "pd.io.formats.style.Styler":
    """Each row tinted green when the market maker meets its obligation, red when it does not; both ratios written
    as every percentage of the app is (``ui.format.percent``: presence to 2 decimals, cut, the fill ratio to 1 as on
    the Operations page), while the grid still sorts them as numbers."""

    def tint(row: pd.Series) -> list[str]:
        color = PASS_COLOR if row["Result"] == "Pass" else FAIL_COLOR
        return [f"background-color: {color}"] * len(row)

    def presence(value: object) -> str:
        return percent(Decimal(str(value)).quantize(PRESENCE_STEP, ROUND_DOWN), PRESENCE_PLACES)

    styled = frame.style.apply(tint, axis=1)
    if "Presence %" in frame:
        styled = styled.format(presence, subset=["Presence %"], na_rep=NO_VALUE)
    if "Fill ratio" in frame:
        styled = styled.format(lambda v: percent(v, FILL_RATIO_PLACES), subset=["Fill ratio"], na_rep=NO_VALUE)
    return styled


def bps(value: Decimal | None) -> str:
    """A spread in basis points with its unit: "42.0 bps" ("—" for none)."""
    return "—" if value is None else f"{value:,.1f} bps"


def points_frame(points: Sequence[BookSnapshot]) -> pd.DataFrame:
    """Every snapshot with the issue's field names, market makers as a JSON list (exact values; ``points_csv``). The
    moment's column says its zone as the others say their unit (``_eur``): ``at_utc``, written as every CSV writes a
    time (ui.downloads); "at" held "2026-12-01 10:00:00+00:00"."""
    columns = [name for name in BookSnapshot.model_fields if name not in ("certificate_type", "market_makers")]
    frame = pd.DataFrame([{name: getattr(p, name) for name in columns} for p in points], columns=columns)
    frame = frame.rename(columns={"at": "at_utc"})
    frame["market_makers"] = [
        json.dumps([q.model_dump(mode="json") for q in p.market_makers], separators=(",", ":")) for p in points
    ]
    return frame


POINT_PRICES = ["best_bid", "best_ask", "mid"]
POINT_MONEY = [f"{side}_depth_{band}pct_eur" for band in ("0_5", "1", "2") for side in ("bid", "ask")]


def points_csv(points: Sequence[BookSnapshot]) -> bytes:
    """Every snapshot as a CSV (``points_frame``): its depths in EUR to the cent, its prices as the app writes a price
    (a mid of 81.000 is 81.00, one of 80.005 stays so; ``ui.downloads.csv_bytes``)."""
    return csv_bytes(points_frame(points), POINT_MONEY, POINT_PRICES)


def scorecard_csv(frame: pd.DataFrame) -> bytes:
    """The scorecard (``scorecard_frame``) as a CSV, its EUR to the cent; its fill ratio stays an exact fraction."""
    return csv_bytes(frame, SCORE_MONEY)


def no_snapshot_text(
    cert: CertificateType | str, start: datetime, now: datetime, every_seconds: int, end: datetime | None = None
) -> str:
    """Why a period holds no snapshot of ``cert``'s book: one that has not begun yet, one shorter than the time between
    two snapshots, or a worker that took none (one every ``every_seconds`` while it runs). A period wholly ahead, or a
    From and To typed the same, read as if the worker had missed it."""
    if start > now:
        return f"This period has not begun: no snapshot of the {cert} book can be in it yet."
    if end is not None and (end - start).total_seconds() < every_seconds:
        return (
            f"This period is shorter than the {every_seconds} s between two snapshots of the {cert} book, and holds "
            "none: choose an end later than the start."
        )
    return f"No snapshot of the {cert} book in this period. The worker takes one every {every_seconds} s while it runs."
