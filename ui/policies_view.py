"""Rendering helpers for the Liquidity Policies page: statuses and runs in, words, tables and figures out.

Display only: amounts stay Decimal and are never fed back into a calculation. A run's reason can carry text a
person typed (a pause reason), so markdown callers escape it (``ui.format.md_escape``).
"""

import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.config import LiquidityLevels
from core.liquidity_policies import (
    AGE_MINUTES,
    DEFAULT_INTERVAL_SECONDS,
    INTERVAL,
    POLICY_LABELS,
    RUNS_ON,
    TARGETS_FIELD,
    save_policy,
)
from core.policy_models import KILL_SWITCH_ACTIONS, KillSwitch, LiquidityPolicy, PolicyRun, PolicyStatus, SavedPolicy
from core.policy_rules import target_share
from core.wording import counted
from ui import labels
from ui.charts import ASK_COLOR, BID_COLOR
from ui.downloads import csv_bytes
from ui.format import NO_VALUE, eur, md_escape, percent, price, utc_time
from ui.liquidity_view import level_offsets_text

ACTION_LABEL = {
    "placed": "Placed",
    "refreshed": "Refreshed",
    "topped_up": "Topped up",
    "none": "No change",
    "skipped": "Skipped",
    "kill_switch": "Withdrawn by the kill switch",
    "resumed": "Liquidity resumed",
}
ACTION_COLOR = {
    "placed": "green",
    "refreshed": "blue",
    "topped_up": "violet",
    "none": "gray",
    "skipped": "orange",
    "kill_switch": "red",
    "resumed": "primary",
}


@dataclass(frozen=True)
class PolicyField:
    """A typed field of the policy form: its widget key's tail, the ``save_policy`` parameter it fills (core names
    each fault by it), and its label, ``POLICY_LABELS[param]`` (the name core's refusals give it), short enough for
    one line beside its neighbours (the detail is in ``help``), so the inputs of a row line up."""

    name: str
    param: str
    label: str
    help: str | None = None
    placeholder: str | None = None


BID = PolicyField(
    "bid",
    "bid_depth_eur",
    POLICY_LABELS["bid_depth_eur"],
    "EUR of buy orders the liquidity providers keep resting, at the liquidity levels below the reference; 0 for no BID",
)
ASK = PolicyField(
    "ask",
    "ask_depth_eur",
    POLICY_LABELS["ask_depth_eur"],
    "EUR value of the certificates the asset holders keep offered, at the liquidity levels above the reference; 0 "
    "for no ASK",
)
TOLERANCE = PolicyField(
    "tolerance",
    "refresh_tolerance_pct",
    POLICY_LABELS["refresh_tolerance_pct"],
    "Refresh tolerance: replace every order when the reference moves more than this from the one they were placed at",
)
TOP_UP = PolicyField(
    "top_up",
    "top_up_below_pct",
    POLICY_LABELS["top_up_below_pct"],
    "Replace a side once what rests of it falls below this share of a full plan: its target as whole certificates "
    "at every liquidity level can rest it",
)
AGE = PolicyField(
    "age",
    "max_order_age_minutes",
    POLICY_LABELS["max_order_age_minutes"],
    "Maximum order age: replace every order once the oldest has rested this many minutes "
    f"({AGE_MINUTES[0]:,} to {AGE_MINUTES[1]:,}: a week)",
)
FLOOR = PolicyField(
    "floor",
    "price_floor",
    POLICY_LABELS["price_floor"],
    "Optional: while the reference is below it, runs withdraw the policy's orders and place none",
    placeholder="none",
)
CEILING = PolicyField(
    "ceiling",
    "price_ceiling",
    POLICY_LABELS["price_ceiling"],
    "Optional: while the reference is above it, runs withdraw the policy's orders and place none",
    placeholder="none",
)
INTERVAL_FIELD = PolicyField(
    "interval",
    "interval_seconds",
    POLICY_LABELS["interval_seconds"],
    f"How often the worker runs the policy ({INTERVAL[0]:,} to {INTERVAL[1]:,}: a day)",
)
CRON = PolicyField(
    "cron",
    "cron",
    POLICY_LABELS["cron"],
    "Five fields: minute hour day-of-month month day-of-week, in UTC. */5 7-18 * * 1-5 runs every five minutes "
    "from 07:00 to 18:55, Monday to Friday",
    placeholder="*/5 7-18 * * 1-5",
)
# a policy runs on one schedule: the form asks which (save_policy's runs_on), then shows that one's field alone
RUNS_ON_LABEL = "Runs"
RUNS_ON_OPTIONS = dict(zip(RUNS_ON, ("Every N seconds", "On a cron (UTC)"), strict=True))
SCHEDULE_FIELDS = dict(zip(RUNS_ON, (INTERVAL_FIELD, CRON), strict=True))
TARGET_ROW = (BID, ASK)
POLICY_FORM_ROWS = (TARGET_ROW, (TOLERANCE, TOP_UP, AGE), (FLOOR, CEILING))
# the refusals of a row's fields together (core names them so), said once under the row
PAIR_ROWS = {TARGETS_FIELD: TARGET_ROW}
NOTES_FIELD = PolicyField("notes", "notes", POLICY_LABELS["notes"])
POLICY_TEXT_FIELDS = (*(field for row in POLICY_FORM_ROWS for field in row), *SCHEDULE_FIELDS.values(), NOTES_FIELD)
_NEW_POLICY = inspect.signature(save_policy).parameters  # a new policy's values: save_policy's defaults
# what save_policy uses for a parameter not given (None), shown in a new policy's field
_NEW_POLICY_SHOWN = {"interval_seconds": DEFAULT_INTERVAL_SECONDS}


def policy_text(policy: LiquidityPolicy | None, param: str) -> str:
    """What a field of the form shows: the policy's value, or save_policy's default for a new policy ("" for
    none); a percentage without trailing zeros (0.5, not 0.500), an amount in cents as stored."""
    value = getattr(policy, param) if policy else _NEW_POLICY_SHOWN.get(param, _NEW_POLICY[param].default)
    if value is None or value is inspect.Parameter.empty:
        return ""
    return f"{value.normalize():f}" if param.endswith("_pct") else str(value)


def form_values(policy: LiquidityPolicy | None) -> dict[str, object]:
    """The policy form's widgets (by their key's tail) as the policy has them, or as a new policy starts."""
    values: dict[str, object] = {field.name: policy_text(policy, field.param) for field in POLICY_TEXT_FIELDS}
    values["runs"] = runs_on(policy)
    if policy and policy.cron:  # a policy on a cron has no interval: choosing one offers a new policy's
        values[INTERVAL_FIELD.name] = policy_text(None, INTERVAL_FIELD.param)
    values["dynamic"] = policy.dynamic_spread if policy else _NEW_POLICY["dynamic_spread"].default
    values["enabled"] = policy.enabled or policy.paused if policy else _NEW_POLICY["enabled"].default
    return values


def form_fields(runs: str) -> tuple[PolicyField, ...]:
    """The typed fields the form shows, and sends, while it runs on ``runs`` (``RUNS_ON``): the schedule's field of
    that kind alone, then the rest, in the form's order."""
    return (SCHEDULE_FIELDS[runs], *(field for row in POLICY_FORM_ROWS for field in row), NOTES_FIELD)


def runs_on(policy: LiquidityPolicy | None) -> str:
    """The schedule ``policy`` runs on (``RUNS_ON``): its cron when it has one, else its interval (a new policy's)."""
    return "cron" if policy and policy.cron else "interval"


def saved_text(saved: SavedPolicy, switch: KillSwitch) -> str:
    """The toast after a save: whether the policy now runs, or what keeps it from running (a new policy starts
    disabled, so a save that leaves it off must say so, not read as if it were placing orders). Disabled with
    orders in the book, it says they stay there unmaintained, and how to take them out: the toast said only
    "disabled" while 15 orders went on resting, and going stale, beside a card reading "Disabled"."""
    cert = saved.certificate_type.value
    if not saved.enabled and saved.resting_orders:
        stay = counted(saved.resting_orders, "of its orders rests", "of its orders rest")
        return (
            f"{cert} policy saved, disabled: {stay} in the book, no longer refreshed or topped up. Withdraw them "
            "on Operations, or turn on Enabled to maintain them again"
        )
    if not saved.enabled:
        return f"{cert} policy saved, disabled: turn on Enabled to start it"
    if switch.paused:
        return f"{cert} policy saved and enabled: it starts when liquidity is resumed (all liquidity is paused)"
    return f"{cert} policy saved and running: its runs act as you from now on"


def state_badge(policy: LiquidityPolicy | None, switch: KillSwitch) -> tuple[str, str]:
    """(label, colour) of a book's policy: running, disabled, paused by the kill switch, or none yet."""
    if policy is None:
        return "No policy", "gray"
    if switch.paused:
        return "Paused", "red"
    return ("Running", "green") if policy.enabled else ("Disabled", "gray")


def share_text(resting: Decimal, target: Decimal) -> str:
    """Resting value as a share of the side's target, said as one ("98 % of the €10,000.00 target"), measured as a
    run's reason measures it (``core.policy_rules.target_share``): the card read "97 % of €10,000.00" above a
    last run reading "100 % of a full plan", two bases side by side."""
    return "not maintained" if target == 0 else f"{target_share(resting, target)} of the {eur(target)} target"


def spread_help(levels: LiquidityLevels) -> str:
    """The Spread tile's help: the offsets ``levels`` place at (the configured ones), and how volatility widens them.
    It said "(0.2/0.4/0.5 %)", the defaults, whatever ``CARBON_LIQUIDITY_LEVELS`` set."""
    return f"The level offsets ({level_offsets_text(levels)}) times clamp(σ / σ_ref, 1, max), when dynamic spread is on"


def sigma_text(sigma: Decimal | None, dynamic: bool) -> str:
    """σ of recent trades, and whether it widens this policy's spreads."""
    measured = "σ n/a: under 10 trades" if sigma is None else f"σ {percent(sigma * 100, 3)}"
    return measured if dynamic else f"{measured} · not applied"


def empty_sides(run: PolicyRun) -> list[str]:
    """The sides a run left with nothing resting though their target is above zero."""
    return [
        side
        for side, target, resting in (
            ("BID", run.bid_target_eur, run.bid_resting_eur),
            ("ASK", run.ask_target_eur, run.ask_resting_eur),
        )
        if target > 0 and resting == 0
    ]


def run_outcome(run: PolicyRun) -> tuple[str, str]:
    """A run's label and colour, and the side it left empty: a run that placed the ASK while its BID market makers
    were short read as a green "Placed", and runs after it as a grey "No change", with the BID at nothing."""
    label, color = ACTION_LABEL[run.action], ACTION_COLOR[run.action]
    empty = empty_sides(run)
    if not empty or run.action in ("skipped", *KILL_SWITCH_ACTIONS):  # emptied on purpose, and the label says why
        return label, color
    return f"{label} · {' and '.join(empty)} empty", "orange"


def run_now_text(run: PolicyRun) -> str:
    """What Run now says it did: the run's outcome, then its reason, each thing once. The reason says why and what
    rests now (never the action again, ``core.policy_rules``), and names a side it left empty with why ("BID short
    by …"), so the label says "· BID empty" only of a side the reason does not name."""
    unsaid = [side for side in empty_sides(run) if not re.search(rf"\b{side}\b", run.reason)]
    label = ACTION_LABEL[run.action]
    if unsaid and run.action != "skipped":
        label += f" · {' and '.join(unsaid)} empty"
    return f"{run.certificate_type.value} policy run: {label}. {run.reason}"


def reference_text(run: PolicyRun | None) -> tuple[str, str | None]:
    """The last run's reference price, and where it came from; with none, why (a bare dash beside a book that has
    prices read as if the policy could not price it)."""
    if run is None:
        return NO_VALUE, "no run yet"
    if run.action == "kill_switch":  # it priced nothing: "none at the last run" read as if the book had no price
        return NO_VALUE, "orders withdrawn by the kill switch"
    if run.action == "resumed":
        return NO_VALUE, "no run since liquidity resumed"
    if run.reference_price is None:
        return NO_VALUE, "none at the last run"
    return price(run.reference_price), labels.price_source(run.price_source or "mid").lower()


def idle_reason(policy: LiquidityPolicy, switch: KillSwitch, *, admin: bool = True) -> str | None:
    """Why the book's policy does not run now, and what runs it again; None while it runs. These are a run's first
    two rules (``core.policy_rules.decide`` skips it, in this order), said before a run records that it skipped:
    Run now is greyed with this as its help, and the next run says it. To an analyst (``admin`` False), who has
    neither Resume nor Enabled, who can start it: it told them to "turn on Enabled and save"."""
    if switch.paused:
        return (
            "Liquidity is paused: resume liquidity to run it"
            if admin
            else "Liquidity is paused until an admin resumes it"
        )
    if not policy.enabled:
        return (
            "This policy is disabled: turn on Enabled and save to run it"
            if admin
            else "This policy is disabled until an admin turns it on"
        )
    return None


def due_text(status: PolicyStatus, now: datetime, switch: KillSwitch, *, admin: bool = True) -> str:
    if status.schedule_never_comes:
        return f"never: cron '{status.policy.cron}' never comes (no month has that day); save a schedule that does"
    if status.next_due_at is None:
        why = idle_reason(status.policy, switch, admin=admin)
        return "not scheduled" if why is None else f"none. {why}"  # it said "paused or disabled", whichever it was
    seconds = (status.next_due_at - now).total_seconds()
    due = status.next_due_at.astimezone(UTC)
    # the day too when it is not today's: a weekly cron read "07:00:00 UTC (in 486000 s)", as if today
    when = f"{due:%H:%M:%S} UTC" if due.date() == now.astimezone(UTC).date() else f"{due:%Y-%m-%d %H:%M:%S} UTC"
    due_at = f"{when} (due now)" if seconds <= 0 else f"{when} (in {wait_text(int(seconds))})"
    if status.worker_running:
        return due_at
    # it read "(due now)" for as long as no worker ran, and no run came
    # a worker stopped cleanly leaves no trace: when it was last heard from is known only of one that went silent
    seen = "" if status.worker_seen_at is None else f" (last heard from at {utc_time(status.worker_seen_at)} UTC)"
    return f"{due_at}, but no job worker is running{seen}: the policy runs on its schedule only while one does"


def wait_text(seconds: int) -> str:
    """How long until a run, as a person reads it: "45 s", "52 min", "5 h 3 min", "6 days"."""
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min" if minutes % 60 else f"{hours} h"
    return f"{hours // 24} days"


def resume_line(policy: LiquidityPolicy) -> str:
    """What resuming liquidity restarts in ``policy``'s book, as one markdown line: its targets per side and
    how often it runs (its first run places afresh)."""
    when = f"on cron '{md_escape(policy.cron)}' (UTC)" if policy.cron else f"every {policy.interval_seconds} s"
    return (
        f"**{policy.certificate_type.value}**: bids {eur(policy.bid_depth_eur)} and asks "
        f"{eur(policy.ask_depth_eur)}, {when}, acting as {md_escape(policy.updated_by_username)}"
    )


def schedule_text(policy: LiquidityPolicy) -> str:
    # "Runs on cron '…'": it read "Runs cron '*/2 * * * *' (UTC)"
    schedule = f"on cron '{policy.cron}' (UTC)" if policy.cron else f"every {policy.interval_seconds} s"
    floor, ceiling = policy.price_floor, policy.price_ceiling
    band = (
        f" · quotes only between {eur(floor)} and {eur(ceiling)}"
        if floor and ceiling
        else f" · quotes only from {eur(floor)}"
        if floor
        else f" · quotes only up to {eur(ceiling)}"
        if ceiling
        else ""
    )
    return (
        f"Runs {schedule} · refresh beyond {percent(policy.refresh_tolerance_pct.normalize())} or after "
        f"{policy.max_order_age_minutes} min · top up below {percent(policy.top_up_below_pct.normalize())}{band} · "
        f"acts as {policy.updated_by_username}"
    )


def runs_frame(runs: Sequence[PolicyRun]) -> pd.DataFrame:
    """One row per run, newest first, with exact values (the CSV) and readable words."""
    rows = [
        {
            "time": utc_time(r.created_at),
            "book": r.certificate_type.value,
            "action": run_outcome(r)[0],
            "reason": r.reason,
            "placed": r.placed_orders,
            "withdrawn": r.withdrawn_orders,
            "reference": r.reference_price,
            "source": labels.price_source(r.price_source),
            "multiplier": r.spread_multiplier,
            "sigma_pct": None if r.volatility is None else r.volatility * 100,
            "bid_resting": r.bid_resting_eur,
            "bid_target": r.bid_target_eur,
            "ask_resting": r.ask_resting_eur,
            "ask_target": r.ask_target_eur,
            "operation": r.operation_id,
        }
        for r in runs
    ]
    frame = pd.DataFrame(rows, columns=list(RUN_COLUMNS))
    return frame.astype({"operation": "Int64"})  # an id, never 5.0 beside a skipped run's missing one


RUN_COLUMNS = {
    "time": "Time (UTC)",
    "book": "Book",
    "action": "Action",
    "reason": "Reason",
    "placed": "Orders placed",
    "withdrawn": "Orders withdrawn",
    "reference": "Reference",
    "source": "Reference from",
    "multiplier": "Spread ×",
    "sigma_pct": "σ %",
    "bid_resting": "BID resting",
    "bid_target": "BID target",
    "ask_resting": "ASK resting",
    "ask_target": "ASK target",
    "operation": "Operation id",
}


# a run's reason is a sentence or three: rows tall enough for four lines, which the grid wraps a text column into
# (in one line it was cut at the column's edge, at 1,280 px and at 1,920 alike)
RUNS_ROW_PX = 78
REASON_COLUMN_PX = 480  # four lines of ~75 characters: the longest reasons, both sides short, fit
# an action's label in two lines at most, never a word cut: "small" wrapped "Withdrawn by the kill switch" into four
# lines, "Withdraw" / "n by the" among them
ACTION_COLUMN_PX = 130


def runs_column_config() -> dict[str, Any]:
    money = {"format": "euro", "step": 0.01}
    return {
        "time": st.column_config.TextColumn(RUN_COLUMNS["time"]),  # first, not pinned (ui.grids: it would be faded)
        "book": st.column_config.TextColumn(RUN_COLUMNS["book"], width="small"),
        "action": st.column_config.TextColumn(RUN_COLUMNS["action"], width=ACTION_COLUMN_PX),
        "reason": st.column_config.TextColumn(RUN_COLUMNS["reason"], width=REASON_COLUMN_PX),
        "placed": st.column_config.NumberColumn(RUN_COLUMNS["placed"], format="%d"),
        "withdrawn": st.column_config.NumberColumn(RUN_COLUMNS["withdrawn"], format="%d"),
        "reference": st.column_config.TextColumn(RUN_COLUMNS["reference"], alignment="right"),  # ui.format.price
        "source": st.column_config.TextColumn(RUN_COLUMNS["source"]),
        "multiplier": st.column_config.NumberColumn(RUN_COLUMNS["multiplier"], format="%.2f"),
        "sigma_pct": st.column_config.NumberColumn(RUN_COLUMNS["sigma_pct"], format="%.3f"),
        "bid_resting": st.column_config.NumberColumn(RUN_COLUMNS["bid_resting"], **money),
        "bid_target": st.column_config.NumberColumn(RUN_COLUMNS["bid_target"], **money),
        "ask_resting": st.column_config.NumberColumn(RUN_COLUMNS["ask_resting"], **money),
        "ask_target": st.column_config.NumberColumn(RUN_COLUMNS["ask_target"], **money),
        "operation": None,
    }


def runs_csv(runs: Sequence[PolicyRun]) -> bytes:
    """The runs as the table shows them: EUR to the cent, the reference price as the screen writes it (81.00, not
    its stored 81.0000)."""
    money = [RUN_COLUMNS[c] for c in ("bid_resting", "bid_target", "ask_resting", "ask_target")]
    return csv_bytes(runs_frame(runs).rename(columns=RUN_COLUMNS), money=money, prices=[RUN_COLUMNS["reference"]])


MIN_DEPTH_SPAN = timedelta(minutes=5)  # the least time the depth history shows


def depth_history_figure(runs: Sequence[PolicyRun], now: PolicyStatus | None = None, height: int = 260) -> go.Figure:
    """Resting depth per side against its target (dashed), oldest to newest. Each run adds two points at its time,
    what rested when it began and once it was done, so a side traders took and the run refilled shows as a dip
    and a jump. ``now`` ends both at the present, as the card shows it: what a pause withdrew, or traders took,
    since the last run shows there, and one run is a line to now rather than a point on a millisecond axis."""
    ordered = sorted(runs, key=lambda r: (r.created_at, r.id))
    times = [t for r in ordered for t in (r.created_at, r.created_at)]
    bid_points = [v for r in ordered for v in (r.bid_resting_before_eur, r.bid_resting_eur)]
    ask_points = [v for r in ordered for v in (r.ask_resting_before_eur, r.ask_resting_eur)]
    target_times = [r.created_at for r in ordered]
    bid_targets, ask_targets = [r.bid_target_eur for r in ordered], [r.ask_target_eur for r in ordered]
    if now is not None:
        at = datetime.now(UTC)
        times, target_times = [*times, at], [*target_times, at]
        bid_points, ask_points = [*bid_points, now.bid_resting_eur], [*ask_points, now.ask_resting_eur]
        bid_targets = [*bid_targets, now.policy.bid_depth_eur]
        ask_targets = [*ask_targets, now.policy.ask_depth_eur]
    fig = go.Figure()
    for side, color, before_after, target in (
        ("BID", BID_COLOR, bid_points, bid_targets),
        ("ASK", ASK_COLOR, ask_points, ask_targets),
    ):
        fig.add_trace(
            go.Scatter(
                x=times,
                y=[float(v) for v in before_after],
                name=f"{side} resting",
                mode="lines",
                # known at the runs' times only: a step (held, then changed), never a slope that reads as a gradual
                # decline where a pause withdrew everything at once
                line={"shape": "hv", "color": color, "width": 2},
                hovertemplate=f"%{{x|%H:%M:%S}}<br>€%{{y:,.2f}}<extra>{side} resting</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=target_times,
                y=[float(v) for v in target],
                name=f"{side} target",
                mode="lines",
                line={"shape": "hv", "color": color, "width": 1, "dash": "dash"},
                hovertemplate=f"€%{{y:,.2f}}<extra>{side} target</extra>",
            )
        )
    # a first run moments ago spans a second or two: plotly then ticked every 200 ms ("10:15:03.4"); at least a few
    # minutes are shown, ending with the last point
    xaxis: dict[str, object] = {"title": None}
    if times and max(times) - min(times) < MIN_DEPTH_SPAN:
        xaxis["range"] = [max(times) - MIN_DEPTH_SPAN, max(times)]
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        yaxis={"title": "EUR", "rangemode": "tozero"},
        xaxis=xaxis,
    )
    return fig
