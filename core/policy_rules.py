"""What one run of a liquidity policy does: a pure decision from what the run read under its locks.

The rules, in order (each tested in tests/integration/test_liquidity_policies.py):
1. skip while liquidity is paused or the policy is disabled;
2. the reference is the mid of the book without the policy's own orders, else the last trade, else the previous
   run's reference, else the configured default (the policy never chases its own quotes);
3. outside the price band: withdraw what rests and skip;
4. nothing resting: place the full plan;
5. refresh (withdraw all, place afresh around the new reference) when the reference moved more than the
   tolerance from the one the resting orders were placed around, an order is older than the maximum age, or the
   policy was saved since they were placed;
6. top up a side whose resting value fell below its top-up level, ``top_up_below_pct`` % of what a full plan of
   that side rests (its target in whole certificates, at the reference and spread its orders were placed with), by
   replacing that side;
7. otherwise nothing.
A side is planned by the planner's own rule (``core.planning.plan_side``): spread evenly over the largest set of
its market makers that can each fund an even share, so one whose holdings fills used up is left out, named in the
reason, and the side is still quoted over the others. A side not even its richest market maker can fund, or that
would trade at once (post-only), is left out and named in the reason with its shortfall; the other side is still
maintained. Planning counts what the run's own withdrawals
give back, so replacing a side never needs more than the market makers hold.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from core.config import LiquidityLevels
from core.enums import AssetType, OrderSide
from core.errors import ValidationError
from core.liquidity_models import FundedMarketMaker, PriceSource, SidePlan, SideRole
from core.planning import (
    REFERENCE_QUANTUM,
    SIDE_LABEL,
    crossing_problems,
    level_prices,
    plan_side,
    shortfall_of,
    smallest_target,
)
from core.policy_models import KillSwitch, LiquidityPolicy, PolicyAction
from core.wording import amount_text, counted, eur, listed, percent

SIDES = (OrderSide.BUY, OrderSide.SELL)
NAMED_LEFT_OUT = 3  # a run's reason names this many market makers a plan leaves out, and counts the rest


@dataclass(frozen=True)
class OwnOrder:
    """One of the policy's resting orders (liquidity_policy_orders)."""

    id: int
    side: OrderSide
    price: Decimal
    resting_eur: Decimal
    locked_amount: Decimal
    market_maker_id: int
    created_at: datetime
    placed_reference: Decimal
    placed_price_source: PriceSource
    placed_spread_multiplier: Decimal
    placed_at: datetime


@dataclass(frozen=True)
class RunInputs:
    """Everything a run decides from, read under its locks."""

    policy: LiquidityPolicy
    kill_switch: KillSwitch
    now: datetime
    own: Sequence[OwnOrder]
    others_best_bid: Decimal | None  # the book without the policy's own orders
    others_best_ask: Decimal | None
    last_price: Decimal | None
    previous_reference: Decimal | None
    default_price: Decimal
    market_makers: Sequence[FundedMarketMaker]  # active, of both sides, available as it is now
    roles: Mapping[OrderSide, SideRole]  # who serves each side and what they lock (SQL's rule)
    volatility: Decimal | None
    spread_multiplier: Decimal  # for a full placement (1 unless the policy's spread is dynamic)
    levels: LiquidityLevels
    tick: Decimal


@dataclass
class Decision:
    action: PolicyAction
    reason: str
    reference: Decimal | None = None  # the run's reference (rule 2)
    price_source: PriceSource | None = None
    spread_multiplier: Decimal = Decimal(1)  # what the plans' offsets were widened by
    withdraw: list[int] = field(default_factory=list)
    plans: dict[OrderSide, SidePlan] = field(default_factory=dict)
    # what the plans are centred on, when not the run's reference (a top-up keeps the resting quote's)
    placed_around: tuple[Decimal, PriceSource] | None = None


def choose_policy_reference(inputs: RunInputs) -> tuple[Decimal, PriceSource]:
    if inputs.others_best_bid is not None and inputs.others_best_ask is not None:
        return ((inputs.others_best_bid + inputs.others_best_ask) / 2).quantize(REFERENCE_QUANTUM), "mid"
    if inputs.last_price is not None:
        return inputs.last_price.quantize(REFERENCE_QUANTUM), "last_trade"
    if inputs.previous_reference is not None:
        return inputs.previous_reference.quantize(REFERENCE_QUANTUM), "previous_run"
    return inputs.default_price.quantize(REFERENCE_QUANTUM), "default"


def band_bound_crossed(policy: LiquidityPolicy, reference: Decimal) -> str | None:
    """The bound of the policy's price band ``reference`` lies beyond ("price_floor" or "price_ceiling"), None
    inside it: the band's one test, for a run (which then withdraws and places nothing) and for a save's warning."""
    if policy.price_floor is not None and reference < policy.price_floor:
        return "price_floor"
    if policy.price_ceiling is not None and reference > policy.price_ceiling:
        return "price_ceiling"
    return None


def band_warning(inputs: RunInputs) -> dict[str, str]:
    """Under the bound the reference a run would use now lies beyond: what the runs will do while it does (a band
    that leaves the market out was saved and started unsaid, and its first run skipped). A warning, not a
    refusal: a band may be set ahead of a price it waits for."""
    reference, source = choose_policy_reference(inputs)
    bound = band_bound_crossed(inputs.policy, reference)
    if bound is None:
        return {}
    where = "below this floor" if bound == "price_floor" else "above this ceiling"
    return {
        bound: f"The reference now, {eur(reference)} ({source.replace('_', ' ')}), is {where}: runs withdraw the "
        "policy's orders and place none while it is"
    }


def side_target(policy: LiquidityPolicy, side: OrderSide) -> Decimal:
    return policy.bid_depth_eur if side is OrderSide.BUY else policy.ask_depth_eur


@dataclass(frozen=True)
class SideOutcome:
    plan: SidePlan | None  # None: it cannot be placed
    problem: str | None  # why not, as a sentence part ("ASK short by 701 CEA …")
    target_value: Decimal | None  # what a full plan of the side rests (None when it cannot be planned)


def _side_market_makers(inputs: RunInputs, side: OrderSide, freed: dict[int, Decimal]) -> list[FundedMarketMaker]:
    """The market makers a plan of ``side`` is split over, with what the run's withdrawals give back (``freed``)."""
    role = inputs.roles[side]
    mms = [
        m.model_copy(update={"available": m.available + freed.get(m.id, Decimal(0))})
        for m in inputs.market_makers
        if m.mm_type is role.mm_type
    ]
    if role.asset is not AssetType.EUR:
        mms = [m for m in mms if m.available > 0]  # one with none of this certificate serves no book of it
    return mms


def plan_for_side(
    inputs: RunInputs, side: OrderSide, reference: Decimal, multiplier: Decimal, freed: dict[int, Decimal]
) -> SideOutcome:
    """The side's plan at ``reference`` with the market makers' holdings after the run's withdrawals (``freed``
    per market maker), or why it cannot be placed."""
    role = inputs.roles[side]
    mms = _side_market_makers(inputs, side, freed)
    try:
        plan = plan_side(role, reference, side_target(inputs.policy, side), mms, inputs.levels, inputs.tick, multiplier)
    except ValidationError as exc:
        return SideOutcome(None, f"{SIDE_LABEL[side]} not placed: {exc.message}", None)
    if (short := shortfall_of(plan)) is not None:
        who = (
            "no active market maker can serve it"
            if short.no_market_makers
            else (
                f"{counted(n := len(short.market_makers), 'market maker')} {'holds' if n == 1 else 'hold'} "
                f"{amount_text(short.asset, short.available)} "
                f"of the {amount_text(short.asset, short.required)} {'it needs' if n == 1 else 'they need'}"
            )
        )
        return SideOutcome(
            None, f"{SIDE_LABEL[side]} short by {amount_text(short.asset, short.shortfall)} ({who})", plan.total_eur
        )
    return SideOutcome(plan, None, plan.total_eur)


def _post_only(plan: SidePlan, best_bid: Decimal | None, best_ask: Decimal | None) -> str | None:
    bids, asks = (plan.level_prices, ()) if plan.side is OrderSide.BUY else ((), plan.level_prices)
    problems = crossing_problems(bids, asks, best_bid, best_ask)
    return f"{SIDE_LABEL[plan.side]} not placed: {problems[0]}" if problems else None


def _freed(orders: Sequence[OwnOrder]) -> dict[int, Decimal]:
    freed: dict[int, Decimal] = {}
    for o in orders:
        freed[o.market_maker_id] = freed.get(o.market_maker_id, Decimal(0)) + o.locked_amount
    return freed


def _best(own_left: Sequence[OwnOrder], inputs: RunInputs) -> tuple[Decimal | None, Decimal | None]:
    """The book's best bid and ask once the run's withdrawals are gone: others' orders and what stays of its own."""
    bids = [p for p in (inputs.others_best_bid, *(o.price for o in own_left if o.side is OrderSide.BUY)) if p]
    asks = [p for p in (inputs.others_best_ask, *(o.price for o in own_left if o.side is OrderSide.SELL)) if p]
    return max(bids, default=None), min(asks, default=None)


def _place(
    inputs: RunInputs, sides: Sequence[OrderSide], reference: Decimal, multiplier: Decimal, withdrawn: set[int]
) -> tuple[dict[OrderSide, SidePlan], list[str]]:
    """Plans for ``sides`` once the ``withdrawn`` orders are gone, and why any of them cannot be placed."""
    best_bid, best_ask = _best([o for o in inputs.own if o.id not in withdrawn], inputs)
    plans: dict[OrderSide, SidePlan] = {}
    problems: list[str] = []
    for side in sides:
        freed = _freed([o for o in inputs.own if o.id in withdrawn and o.side is side])
        outcome = plan_for_side(inputs, side, reference, multiplier, freed)
        problem = outcome.problem or (_post_only(outcome.plan, best_bid, best_ask) if outcome.plan else None)
        if problem is not None:
            problems.append(problem)
        elif outcome.plan is not None:
            plans[side] = outcome.plan
    return plans, problems


def _maintained(policy: LiquidityPolicy) -> list[OrderSide]:
    return [side for side in SIDES if side_target(policy, side) > 0]


def _placed_text(plans: dict[OrderSide, SidePlan], reference: Decimal, source: PriceSource) -> str:
    """What a run put on the book, without the verb (the run's action says it: "Placed", "Refreshed"): "BID €9,849.58
    and ASK €7,882.69 around €81.00 (mid)", and who each side left out, said once for all of them."""
    sides = " and ".join(f"{SIDE_LABEL[s]} {eur(p.total_eur)}" for s, p in sorted(plans.items()))
    placed = f"{sides} around {eur(reference)} ({source.replace('_', ' ')})"
    short = [(s, p) for s, p in sorted(plans.items()) if p.left_out]
    left = [m for _, p in short for m in p.left_out]
    if not left:
        return placed
    named = [f"{m.name} ({amount_text(m.asset, m.available)})" for m in left[:NAMED_LEFT_OUT]]
    if len(left) > NAMED_LEFT_OUT:
        named.append(f"{len(left) - NAMED_LEFT_OUT} more")
    shares = {s: amount_text(p.left_out[0].asset, p.left_out[0].required) for s, p in short}  # one share per side
    if len(shares) == 1:
        share = f"of {next(iter(shares.values()))}"
    else:
        share = "(" + ", ".join(f"{SIDE_LABEL[s]} {a}" for s, a in shares.items()) + ")"
    each = "each holding" if len(left) > 1 else "holding"
    return f"{placed}, leaving out {listed(named)}, {each} less than an even share {share}"


def _outcome(
    inputs: RunInputs,
    action: PolicyAction,
    why: str,
    reference: Decimal,
    source: PriceSource,
    multiplier: Decimal,
    withdraw: list[int],
    sides: Sequence[OrderSide],
) -> Decision:
    """Place ``sides`` (after withdrawing ``withdraw``); ``action`` if anything is placed, else "skipped". The reason
    says why and what rests now, never the action again (the run's label says it: "Refreshed. Refreshed: …" read
    twice)."""
    plans, problems = _place(inputs, sides, reference, multiplier, set(withdraw))
    if plans:
        placed = _placed_text(plans, reference, source)
        replaced = f"replaced {counted(len(withdraw), 'order')} with " if withdraw else ""
        reason = f"{why}: {replaced}{placed}"
    else:
        action = "skipped"
        reason = f"{why}: withdrew {counted(len(withdraw), 'order')}" if withdraw else why
    if problems:
        reason += ". " + "; ".join(problems)
    return Decision(action, reason + ".", reference, source, multiplier, withdraw, plans)


def refresh_reasons(inputs: RunInputs, reference: Decimal) -> list[str]:
    """Why the resting orders must be replaced as a whole, if they must."""
    policy, own = inputs.policy, inputs.own
    newest = max(own, key=lambda o: o.placed_at)
    reasons = []
    moved = abs(reference - newest.placed_reference) / newest.placed_reference * 100
    if moved > policy.refresh_tolerance_pct:
        reasons.append(
            f"the reference moved {moved:.2f} % (from {eur(newest.placed_reference)} to {eur(reference)}), "
            f"more than the {percent(policy.refresh_tolerance_pct.normalize())} tolerance"
        )
    oldest = min(o.created_at for o in own)
    if inputs.now - oldest > timedelta(minutes=policy.max_order_age_minutes):
        reasons.append(f"an order rested longer than {policy.max_order_age_minutes} minutes")
    if policy.updated_at > min(o.placed_at for o in own):
        reasons.append("the policy was saved after its orders were placed")
    return reasons


def decide(inputs: RunInputs) -> Decision:
    policy, own = inputs.policy, inputs.own
    if inputs.kill_switch.paused:
        return Decision("skipped", f"Liquidity is paused: {inputs.kill_switch.reason}".rstrip(".") + ".")
    if not policy.enabled:
        return Decision("skipped", "The policy is disabled.")
    reference, source = choose_policy_reference(inputs)
    all_own = [o.id for o in own]
    multiplier = inputs.spread_multiplier

    floor, ceiling = policy.price_floor, policy.price_ceiling
    if band_bound_crossed(policy, reference) is not None:
        if floor is not None and ceiling is not None:
            band = f"{eur(floor)} to {eur(ceiling)}"
        else:
            band = f"from {eur(floor)}" if floor is not None else f"up to {eur(ceiling)}"  # type: ignore[arg-type]
        withdrew = f"withdrew {counted(len(all_own), 'resting order')}" if all_own else "nothing was resting"
        reason = f"The reference {eur(reference)} ({source.replace('_', ' ')}) is outside the price band {band}"
        return Decision("skipped", f"{reason}: {withdrew}.", reference, source, multiplier, all_own)

    if not own:
        return _outcome(inputs, "placed", "Nothing was resting", reference, source, multiplier, [], _maintained(policy))
    if reasons := refresh_reasons(inputs, reference):
        why = "; ".join(reasons)
        why = why[0].upper() + why[1:]
        return _outcome(inputs, "refreshed", why, reference, source, multiplier, all_own, _maintained(policy))

    # top up around the reference and spread the resting orders were placed with, so both sides stay one quote
    newest = max(own, key=lambda o: o.placed_at)
    placed = (newest.placed_reference, newest.placed_price_source, newest.placed_spread_multiplier)
    low, notes = _low_sides(inputs, newest)
    if low:
        return _top_up(inputs, low, notes, placed, (reference, source))
    placed_reference = newest.placed_reference
    moved = abs(reference - placed_reference) / placed_reference * 100
    tolerance = percent(policy.refresh_tolerance_pct.normalize())
    return Decision(
        "none",
        f"The reference moved {moved:.2f} %, within the {tolerance} tolerance; {notes}.",
        reference,
        source,
        multiplier,
    )


def target_share(resting: Decimal, target: Decimal) -> str:
    """What rests of a side as a share of the policy's target, "98 %": the one measure a person reads, on the card
    beside what rests and in a run's reason alike (the card said "97 % of €10,000.00" above a reason reading "100 %
    of a full plan": two bases side by side)."""
    return percent(resting / target * 100, 0)


def _low_sides(inputs: RunInputs, newest: OwnOrder) -> tuple[list[OrderSide], str]:
    """The maintained sides resting below their top-up level, and how the sides stand, each as a share of its target
    (the card's measure) with the level it is topped up below: "BID €9,849.58 resting, 98 % of its €10,000.00 target,
    top-up below €7,879.66 (80 % of a full plan in whole certificates, €9,849.58); ASK €7,882.69 of €8,000.00
    (99 %), top-up below €6,306.15", the measures said once, for the first side.

    The level is ``top_up_below_pct`` % of a full plan (what a fresh plan of the side rests, at the reference and
    spread its orders were placed with), not of the target: whole certificates seldom rest the target exactly, and a
    side that is as full as they allow is never topped up again and again."""
    policy, own = inputs.policy, inputs.own
    low: list[OrderSide] = []
    notes: list[str] = []
    measure_said = False
    for side in _maintained(policy):
        resting = sum((o.resting_eur for o in own if o.side is side), Decimal(0))
        goal = side_target(policy, side)
        share = target_share(resting, goal)
        mine = _freed([o for o in own if o.side is side])
        target = plan_for_side(inputs, side, newest.placed_reference, newest.placed_spread_multiplier, mine)
        if not target.target_value:
            notes.append(
                f"{SIDE_LABEL[side]} {eur(resting)} resting, {share} of its {eur(goal)} target, which cannot "
                "be planned now"
            )
            continue
        level = target.target_value * policy.top_up_below_pct / 100
        if measure_said:  # the measures are said once, for the first side
            stands = f"{SIDE_LABEL[side]} {eur(resting)} of {eur(goal)} ({share}), top-up below {eur(level)}"
        else:
            measure_said = True
            stands = (
                f"{SIDE_LABEL[side]} {eur(resting)} resting, {share} of its {eur(goal)} target, top-up below "
                f"{eur(level)} ({percent(policy.top_up_below_pct.normalize())} of a full plan in whole certificates, "
                f"{eur(target.target_value)})"
            )
        notes.append(stands)
        if resting < level:
            low.append(side)
    return low, "; ".join(notes)


def _top_up(
    inputs: RunInputs,
    low: list[OrderSide],
    notes: str,
    placed: tuple[Decimal, PriceSource, Decimal],
    current: tuple[Decimal, PriceSource],
) -> Decision:
    """Replace the low sides that can be placed again, around the reference and spread the resting quote was
    placed with (``placed``); a side that cannot be placed again keeps what rests on it."""
    reference, source, multiplier = placed
    own = inputs.own
    why = f"Below the top-up level: {notes}"

    def replacing(sides: Sequence[OrderSide]) -> list[int]:
        return [o.id for o in own if o.side in sides]

    plans, problems = _place(inputs, low, reference, multiplier, set(replacing(low)))
    if plans and set(plans) != set(low):  # re-check the placeable sides against the book as it will then be
        plans, more = _place(inputs, list(plans), reference, multiplier, set(replacing(list(plans))))
        problems += more
    withdraw = replacing(list(plans))
    if not plans:  # nothing changes: what rests stays, and the reason names each side left out
        reason = f"{why}. Nothing can be placed again: {'; '.join(problems)}."
        return Decision("none", reason, *current, inputs.spread_multiplier)
    reason = f"{why}. Replaced {counted(len(withdraw), 'order')} with {_placed_text(plans, reference, source)}"
    if problems:
        reason += ". " + "; ".join(problems)
    return Decision("topped_up", reason + ".", *current, multiplier, withdraw, plans, (reference, source))


def unplaceable_targets(inputs: RunInputs) -> dict[OrderSide, str]:
    """The maintained sides whose target no plan can hold now: too small (with the smallest target that can, the
    planner's own rule ``smallest_target``: one whole certificate at every level for one market maker), or more
    than the side's market makers hold (the planner's shortfall, in a run's words), at the reference and spread a
    run would use now. A run skips such a side until the target, the price or the holdings change, so a save warns
    with it; they move, so it is a warning, not a refusal."""
    policy = inputs.policy
    around = choose_policy_reference(inputs)
    unplaceable: dict[OrderSide, str] = {}
    for side in _maintained(policy):
        try:
            prices = level_prices(around[0], side, inputs.levels, inputs.tick, inputs.spread_multiplier)
        except ValidationError as exc:  # a price so low the levels cannot be told apart: no target helps
            unplaceable[side] = exc.message
            continue
        freed = _freed([o for o in inputs.own if o.side is side])  # a run replacing the side has them back
        if side_target(policy, side) < (smallest := smallest_target(prices, inputs.levels)):
            unplaceable[side] = _too_small(inputs, side, len(prices), smallest, around)
        elif (short := plan_for_side(inputs, side, around[0], inputs.spread_multiplier, freed).problem) is not None:
            # the very words of a run's Skipped reason: what the market makers hold now against what it needs
            unplaceable[side] = f"{short}: runs skip this side until they hold enough"
    return unplaceable


_PRICE_FROM = {"mid": "the mid of the book", "last_trade": "the last trade"}


def _too_small(
    inputs: RunInputs,
    side: OrderSide,
    levels: int,
    smallest: Decimal,
    around: tuple[Decimal, PriceSource],
) -> str:
    """Why the side's target cannot be placed, and the smallest that can, at the price a run quotes around."""
    cert, target = inputs.policy.certificate_type.value, side_target(inputs.policy, side)
    reference, source = around
    verb, article = ("buy", "a") if side is OrderSide.BUY else ("sell", "an")
    cannot = f"{eur(target)} cannot {verb} one {cert} at each of the {levels} {SIDE_LABEL[side]} levels"
    needs = f"{article} {SIDE_LABEL[side]} target needs at least {eur(smallest)}"
    if source in _PRICE_FROM:
        return f"{cannot} around {eur(reference)} ({_PRICE_FROM[source]}): {needs} now"
    instead = "the last run's reference" if source == "previous_run" else "the configured"  # no price in the book
    return (
        f"The {cert} book has no price now (no bid and ask, no trade): runs quote around {instead} "
        f"{eur(reference)}, where {cannot}: {needs}"
    )
