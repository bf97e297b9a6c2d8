"""Rendering helpers for the Market Makers page: records in, tables and labels out (display only)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from core.enums import AssetType, MarketMakerType
from core.models import LedgerEntry, MarketMaker, MarketMakerLedgerEntry
from core.wording import a_or_an
from ui.format import NO_VALUE, amount_text, counted, signed_amount_text
from ui.grids import NAME_COLUMN_MAX_PX, NAME_PADDING_PX, NAME_PX_PER_CHAR, text_chars
from ui.metrics import Metric

LP = MarketMakerType.LIQUIDITY_PROVIDER
AH = MarketMakerType.ASSET_HOLDER

TYPE_BADGE: dict[MarketMakerType, str] = {LP: "LP", AH: "AH"}
# a type in words, as a sentence says it: "Create liquidity provider **Boreal** with €250,000.00?" (a badge's "LP" is
# for where there is no room: a confirmation of money moving says in full what it creates)
TYPE_NOUN: dict[MarketMakerType, str] = {LP: "liquidity provider", AH: "asset holder"}
TYPE_LABEL: dict[MarketMakerType, str] = {
    LP: f"{TYPE_NOUN[LP].capitalize()} (EUR)",
    AH: f"{TYPE_NOUN[AH].capitalize()} (CEA/EUA)",
}
# The design's badge colours: LP blue, AH green (st.badge names; the table takes hex, the named ones are too pale).
TYPE_COLOR: dict[MarketMakerType, str] = {LP: "blue", AH: "green"}
TYPE_CELL_COLOR: dict[MarketMakerType, str] = {LP: "#bfdbfe", AH: "#bbf7d0"}
TYPE_FILTERS: tuple[str, ...] = ("All", "LP", "AH")
STATUS_ACTIVE, STATUS_INACTIVE = "Active", "Inactive"
LABEL_NAME_CHARS = 90  # a longer name is shortened in its middle in a selectbox label (~7 px a character)
# The table's Name column: the grid fits names up to about this long; a longer one gets a width of its own
SHORT_NAME_CHARS = 16
# what the widest Name column holds: a longer name is shortened in its middle there, so that two accounts of one firm
# ("…International Holdings GmbH — Account 2" and "… 3") stay told apart; the details show the whole name
TABLE_NAME_CHARS = int((NAME_COLUMN_MAX_PX - NAME_PADDING_PX) / NAME_PX_PER_CHAR)


def type_label(mm_type: MarketMakerType | str) -> str:
    return TYPE_LABEL[MarketMakerType(mm_type)]


def type_for_filter(choice: str | None) -> MarketMakerType | None:
    """The type a filter choice ("All", "LP", "AH") keeps; None keeps every type."""
    return next((t for t, badge in TYPE_BADGE.items() if badge == choice), None)


def open_orders_block(mm: MarketMaker) -> str | None:
    """Why ``mm`` cannot be deactivated now, as SQL's ``deactivate_market_maker`` refuses it (open orders), or None:
    said on the greyed button, before a confirmation that could only be refused."""
    if not mm.open_orders:
        return None
    them = "it" if mm.open_orders == 1 else "them"
    return f"It has {counted(mm.open_orders, 'open order')}: cancel or withdraw {them} before deactivating"


def filter_market_makers(
    market_makers: Iterable[MarketMaker], type_choice: str | None, show_inactive: bool
) -> list[MarketMaker]:
    """The market makers the table shows: of the chosen type, inactive ones only when asked for."""
    kind = type_for_filter(type_choice)
    return [m for m in market_makers if (kind is None or m.mm_type is kind) and (show_inactive or m.is_active)]


def link_hidden_by_filters(
    market_makers: Iterable[MarketMaker], said: str | None, type_choice: str | None, show_inactive: bool
) -> str | None:
    """Why a link's market maker (``said``: its id, as the URL said it) is not shown, when it is one the filters hide
    (``hidden_by_filters``); None when it is none of ``market_makers`` (the link's note says it is not offered)."""
    linked = next((m for m in market_makers if said is not None and str(m.id) == said.strip()), None)
    return None if linked is None else hidden_by_filters(linked, type_choice, show_inactive)


def hidden_by_filters(mm: MarketMaker, type_choice: str | None, show_inactive: bool) -> str | None:
    """Why the filters hide ``mm`` (which a link named), in the words a note about a link says it
    (``ui.url_state.link_note``: "The link's market maker “3” <this>: Atlas is shown"): "is Old LP, inactive, hidden
    while “Show inactive” is off", "is Cedar, an asset holder, hidden by the Type filter LP"; None when they show it
    (``filter_market_makers``)."""
    kind = type_for_filter(type_choice)
    other_type = kind is not None and mm.mm_type is not kind
    retired = not mm.is_active and not show_inactive
    name = short_name(mm.name)
    if other_type and retired:
        what = a_or_an(f"inactive {TYPE_NOUN[mm.mm_type]}")
        return f"is {name}, {what}, hidden by the Type filter {type_choice} and while “Show inactive” is off"
    if other_type:
        return f"is {name}, {a_or_an(TYPE_NOUN[mm.mm_type])}, hidden by the Type filter {type_choice}"
    if retired:
        return f"is {name}, inactive, hidden while “Show inactive” is off"
    return None


def short_name(name: str, limit: int = LABEL_NAME_CHARS) -> str:
    """A name as a one-line label shows it: whole when it fits, else its start and its end around "…". A selectbox
    cuts a long label at its end, where two accounts of one firm differ ("… Account 2", "… Account 3"), and the
    type badge after the name went with it."""
    if len(name) <= limit:
        return name
    tail = limit // 3
    return f"{name[: limit - tail - 1].rstrip()}…{name[-tail:].lstrip()}"


def option_label(mm: MarketMaker) -> str:
    """How a market maker reads in a selectbox: name, type badge and, if retired, its status."""
    suffix = "" if mm.is_active else " (inactive)"
    return f"{short_name(mm.name)} · {TYPE_BADGE[mm.mm_type]}{suffix}"


def name_column_width(names: Iterable[str]) -> int | None:
    """The Name column's width in pixels: left to the grid (None) while every name is short, else as wide as the
    longest name needs, up to NAME_COLUMN_MAX_PX. The grid keeps the width it measured first for the rest of the
    session, which cut a long name created since; and it would widen a column to 500 px for one long name, pushing
    the figures out of view. (Not pinned: a pinned column's text is drawn faded.)"""
    if max((len(n) for n in names), default=0) <= SHORT_NAME_CHARS:
        return None
    longest = max(text_chars(n) for n in names)
    return min(NAME_COLUMN_MAX_PX, round(longest * NAME_PX_PER_CHAR) + NAME_PADDING_PX)


@dataclass(frozen=True)
class AssetTotal:
    """One asset summed over the active market makers, with how much of it each type holds."""

    asset: AssetType
    available: Decimal
    locked: Decimal
    available_by_type: dict[MarketMakerType, Decimal]


@dataclass(frozen=True)
class Summary:
    """Totals over active market makers: every asset any of them holds, and how many of each type there are."""

    assets: tuple[AssetTotal, ...]  # only the assets somebody holds, in EUR, CEA, EUA order
    active_lp: int
    active_ah: int

    def total(self, asset: AssetType | str) -> AssetTotal | None:
        return next((t for t in self.assets if t.asset == asset), None)


def summarize(market_makers: Iterable[MarketMaker]) -> Summary:
    active = [m for m in market_makers if m.is_active]
    totals = []
    for asset in AssetType:
        by_type = {
            kind: sum((m.available(asset) for m in active if m.mm_type is kind), Decimal(0)) for kind in TYPE_BADGE
        }
        locked = sum((m.locked(asset) for m in active), Decimal(0))
        if any(by_type.values()) or locked:
            totals.append(AssetTotal(asset, sum(by_type.values(), Decimal(0)), locked, by_type))
    return Summary(
        assets=tuple(totals),
        active_lp=sum(1 for m in active if m.mm_type is LP),
        active_ah=sum(1 for m in active if m.mm_type is AH),
    )


def total_help(total: AssetTotal) -> str:
    """Where an asset's total sits, per type: e.g. EUR is mostly the LPs' but also what AHs earned selling."""
    parts = [f"{TYPE_BADGE[kind]} {amount_text(total.asset, value)}" for kind, value in total.available_by_type.items()]
    return "Available: " + " · ".join(parts) + f". Locked in open orders: {amount_text(total.asset, total.locked)}."


def summary_metrics(summary: Summary) -> list[Metric]:
    """Every asset the active market makers hold (available, and locked where some is), then the head count."""
    metrics = []
    for t in summary.assets:
        metrics.append(Metric(f"{t.asset} available", amount_text(t.asset, t.available), total_help(t)))
        if t.locked:
            metrics.append(Metric(f"{t.asset} locked", amount_text(t.asset, t.locked)))
    return [*metrics, Metric("Active market makers", f"{summary.active_lp} LP · {summary.active_ah} AH")]


def balance_metrics(mm: MarketMaker) -> list[Metric]:
    """One market maker's balances as the detail shows them: available and locked of everything it holds, each lock
    as the table shows it (``shown_lock``): a lock its type never takes reads NO_VALUE, as in the table (it read
    "€0.00" here beside the table's "—"), its help saying why as the column's does."""
    metrics = []
    for b in mm.shown_balances:
        locked = shown_lock(mm, b.asset)
        metrics.append(Metric(f"{b.asset} available", amount_text(b.asset, b.available)))
        if locked is None:
            metrics.append(Metric(f"{b.asset} locked", NO_VALUE, locked_help(b.asset)))
        else:
            metrics.append(Metric(f"{b.asset} locked", amount_text(b.asset, locked)))
    return [*metrics, Metric("Open orders", str(mm.open_orders))]


def locked_help(asset: AssetType) -> str:
    """What a lock of ``asset`` is, and what NO_VALUE in its place says (``shown_lock``): the table's column and the
    detail's figure say it alike."""
    return f"Held by open orders. {NO_VALUE}: its type's orders never hold {asset}"


def shown_lock(mm: MarketMaker, asset: AssetType) -> Decimal | None:
    """What ``mm`` has locked of ``asset`` as the page shows it, in the table and in the detail alike: None (read
    NO_VALUE) for a lock its type never takes, the figure otherwise, 0 included. Every market maker has a balance of
    every asset from its creation (SQL's create_account_balances), but its orders hold only the assets it is funded
    with (SQL's market_maker_assets, by order_asset; ``mm.held_assets``), so an LP's certificates and an AH's EUR are
    never locked. (Such a lock that somehow held something would show it.)"""
    locked = mm.locked(asset)
    return None if asset not in mm.held_assets and not locked else locked


def _balance_cell(mm: MarketMaker, asset: AssetType, part: str) -> Decimal | int | None:
    """A balance cell (``part`` "available" or "locked"), certificates in whole units: every figure is real, 0
    included (an asset holder's EUR from selling, a liquidity provider's certificates from buying, and none of them
    yet, 0); only a lock its type never takes has no value (``shown_lock``)."""
    value = shown_lock(mm, asset) if part == "locked" else mm.available(asset)
    if value is None:
        return None
    return int(value) if asset.is_certificate else value


def market_makers_frame(market_makers: Sequence[MarketMaker]) -> pd.DataFrame:
    """One row per market maker, in the given order. EUR stays Decimal (exact cents) for display."""
    rows = []
    for m in market_makers:
        row: dict[str, Any] = {
            "id": m.id,
            "name": short_name(m.name, TABLE_NAME_CHARS),
            "type": [TYPE_BADGE[m.mm_type]],
            "status": [STATUS_ACTIVE if m.is_active else STATUS_INACTIVE],
        }
        for asset in AssetType:
            key = asset.value.lower()
            row[f"{key}_available"] = _balance_cell(m, asset, "available")
            row[f"{key}_locked"] = _balance_cell(m, asset, "locked")
        row["open_orders"] = m.open_orders
        row["created_at"] = m.created_at
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(MARKET_MAKER_COLUMNS))
    for asset in (AssetType.CEA, AssetType.EUA):
        for side in ("available", "locked"):
            column = f"{asset.value.lower()}_{side}"
            frame[column] = frame[column].astype("Int64")
    return frame


MARKET_MAKER_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "type",
    "status",
    "eur_available",
    "eur_locked",
    "cea_available",
    "cea_locked",
    "eua_available",
    "eua_locked",
    "open_orders",
    "created_at",
)


def market_makers_column_config(
    held: Iterable[AssetType] = tuple(AssetType), names: Iterable[str] = (), *, all_active: bool = False
) -> dict[str, Any]:
    """The table's columns; an asset none of the listed market makers can hold has none (with the AH filter, two
    empty EUR columns pushed Open orders and Created out of view at 1,440 px), and a Status column that would say
    Active on every row (``all_active``: inactive ones hidden) is left out, as is Created (the detail says it):
    with them, Open orders was cut to "O…" at 1,280 px. ``names`` size the Name column."""
    cert = "%,d"
    available = "Available: not held by open orders"
    locked = {a: locked_help(a) for a in AssetType}  # a lock a type never takes reads NO_VALUE (see shown_lock)
    shown = set(held)
    hidden: dict[str, None] = {
        f"{a.value.lower()}_{side}": None for a in set(AssetType) - shown for side in ("available", "locked")
    }
    if all_active:
        hidden["status"] = None
    hidden["created_at"] = None  # the detail says it: at 1,280 px the table has no room for it
    return {
        "id": None,
        "name": st.column_config.TextColumn(
            "Name",
            width=name_column_width(names),
            help="A name too long for the column reads whole in the details below the table.",
        ),
        "type": st.column_config.MultiselectColumn(
            "Type",
            options=list(TYPE_BADGE.values()),
            color=[TYPE_CELL_COLOR[t] for t in TYPE_BADGE],
            help="LP: liquidity provider, holds EUR and places BUY orders. "
            "AH: asset holder, holds CEA/EUA and places SELL orders.",
            width=56,  # an LP or AH tag, and the header
        ),
        "status": st.column_config.MultiselectColumn(
            "Status", options=[STATUS_ACTIVE, STATUS_INACTIVE], color=["#e2e8f0", "#fde68a"], width=72
        ),
        # what is available heads its asset's columns by the asset alone (its help says available): the grid sizes a
        # column to its header when that is wider than its figures, and "CEA available" over "40,000" took the 40 px
        # that cut Orders at 1,280 px once Status was shown
        "eur_available": st.column_config.NumberColumn("EUR", format="euro", step=0.01, help=available),
        "eur_locked": st.column_config.NumberColumn("EUR locked", format="euro", step=0.01, help=locked[AssetType.EUR]),
        "cea_available": st.column_config.NumberColumn("CEA", format=cert, help=available),
        "cea_locked": st.column_config.NumberColumn("CEA locked", format=cert, help=locked[AssetType.CEA]),
        "eua_available": st.column_config.NumberColumn("EUA", format=cert, help=available),
        "eua_locked": st.column_config.NumberColumn("EUA locked", format=cert, help=locked[AssetType.EUA]),
        "open_orders": st.column_config.NumberColumn("Orders", format="%d", help="Open orders", width=64),
        "created_at": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD", timezone="UTC"),
    } | hidden


LEDGER_AMOUNT_HELP = (
    "+ added to the balance (a deposit, a trade's credit), - taken from it (a withdrawal, a trade's debit); a lock or "
    "an unlock, unsigned, moves it between available and locked"
)


def ledger_frame(entries: Sequence[MarketMakerLedgerEntry]) -> pd.DataFrame:
    """The ledger rows as the page shows them, newest first as given."""
    rows = [
        {
            "time": e.created_at.astimezone(UTC),
            "type": e.transaction_type.value.replace("_", " ").capitalize(),
            "amount": ledger_amount(e),
            "available": f"{amount_text(e.asset, e.available_before)} → {amount_text(e.asset, e.available_after)}",
            "locked": f"{amount_text(e.asset, e.locked_before)} → {amount_text(e.asset, e.locked_after)}",
            "reference": ledger_reference(e),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["time", "type", "amount", "available", "locked", "reference"])


def ledger_amount(entry: LedgerEntry) -> str:
    """A ledger row's amount, signed by what the row did to the balance (available + locked, its before and after):
    "+€500.00" a deposit or a trade's credit, "-€500.00" a withdrawal or a trade's debit. A lock or an unlock moves
    its amount between available and locked and leaves the balance as it was: unsigned (its Available and Locked say
    which way). The ledger stores every amount positive, its direction in its type and its before and after."""
    change = entry.balance_after - entry.balance_before
    return signed_amount_text(entry.asset, change) if change else amount_text(entry.asset, entry.amount)


def ledger_reference(entry: MarketMakerLedgerEntry) -> str:
    """What a ledger row comes from: an admin's ticket, or the market maker's order (and for a fill, its trade), so
    an admin can tell which fill moved the money."""
    if entry.ticket_id:
        return entry.ticket_id
    if entry.reference_type == "trade":
        return (
            f"Order {entry.order_id} · trade {entry.reference_id}" if entry.order_id else f"Trade {entry.reference_id}"
        )
    return f"Order {entry.order_id}" if entry.order_id else ""


def ledger_column_config() -> dict[str, Any]:
    return {
        "time": st.column_config.DatetimeColumn("Time (UTC)", format="YYYY-MM-DD HH:mm:ss", timezone="UTC"),
        "type": st.column_config.TextColumn("Type", width=96),  # "Trade credit" whole (auto-sized, it was cut)
        # no Asset column: every amount says its asset ("-€500.00", "+309 EUA"), and at 1,280 px the room it took cut
        # the ticket to "TKT-2026-00"; the headers are short for the same reason, their help says before → after
        "amount": st.column_config.TextColumn("Amount", alignment="right", help=LEDGER_AMOUNT_HELP),
        "available": st.column_config.TextColumn("Available", help="Available before → after"),
        "locked": st.column_config.TextColumn("Locked", help="Locked in open orders before → after"),
        "reference": st.column_config.TextColumn(
            "Ticket or order", help="An admin's ticket, or the order the row comes from (and a fill's trade)"
        ),
    }


def initial_funding(mm_type: MarketMakerType | str, amounts: Mapping[AssetType, str | None]) -> dict[str, Any]:
    """Keyword arguments of ``create_market_maker`` for what the form holds; blank fields mean "start at zero".

    Amounts stay the text the user typed: core parses them exactly and names the field it refuses.
    """
    kind = MarketMakerType(mm_type)
    filled = {asset: text.strip() for asset, text in amounts.items() if text is not None and text.strip()}
    if kind is LP:
        return {"initial_eur_balance": filled[AssetType.EUR]} if AssetType.EUR in filled else {}
    balances = {asset.value: text for asset, text in filled.items()}
    return {"initial_balances": balances} if balances else {}
