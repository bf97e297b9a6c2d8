"""Rendering helpers for the Create Liquidity page: plans, shortfalls and operations in, tables and words out.

Display only: amounts stay Decimal (exact cents) and are never fed back into a calculation; what the admin
types goes to core as text, which parses it exactly.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from core.config import LiquidityLevels
from core.enums import MarketMakerType, OrderSide
from core.liquidity_models import (
    AssetShortfall,
    LiquidityOperation,
    LiquidityPreview,
    MarketReference,
    ProvisioningPlan,
    ProvisioningResult,
    SidePlan,
)
from core.wording import listed
from ui import labels
from ui.format import amount_text, counted, eur, figure, md_escape, percent, price
from ui.market_makers_view import TYPE_NOUN as MM_NOUN
from ui.market_makers_view import short_name
from ui.metrics import Metric

SIDE_TITLE = {OrderSide.BUY: "BID side · buy orders", OrderSide.SELL: "ASK side · sell orders"}
MM_PLURAL = {MarketMakerType.LIQUIDITY_PROVIDER: "liquidity providers", MarketMakerType.ASSET_HOLDER: "asset holders"}
ACTION_LABEL = {"create_new": "Create new market makers", "fund_existing": "Fund existing market makers"}

# a longer name is shortened in its middle (the end tells accounts of one firm apart), in a column of medium width,
# so every column of a side's tables stays in view across the dialog at 1,280 px
PLAN_NAME_CHARS = 28


def reference_caption(reference: MarketReference | LiquidityPreview) -> str:
    source = labels.price_source(reference.price_source, explained=True)
    return f"Reference {price(reference.reference_price)} · {source}"


def levels_frame(plan: SidePlan) -> pd.DataFrame:
    """One row per level: price, its share of the side's planned value, totals over the side. The share is what the
    plan places, not the configured split (50/30/20 %): whole certificates move it (6/2/2 certificates, about
    60/20/20 % of the value), and the split shown beside those figures read as the plan."""
    rows = []
    for index, level_price in enumerate(plan.level_prices):
        orders = [m.orders[index] for m in plan.market_makers]
        value = sum((o.value_eur for o in orders), Decimal("0.00"))
        rows.append(
            {
                "level": index + 1,
                "price": level_price,
                "share": float(value / plan.total_eur * 100) if plan.total_eur else None,  # a label, not money
                "orders": len(orders),
                "quantity": sum(o.quantity for o in orders),
                "value": value,
            }
        )
    return pd.DataFrame(rows, columns=["level", "price", "share", "orders", "quantity", "value"])


def levels_column_config() -> dict[str, Any]:
    return {
        "level": st.column_config.NumberColumn("Level", format="%d", width="small"),
        "price": st.column_config.NumberColumn("Price", format="euro", step=0.01),
        "share": st.column_config.NumberColumn(
            "Share",
            format="%.0f %%",
            width="small",
            help="The level's share of the side's planned value: whole certificates move it from the configured split",
        ),
        "orders": st.column_config.NumberColumn("Orders", format="%d", width="small"),
        "quantity": st.column_config.NumberColumn("Certificates", format="%,d"),
        "value": st.column_config.NumberColumn("Value", format="euro", step=0.01),
    }


def allocations_frame(plan: SidePlan) -> pd.DataFrame:
    """One row per market maker: whether it can fund its orders, its EUR budget, what its orders hold, what it has
    available. Funds comes right after the name: the table shares half a dialog, and with amounts in the millions
    the last columns scroll out of view at 1280 px, which must never hide who is short."""
    rows = [
        {
            "name": short_name(m.name, PLAN_NAME_CHARS),
            "status": "Short" if m.shortfall > 0 else "OK",
            "budget": m.amount,
            "orders": len(m.orders),
            "quantity": m.total_quantity,
            "value": m.total_value,
            "available": amount_text(plan.asset, m.available),
        }
        for m in plan.market_makers
    ]
    return pd.DataFrame(rows, columns=["name", "status", "budget", "orders", "quantity", "value", "available"])


def allocations_column_config() -> dict[str, Any]:
    return {
        "name": st.column_config.TextColumn("Market maker", width="medium"),
        "status": st.column_config.TextColumn("Funds", width="small"),
        "budget": st.column_config.NumberColumn("Budget", format="euro", step=0.01, help="Even share of the target"),
        "orders": st.column_config.NumberColumn("Orders", format="%d", width="small"),
        "quantity": st.column_config.NumberColumn("Certificates", format="%,d"),
        "value": st.column_config.NumberColumn("Order value", format="euro", step=0.01),
        "available": st.column_config.TextColumn("Available", alignment="right"),
    }


def left_out_text(plan: SidePlan) -> str | None:
    """Who the side leaves out and why (each holds less than an even share locks), or None when it uses every
    market maker of its role. One market maker in one line; several are listed by ``left_out_frame`` under it.
    Markdown-safe (market maker names are escaped)."""
    left = plan.left_out
    if not left:
        return None
    who = counted(len(left), MM_NOUN[plan.mm_type])
    why = "so the side is split evenly over those that can fund one"
    if len(left) == 1:
        return f"{who} left out: **{md_escape(left[0].name)}** {left[0].reason}, {why}."
    share = amount_text(plan.asset, left[0].required)
    return f"{who} left out, each holding less than an even share of {share}, {why}:"


def unneeded_text(plan: SidePlan) -> str | None:
    """Why the side uses fewer of its role's market makers than could fund a share (a small target), or None."""
    if not plan.unneeded:
        return None
    who = counted(plan.unneeded, MM_NOUN[plan.mm_type])
    used = counted(len(plan.market_makers), MM_NOUN[plan.mm_type])
    return (
        f"{who} more could fund a share but {'is' if plan.unneeded == 1 else 'are'} not needed: {eur(plan.target_eur)} "
        f"rests one whole certificate at every level over {used} at most."
    )


def left_out_frame(plan: SidePlan) -> pd.DataFrame:
    """The market makers a side leaves out and what each holds (several: one line names a single one)."""
    rows = [
        {"name": short_name(m.name, PLAN_NAME_CHARS), "available": amount_text(m.asset, m.available)}
        for m in plan.left_out
    ]
    return pd.DataFrame(rows, columns=["name", "available"])


def left_out_column_config() -> dict[str, Any]:
    return {
        "name": st.column_config.TextColumn("Left out", width="medium"),
        "available": st.column_config.TextColumn("Available", alignment="right"),
    }


def side_summary(plan: SidePlan) -> str:
    if not plan.market_makers:
        prices = " / ".join(eur(p) for p in plan.level_prices)
        return f"No active market makers can serve this side yet (levels at {prices}): see below."
    who = counted(len(plan.market_makers), MM_NOUN[plan.market_makers[0].mm_type])
    return (
        f"{who} · {counted(plan.orders_count, 'order')} · "
        f"{counted(plan.total_quantity, 'certificate')} · {eur(plan.total_eur)} of {eur(plan.target_eur)}"
    )


def shortfall_text(shortfall: AssetShortfall) -> str:
    who = MM_PLURAL[shortfall.mm_type]
    if shortfall.no_market_makers:
        return (
            f"No active {who} can serve this side: {amount_text(shortfall.asset, shortfall.shortfall)} "
            "is needed. Create new ones below."
        )
    # the totals are over the short ones only (AssetShortfall): what their orders need, what they have
    short = len(shortfall.market_makers)
    are, whose, has = ("is", "its", "it has") if short == 1 else ("are", "their", "they have")
    return (
        f"{counted(short, MM_NOUN[shortfall.mm_type])} {are} short by "
        f"{amount_text(shortfall.asset, shortfall.shortfall)}{'' if short == 1 else ' in all'}: {whose} orders need "
        f"{amount_text(shortfall.asset, shortfall.required)} and {has} "
        f"{amount_text(shortfall.asset, shortfall.available)} available."
    )


def shortfall_frame(shortfall: AssetShortfall) -> pd.DataFrame:
    rows = [
        {
            "name": short_name(m.name, PLAN_NAME_CHARS),
            "required": amount_text(shortfall.asset, m.required),
            "available": amount_text(shortfall.asset, m.available),
            "shortfall": amount_text(shortfall.asset, m.shortfall),
        }
        for m in shortfall.market_makers
    ]
    return pd.DataFrame(rows, columns=["name", "required", "available", "shortfall"])


def shortfall_column_config() -> dict[str, Any]:
    return {
        "name": st.column_config.TextColumn("Market maker", width="medium"),
        "required": st.column_config.TextColumn("Required", alignment="right"),
        "available": st.column_config.TextColumn("Available", alignment="right"),
        "shortfall": st.column_config.TextColumn("Short by", alignment="right"),
    }


def provision_amount(shortfall: AssetShortfall, action: str) -> str:
    """The amount a provisioning form starts with: enough for the whole side to be placed, grouped as the app writes
    amounts ("4,300,000.00", "5,000": as text, for core to parse). New market makers: what one of them needs beside
    those there are (the shortfall alone left the side short: a new one shares the target too)."""
    return figure(
        shortfall.asset, shortfall.new_market_maker_needs if action == "create_new" else shortfall.even_top_up
    )


def provision_note(shortfall: AssetShortfall, action: str) -> str:
    """Why the suggested amount is what it is: funding is split evenly, so covering the market maker short by the
    most can take more than the total shortfall. Markdown-safe (market maker names are escaped)."""
    asset = shortfall.asset
    total = amount_text(asset, shortfall.shortfall)
    if action == "create_new":
        needs = amount_text(asset, shortfall.new_market_maker_needs)
        if shortfall.no_market_makers:
            return f"Suggested: {needs}, what the side's orders lock, split evenly over the new market makers."
        return (
            f"Suggested: {needs}, what one new market maker needs for the whole side to be placed beside those there "
            f"are: it shares the target, so covering the {total} shortfall alone would leave them short. Split over "
            "more new market makers, preview again afterwards."
        )
    short = shortfall.market_makers
    names = ", ".join(md_escape(m.name) for m in short)
    if shortfall.even_top_up == shortfall.shortfall:
        return f"Suggested: exactly the shortfall, {total}, split evenly over the short market makers: {names}."
    worst = max(short, key=lambda m: m.shortfall)
    return (
        f"Suggested: {amount_text(asset, shortfall.even_top_up)}, more than the {total} shortfall, because "
        f"funding is split evenly over the {len(short)} short market makers and {md_escape(worst.name)} is short "
        f"by {amount_text(asset, worst.shortfall)}: each gets that much, so every one of them is covered "
        f"({names})."
    )


# said where a provisioning's question was, when the shortfall it was asked for changed before Confirm
SHORTFALL_MOVED = (
    "The shortfall changed while you were asked to confirm (a deposit or an order elsewhere): nothing was deposited. "
    "The amount is now what covers the new shortfall; Provision asks again."
)
# said under a provisioning refused at Confirm (a market maker deactivated meanwhile), when the shortfall moved too
REFUSED_SHORTFALL_MOVED = "The shortfall has changed too: the amount is now what covers the new one."


def provision_question(plan: ProvisioningPlan, names: dict[int, str]) -> str:
    """The sentence a provisioning is confirmed with, before any money moves: what each market maker receives and
    the total, as core read the amount. Markdown-safe (market maker names are escaped)."""
    total = f"**{amount_text(plan.asset, plan.total_amount)}**"
    if plan.mm_ids is None:
        each = sorted(set(plan.amounts), reverse=True)
        share = " or ".join(amount_text(plan.asset, a) for a in each)
        who = counted(len(plan.amounts), f"new {MM_NOUN[plan.mm_type]}", f"new {MM_PLURAL[plan.mm_type]}")
        return f"Create **{who}** with {total} in all ({share} each)?"
    deposits = listed(
        [
            f"{md_escape(names.get(i, f'market maker {i}'))} {amount_text(plan.asset, a)}"
            for i, a in zip(plan.mm_ids, plan.amounts, strict=True)
        ]
    )  # "A €1, B €1 and C €1", never "A €1 and B €1 and C €1"
    return f"Deposit {total}: {deposits}?"


LISTED_DEPOSITS = 3  # a provisioning of more market makers names its first deposits and counts the rest


def provisioned_text(result: ProvisioningResult) -> str:
    """What a provisioning did, for its toast: its own ticket (the audit log's PROVISION_MARKET_MAKERS) and each
    deposit with the ticket its market maker's ledger row carries, so the ledger is checked by the ticket named.
    Markdown-safe (market maker names are escaped)."""
    mms = result.market_makers
    deposits = ", ".join(
        f"{md_escape(m.name)} {amount_text(result.asset, m.amount)} ({m.deposit_ticket_id})"
        for m in mms[:LISTED_DEPOSITS]
    )
    if len(mms) > LISTED_DEPOSITS:
        deposits += f" and {counted(len(mms) - LISTED_DEPOSITS, 'more deposit')}, each under its own ticket"
    return f"Provisioned {counted(len(mms), 'market maker')} ({result.ticket_id}). On their ledgers: {deposits}"


def level_offsets_text(levels: LiquidityLevels) -> str:
    """The levels' distances from the reference, as configured (``CARBON_LIQUIDITY_LEVELS``): "0.2/0.4/0.5 %"."""
    return "/".join(f"{(offset * 100).normalize():f}" for offset in levels.offsets) + " %"


def spread_caption(preview: LiquidityPreview, levels: LiquidityLevels) -> str:
    """The spread the levels use (``levels``, the configured ones the plan was made with), and the volatility behind
    it. It said "(0.2/0.4/0.5 %)", the defaults, whatever ``CARBON_LIQUIDITY_LEVELS`` set."""
    sigma = "σ n/a (under 10 trades)" if preview.volatility is None else f"σ {percent(preview.volatility * 100, 3)}"
    if preview.spread_multiplier == 1:
        return f"Design spreads ({level_offsets_text(levels)}) · recent trade volatility {sigma}"
    return f"Spreads widened ×{preview.spread_multiplier.normalize():f} for volatility · {sigma}"


def preview_headline(preview: LiquidityPreview) -> list[tuple[str, str]]:
    """The preview's figures. With one side planned there is no spread of its own: it says which side, where "—"
    beside "Spread × 1" read as a spread missing; the widening reads as one ("×1.5")."""
    spread = preview.estimated_spread_pct
    one_side = "BID only" if preview.ask_plan is None else "ASK only"
    return [
        ("Reference price", price(preview.reference_price)),
        ("Orders", f"{preview.total_orders_count:,}"),
        ("Spread", one_side if spread is None else percent(spread, 2)),
        ("Spread widening", f"×{preview.spread_multiplier.normalize():f}"),
    ]


def result_lines(op: LiquidityOperation) -> list[Metric]:
    """What a creation placed, as the result's row of figures: its ticket, its orders, and each side's EUR with its
    target under it. Written "€9,688.08 of €10,000.00" in the figure, the four did not fit a row at 1,440 px and
    "ASK placed" wrapped alone onto a second one."""
    return [
        Metric("Ticket", op.ticket_id),
        Metric("Orders created", f"{op.orders_count:,}"),
        placed_metric("BID placed", op.actual_bid_liquidity_eur, op.target_bid_liquidity_eur),
        placed_metric("ASK placed", op.actual_ask_liquidity_eur, op.target_ask_liquidity_eur),
    ]


def placed_metric(label: str, actual: Decimal, target: Decimal) -> Metric:
    """What a side placed, its target under it; "Not requested" (as the preview says) for a side without one."""
    if target == 0:
        return Metric(label, "Not requested")
    return Metric(label, eur(actual), note=f"of {eur(target)} target")


def operations_frame(operations: Sequence[LiquidityOperation]) -> pd.DataFrame:
    rows = [
        {
            "time": op.created_at,
            "ticket": op.ticket_id,
            "certificate": op.certificate_type.value,
            "bid": op.actual_bid_liquidity_eur,
            "ask": op.actual_ask_liquidity_eur,
            "orders": op.orders_count,
            "reference": price(op.reference_price),  # as prices read everywhere: €14.00, not €14.0000
            "source": labels.price_source(op.price_source),
        }
        for op in operations
    ]
    return pd.DataFrame(rows, columns=["time", "ticket", "certificate", "bid", "ask", "orders", "reference", "source"])


def operations_column_config() -> dict[str, Any]:
    return {
        "time": st.column_config.DatetimeColumn("Time (UTC)", format="YYYY-MM-DD HH:mm:ss", timezone="UTC"),
        "ticket": st.column_config.TextColumn("Ticket"),
        "certificate": st.column_config.TextColumn("Certificate", width="small"),
        "bid": st.column_config.NumberColumn("BID placed", format="euro", step=0.01),
        "ask": st.column_config.NumberColumn("ASK placed", format="euro", step=0.01),
        "orders": st.column_config.NumberColumn("Orders", format="%d", width="small"),
        "reference": st.column_config.TextColumn("Reference"),
        "source": st.column_config.TextColumn("Price source"),
    }
