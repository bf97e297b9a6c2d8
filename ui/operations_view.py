"""Rendering helpers for the Operations page: core records in, DataFrames, CSV bytes and plotly figures out.

Pure functions (no Streamlit, no database), so the page stays thin and these are unit-tested. DataFrames
keep the exact Decimal values (the CSV downloads write them as the screen does: ``operations_csv``);
``for_display`` turns money into floats for the grid and the charts only.
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.audit import TicketLog, TicketNames
from core.enums import OrderSide
from core.market import OrderBook
from core.operations import DailyStat, OperationOrder, OperationSort, OperationSummary, RestingDepth
from ui import labels
from ui.downloads import csv_bytes
from ui.format import NO_VALUE, eur, percent, plot_text, price, utc_time
from ui.ticket_changes import describe_change, exact_json, named

BID_COLOR, ASK_COLOR = "#0f766e", "#b91c1c"
BID_LIGHT, ASK_LIGHT = "#99f6e4", "#fecaca"
SIDE_COLOR = {OrderSide.BUY: BID_COLOR, OrderSide.SELL: ASK_COLOR}
SIDE_LABEL = {OrderSide.BUY: "BID", OrderSide.SELL: "ASK"}

SORT_LABELS: dict[OperationSort, str] = {
    OperationSort.CREATED_AT: "Time",
    OperationSort.TICKET_ID: "Ticket",
    OperationSort.CERTIFICATE_TYPE: "Certificate",
    OperationSort.REFERENCE_PRICE: "Reference price",
    OperationSort.ACTUAL_BID: "Actual BID EUR",
    OperationSort.ACTUAL_ASK: "Actual ASK EUR",
    OperationSort.ACTUAL_TOTAL: "Actual total EUR",
    OperationSort.FILLED: "Filled EUR",
    OperationSort.RESTING: "Resting EUR",
    OperationSort.WITHDRAWN: "Withdrawn EUR",
    OperationSort.FILL_RATIO: "Fill ratio",
}


# how each sort reads, largest first and smallest first: the toggle says "Largest / newest first" for them all
SORT_DIRECTIONS: dict[OperationSort, tuple[str, str]] = {
    OperationSort.CREATED_AT: ("newest first", "oldest first"),
    OperationSort.TICKET_ID: ("last ticket first", "first ticket first"),
    OperationSort.CERTIFICATE_TYPE: ("EUA before CEA", "CEA before EUA"),
}


def sort_order_text(sort: OperationSort | str, descending: bool) -> str:
    """How the operations table is ordered, said on hover of its headers (``ui.grids.paged_grid``): "Every page is
    sorted by Filled EUR, largest first: change it with Sort by, above the table (a header click sorts nothing)"."""
    sort = OperationSort(sort)
    largest, smallest = SORT_DIRECTIONS.get(sort, ("largest first", "smallest first"))
    return (
        f"Every page is sorted by {SORT_LABELS[sort]}, {largest if descending else smallest}: change it with Sort by, "
        "above the table (a header click sorts nothing)"
    )


OPERATION_COLUMNS: dict[str, str] = {
    "created_at": "Time (UTC)",
    "ticket_id": "Ticket",
    "certificate_type": "Certificate",
    "source": "Source",
    "reference_price": "Reference price",
    "price_source": "Price source",
    "target_bid_liquidity_eur": "Target BID EUR",
    "actual_bid_liquidity_eur": "Actual BID EUR",
    "target_ask_liquidity_eur": "Target ASK EUR",
    "actual_ask_liquidity_eur": "Actual ASK EUR",
    "market_makers": "Market makers",
    "orders_created": "Orders",
    "filled_eur": "Filled EUR",
    "filled_quantity": "Filled certificates",
    "resting_eur": "Resting EUR",
    "resting_quantity": "Resting certificates",
    "withdrawn_eur": "Withdrawn EUR",
    "withdrawn_quantity": "Withdrawn certificates",
    "fill_ratio": "Fill ratio",
    "fill_ratio_percent": "Fill ratio (%)",
    "created_by_username": "Created by",
    "id": "Operation id",
    "notes": "Notes",  # free text last: a spreadsheet reads every figure before it
}
OPERATION_PRICES = ["Reference price"]
OPERATION_MONEY = [
    "Target BID EUR",
    "Actual BID EUR",
    "Target ASK EUR",
    "Actual ASK EUR",
    "Filled EUR",
    "Resting EUR",
    "Withdrawn EUR",
]
FILL_RATIO = "Fill ratio"
# the same fill ratio as a number, in the CSV only: the words beside it are what the screen says, this one a
# spreadsheet sorts and sums (the grid sorts its words' column by the share itself)
FILL_RATIO_PERCENT = "Fill ratio (%)"
FILL_RATIO_PLACES = 1  # a fill ratio is written to a tenth of a percent, in words and as a number

ORDER_COLUMNS: dict[str, str] = {
    "id": "Order id",
    "market_maker_name": "Market maker",
    "side": "Side",
    "liquidity_level": "Level",
    "price": "Price",
    "quantity": "Quantity",
    "filled_quantity": "Filled",
    "filled_eur": "Filled EUR",
    "resting_quantity": "Resting",
    "withdrawn_quantity": "Withdrawn",
    "status": "Status",
    "cancel_reason": "Cancel reason",
}
ORDER_MONEY, ORDER_PRICES = ["Filled EUR"], ["Price"]

# A ticket reads in words in Change (ui.ticket_changes, the one wording of it), for a person on screen and in the CSV;
# its two states stay beside it as recorded, for a program, and say so: a desk reader took "Before" and "After" for
# more of the change and met JSON there
BEFORE_JSON, AFTER_JSON = "Before (raw JSON)", "After (raw JSON)"
TICKET_COLUMNS = ["Time (UTC)", "Ticket", "Action", "Actor", "Object", "Change", BEFORE_JSON, AFTER_JSON]


def fill_ratio_share(filled: Decimal, deployed: Decimal) -> Decimal | None:
    """What share of the EUR deployed traded, in percent, from the two amounts, not rounded yet (None when nothing
    was deployed). SQL's stored ``fill_ratio`` is already rounded to four places, and rounded again to one it read
    0.8 % for €111.76 of €14,907.14 (0.0075 for 0.7497 %) beside a summary's 0.7 %."""
    return filled / deployed * 100 if deployed else None


def fill_ratio_text(filled: Decimal, deployed: Decimal) -> str:
    """A fill ratio as every figure of the page writes it: the share rounded once (by ``percent``), "< 0.1 %" for a
    share that is not nothing but rounds to it, "—" when nothing was deployed."""
    return percent(fill_ratio_share(filled, deployed), FILL_RATIO_PLACES)


def fill_ratio_percent(filled: Decimal, deployed: Decimal) -> Decimal | None:
    """``fill_ratio_text``'s number, for a spreadsheet: the share rounded as the words round it (0.7 for "0.7 %"; 0.0
    for "< 0.1 %", which the words beside it in the CSV tell from nothing traded)."""
    share = fill_ratio_share(filled, deployed)
    return None if share is None else share.quantize(Decimal(1).scaleb(-FILL_RATIO_PLACES))


def operations_frame(rows: Sequence[OperationSummary]) -> pd.DataFrame:
    """One row per operation, in the given order, with exact values; its fill ratio as the screen writes it (the
    stored, already rounded fraction, 0.3333, read as nothing the screen says) and as that number."""
    records = [
        {
            **r.model_dump(),
            "fill_ratio": fill_ratio_text(r.filled_eur, r.actual_total_eur),
            "fill_ratio_percent": fill_ratio_percent(r.filled_eur, r.actual_total_eur),
            "market_makers": ", ".join(r.market_maker_names),
            "created_at": utc_time(r.created_at),
            "source": "Manual" if r.policy_id is None else "Policy",
        }
        for r in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=list(OPERATION_COLUMNS))
    frame["certificate_type"] = frame["certificate_type"].map(str)
    frame["price_source"] = frame["price_source"].map(labels.price_source)
    frame["notes"] = frame["notes"].fillna("")  # none typed: an empty cell, not the grid's grey "None"
    return frame.rename(columns=OPERATION_COLUMNS)


def operations_csv(rows: Sequence[OperationSummary]) -> bytes:
    """The operations' CSV: ``operations_frame``, its EUR to the cent and its reference price as the screen writes
    it (81.00, never the stored 81.0000), certificates whole (``ui.downloads.csv_bytes``)."""
    return csv_bytes(operations_frame(rows), OPERATION_MONEY, OPERATION_PRICES)


def orders_csv(orders: Sequence[OperationOrder]) -> bytes:
    """An operation's orders as a CSV: ``orders_frame``, written as ``operations_csv`` writes the operations."""
    return csv_bytes(orders_frame(orders), ORDER_MONEY, ORDER_PRICES)


def orders_frame(orders: Sequence[OperationOrder]) -> pd.DataFrame:
    records = [o.model_dump() for o in orders]
    frame = pd.DataFrame.from_records(records, columns=list(ORDER_COLUMNS))
    frame["side"] = [SIDE_LABEL[o.side] for o in orders]
    frame["status"] = [labels.humanize(o.status) for o in orders]
    frame["cancel_reason"] = [
        labels.cancel_reason(o.cancel_reason, market_maker=o.market_maker_id is not None, by=o.cancelled_by_name)
        for o in orders
    ]
    return frame.rename(columns=ORDER_COLUMNS)


def object_label(entity_type: str, entity_id: int | None, names: TicketNames | None = None) -> str:
    """What a ticket is about: "Liquidity operation #17"; a user, a trader firm or a market maker by its name (read
    with the ticket) and its id, "Trader firm Demo Trading GmbH (#4)"."""
    kind = "Trader firm" if entity_type == "entity" else labels.humanize(entity_type)  # as the app names it
    if entity_id is None:
        return kind
    return f"{kind} {named(names or TicketNames(), entity_type, entity_id)}"


def _json(value: Any) -> str:
    """A ticket's state as JSON ("" for none), its amounts written exactly as recorded (250000.00, never 250000.0
    or "250000.00")."""
    return "" if value is None else exact_json(value)


def tickets_frame(tickets: Iterable[TicketLog]) -> pd.DataFrame:
    records = [
        {
            "Time (UTC)": utc_time(t.created_at),
            "Ticket": t.ticket_id,
            "Action": labels.action(t.action),
            "Actor": t.actor_username or "—",
            "Object": object_label(t.entity_type, t.entity_id, t.names),
            "Change": describe_change(t.before_state, t.after_state, t.names),
            BEFORE_JSON: _json(t.before_state),
            AFTER_JSON: _json(t.after_state),
        }
        for t in tickets
    ]
    return pd.DataFrame.from_records(records, columns=TICKET_COLUMNS)


def priced(
    frame: pd.DataFrame, money_columns: Iterable[str], price_columns: Iterable[str]
) -> "pd.io.formats.style.Styler":
    """``for_display``'s grid, its prices kept numbers, so a click on their header sorts them as numbers (as text,
    "€10.20" came before "€9.80" and "€100.50" before "€81.00"), each written as ``ui.format.price`` writes it (a
    grid's number format padded every price to one count of decimals, or rounded a mid between two ticks). For a
    grid whose price columns are number columns without a format of their own: a format would replace the words."""
    shown = for_display(frame, [*money_columns, *price_columns])
    prices = [column for column in price_columns if column in shown]
    return shown.style.format(lambda value: price(Decimal(repr(value))), subset=prices, na_rep=NO_VALUE)


def operations_shown(rows: Sequence[OperationSummary]) -> "pd.io.formats.style.Styler":
    """The operations as their grid shows them (``for_display``), the fill ratio of each written by
    ``fill_ratio_text`` from its two amounts, exactly as the operation's detail and the headline write it, while the
    grid sorts the column by the share itself. (A percent column format rounded the stored, already rounded, ratio
    its own way: 0.8 % in the table beside 0.7 % in the detail, "0.0%" for a share of "< 0.1 %".)"""
    shown = operations_frame(rows).drop(columns=[FILL_RATIO_PERCENT])  # the CSV's number: the grid's is the share
    shares = [float(r.filled_eur / r.actual_total_eur) if r.actual_total_eur else None for r in rows]
    shown[FILL_RATIO] = shares
    # each share's words, looked up by the number the grid holds (one formatter for the column: one per row cost a
    # page of 200 rows a tenth of a second a run). Shares equal to a float's 16 digits read alike, the first's words:
    # written to a tenth of a percent, they could only differ within a hair of a rounding edge
    words = {
        share: fill_ratio_text(row.filled_eur, row.actual_total_eur)
        for share, row in zip(shares, rows, strict=True)
        if share is not None
    }
    grid = priced(shown, OPERATION_MONEY, OPERATION_PRICES)
    return grid.format(words.__getitem__, subset=[FILL_RATIO], na_rep=NO_VALUE)


def for_display(frame: pd.DataFrame, money_columns: Iterable[str], price_columns: Iterable[str] = ()) -> pd.DataFrame:
    """A copy whose Decimal columns are floats, what the grid formats and plotly draws, and whose prices are text as
    ``ui.format.price`` writes them: a grid's number format pads every price to one count of decimals (€81.0000), or
    rounds a mid between two ticks (€80.975 shown €80.98). Display only: the CSV writes the Decimals
    (``operations_csv``)."""
    shown = frame.copy()
    for column in money_columns:
        if column in shown:
            shown[column] = pd.to_numeric(shown[column].map(lambda v: None if v is None else float(v)))
    for column in price_columns:
        if column in shown:
            shown[column] = shown[column].map(lambda v: None if v is None or pd.isna(v) else price(v))
    return shown


def operation_label(row: OperationSummary) -> str:
    return f"{row.ticket_id} · {row.certificate_type} · {row.created_at:%Y-%m-%d %H:%M}"


def _layout(fig: go.Figure, title: str, y_title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0, "xanchor": "left"},
        plot_bgcolor="white",
        yaxis_title=y_title,
    )
    fig.update_yaxes(gridcolor="#e2e8f0")
    return fig


def _day_axis(fig: go.Figure) -> None:
    """Days as labelled categories: a single day stays a readable bar (a date axis would zoom into its hours)."""
    fig.update_xaxes(type="category")


def every_day(stats: Sequence[DailyStat]) -> list[DailyStat]:
    """The days from the first to the last of ``stats``, one each, a day without an operation as nothing deployed
    and no fill ratio. The day axis is categories, one per day given: SQL returns only the days with operations, so
    the 1st and the 20th of a month were drawn side by side, as if on consecutive days, and the fill-ratio line
    joined them over the days between."""
    if not stats:
        return []
    given = {s.day: s for s in stats}
    first, last = min(given), max(given)
    nothing = Decimal("0.00")
    return [
        given.get(day)
        or DailyStat(
            day=day,
            operations=0,
            deployed_bid_eur=nothing,
            deployed_ask_eur=nothing,
            filled_eur=nothing,
            fill_ratio=None,
        )
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
    ]


def deployed_per_day_figure(stats: Sequence[DailyStat]) -> go.Figure:
    """EUR deployed per day and side, each bar hovering its amount to the cent (plotly's own hover read "51.16k"),
    every day from the first to the last drawn (``every_day``)."""
    stats = every_day(stats)
    days = [s.day.isoformat() for s in stats]
    fig = go.Figure(
        [
            go.Bar(
                x=days,
                y=[float(amount) for amount in amounts],
                customdata=[eur(amount) for amount in amounts],
                hovertemplate=f"%{{x}} · {side}: %{{customdata}}<extra></extra>",
                name=side,
                marker_color=color,
            )
            for side, color, amounts in (
                ("BID", BID_COLOR, [s.deployed_bid_eur for s in stats]),
                ("ASK", ASK_COLOR, [s.deployed_ask_eur for s in stats]),
            )
        ]
    )
    fig.update_layout(barmode="group")
    _day_axis(fig)
    return _layout(fig, "EUR deployed per day", "EUR")


def fill_ratio_figure(stats: Sequence[DailyStat]) -> go.Figure:
    """Each day's share of its deployed EUR that traded, its hover written by ``fill_ratio_text`` from the day's two
    amounts, as the headline and the detail write a fill ratio (plotly's "%{y:.1%}" rounded SQL's stored, already
    rounded ratio again: 0.8% for a day the headline called 0.7 %). A day without an operation (``every_day``) has
    no ratio: a gap in the line, never a fall to 0 %."""
    stats = every_day(stats)
    deployed = [s.deployed_bid_eur + s.deployed_ask_eur for s in stats]
    fig = go.Figure(
        go.Scatter(
            x=[s.day.isoformat() for s in stats],
            y=[float(s.filled_eur / d) if d else None for s, d in zip(stats, deployed, strict=True)],
            customdata=[fill_ratio_text(s.filled_eur, d) for s, d in zip(stats, deployed, strict=True)],
            mode="lines+markers",
            name="Fill ratio",
            line={"color": BID_COLOR},
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=".1%", rangemode="tozero")
    _day_axis(fig)
    return _layout(fig, "Fill ratio by day of creation", "traded / deployed")


def resting_depth_figure(depth: Sequence[RestingDepth]) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(
                y=[plot_text(d.market_maker_name) for d in depth if d.side is side],  # typed: never markup
                x=[float(d.resting_eur) for d in depth if d.side is side],
                customdata=[eur(d.resting_eur) for d in depth if d.side is side],
                hovertemplate=f"%{{y}} · {SIDE_LABEL[side]}: %{{customdata}} resting<extra></extra>",
                name=SIDE_LABEL[side],
                orientation="h",
                marker_color=SIDE_COLOR[side],
            )
            for side in OrderSide
        ]
    )
    fig.update_layout(barmode="stack", yaxis={"autorange": "reversed"}, legend={"traceorder": "normal"})
    fig = _layout(
        fig, "Resting depth by market maker", "", height=max(240, 60 + 40 * len({d.market_maker_name for d in depth}))
    )
    fig.update_xaxes(title="EUR resting", gridcolor="#e2e8f0")
    return fig


def levels_figure(orders: Sequence[OperationOrder], book: OrderBook, reference_price: Decimal) -> go.Figure:
    """The operation's resting quantity per price level against the whole current book at those prices."""
    book_bids, book_asks = book.bids, book.asks
    step = _step([lv.price for lv in (*book_bids, *book_asks)] + [o.price for o in orders])
    # the operation's bars narrower than the book's, so both show where they overlap
    book_width, own_width = (None, None) if step is None else (step * 0.9, step * 0.5)
    fig = go.Figure(
        [
            go.Bar(
                x=[float(b.price) for b in book_bids],
                y=[b.quantity for b in book_bids],
                name="Book BID",
                marker_color=BID_LIGHT,
                width=book_width,
            ),
            go.Bar(
                x=[float(a.price) for a in book_asks],
                y=[a.quantity for a in book_asks],
                name="Book ASK",
                marker_color=ASK_LIGHT,
                width=book_width,
            ),
        ]
    )
    for side in OrderSide:
        per_price: dict[Decimal, int] = {}
        for o in orders:
            if o.side is side and o.resting_quantity:
                per_price[o.price] = per_price.get(o.price, 0) + o.resting_quantity
        fig.add_bar(
            x=[float(p) for p in per_price],
            y=list(per_price.values()),
            name=f"This operation {SIDE_LABEL[side]}",
            marker_color=SIDE_COLOR[side],
            width=own_width,
        )
    fig.add_vline(
        x=float(reference_price),
        line_dash="dot",
        line_color="#475569",
        annotation_text=f"reference {price(reference_price)}",
        annotation_position="top",
    )
    fig.update_layout(barmode="overlay", bargap=0.1)
    fig.update_xaxes(title="Price (EUR)")
    return _layout(fig, "Its levels against the current book", "Certificates", height=360)


def _step(prices: Sequence[Decimal]) -> float | None:
    """The smallest gap between two prices drawn: every bar's width is set from it, the book's too (left to plotly,
    two asks €3 apart were drawn €2.70 wide, over the reference and the bids)."""
    distinct = sorted(set(prices))
    if len(distinct) < 2:
        return None
    return float(min(b - a for a, b in pairwise(distinct)))
