"""The liquidity planner: pure functions (no I/O) from (book prices, market makers, targets, config) to a plan.

Money stays Decimal throughout. Rules, each property-tested in tests/unit/test_planning.py:
- reference price: mid of best bid and ask when both exist, else the last trade, else the configured default;
- level prices: the configured offsets times the spread multiplier (1 or more: volatility widens, never
  narrows), rounded to the tick away from the reference, strictly away from it, always distinct;
- a side's EUR is split evenly (to the cent) over the largest set of the side's market makers that can each fund
  an even share (the richest k, by available balance and then id, for the largest k whose even share buys one
  whole certificate at every level and every one of them can fund), then by the configured volume split; the
  role's other market makers are left out, each named in the plan with what it holds against what an even share
  locks. So one poor market maker beside rich ones no longer stops a side, nor does a small target: the side
  stays even over those that can carry it, and the smallest target a side can hold is one market maker's share.
  When no set can (even the richest cannot fund the whole target), the side is split over as many as a share
  can rest over (all of them, for any target worth splitting) and each one's shortfall is shown;
- quantities are whole certificates, at least 1, and every market maker a side uses gets the same orders, so
  the side is even and its value never exceeds the target.
"""

from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal

from core.config import LiquidityLevels
from core.enums import AssetType, CertificateType, MarketMakerType, OrderSide
from core.errors import InvalidFields, ValidationError
from core.liquidity_models import (
    AssetShortfall,
    FundedMarketMaker,
    LeftOutMarketMaker,
    LiquidityPreview,
    MarketMakerAllocation,
    MarketMakerShortfall,
    PlannedOrder,
    PriceSource,
    SidePlan,
    SideRole,
    locked_by,
)

CENT = Decimal("0.01")
REFERENCE_QUANTUM = Decimal("0.0001")  # liquidity_operations.reference_price is NUMERIC(18,4)

# which market makers serve which side and what they lock is SQL's rule, handed in as a SideRole per side
SIDE_LABEL = {OrderSide.BUY: "BID", OrderSide.SELL: "ASK"}
SIDE_FIELD = {OrderSide.BUY: "bid", OrderSide.SELL: "ask"}  # a side's target field (target_field)


def target_field(cert: CertificateType | str, side: str | None = None) -> str:
    """What a refused liquidity target is named by (``InvalidFields``, ``CoreError.field``), for a form to show it
    under that field: a book's "bid" or "ask" target, or (no side) the book itself, when neither is above zero."""
    return f"{CertificateType(cert)}" if side is None else f"{CertificateType(cert)} {side}"


def choose_reference_price(
    best_bid: Decimal | None, best_ask: Decimal | None, last_price: Decimal | None, default: Decimal
) -> tuple[Decimal, PriceSource]:
    """Mid when both sides of the book exist; else the last trade, however old; else the configured default."""
    if best_bid is not None and best_ask is not None:
        return ((best_bid + best_ask) / 2).quantize(REFERENCE_QUANTUM), "mid"
    if last_price is not None:
        return Decimal(last_price).quantize(REFERENCE_QUANTUM), "last_trade"
    return Decimal(default).quantize(REFERENCE_QUANTUM), "default"


def level_prices(
    reference: Decimal,
    side: OrderSide,
    levels: LiquidityLevels,
    tick: Decimal,
    spread_multiplier: Decimal = Decimal(1),
) -> tuple[Decimal, ...]:
    """One price per level, ``offset × spread_multiplier`` away from the reference and rounded to the tick away
    from it; a level that would collide with the one inside it is pushed one tick further out, so the levels are
    distinct and ordered outward."""
    if spread_multiplier < 1:
        raise ValueError("a spread multiplier below 1 would narrow the design's spreads")
    prices: list[Decimal] = []
    for offset in (o * spread_multiplier for o in levels.offsets):
        if side is OrderSide.BUY:
            price = (reference * (1 - offset) / tick).to_integral_value(ROUND_FLOOR) * tick
            if prices and price >= prices[-1]:
                price = prices[-1] - tick
        else:
            price = (reference * (1 + offset) / tick).to_integral_value(ROUND_CEILING) * tick
            if prices and price <= prices[-1]:
                price = prices[-1] + tick
        prices.append(price.quantize(tick))
    if prices[-1] <= 0:
        raise ValidationError(
            f"The reference price €{reference} is too low for {len(prices)} distinct bid levels on a €{tick} tick"
        )
    return tuple(prices)


def split_evenly(amount: Decimal, parts: int, quantum: Decimal = CENT) -> list[Decimal]:
    """``amount`` in ``parts`` shares that add up exactly and differ by at most one ``quantum``;
    the remainder goes to the first shares."""
    base, remainder = divmod(_whole_units(amount, quantum), _at_least_one(parts))
    smallest = (Decimal(base) * quantum).quantize(quantum)
    return [smallest + quantum] * remainder + [smallest] * (parts - remainder)


def smallest_share(amount: Decimal, parts: int, quantum: Decimal = CENT) -> Decimal:
    """The smallest of ``split_evenly(amount, parts, quantum)``, without making the list: a planner weighs every
    split from the most market makers down (``even_share_locks``)."""
    return (Decimal(_whole_units(amount, quantum) // _at_least_one(parts)) * quantum).quantize(quantum)


def _whole_units(amount: Decimal, quantum: Decimal) -> int:
    units = int((amount / quantum).to_integral_value(ROUND_DOWN))
    if Decimal(units) * quantum != amount:
        raise ValueError(f"{amount} is not a whole number of {quantum}")
    return units


def _at_least_one(parts: int) -> int:
    if parts < 1:
        raise ValueError("an even split needs at least one part")
    return parts


def minimum_per_market_maker(prices: Sequence[Decimal], levels: LiquidityLevels | Sequence[Decimal]) -> Decimal:
    """The smallest EUR share that still buys one whole certificate at every level (``levels``, or their split)."""
    split = levels.split if isinstance(levels, LiquidityLevels) else levels
    need = max(price / share for price, share in zip(prices, split, strict=True))
    return need.quantize(CENT, ROUND_CEILING)


def smallest_target(prices: Sequence[Decimal], levels: LiquidityLevels) -> Decimal:
    """The smallest side target a plan at ``prices`` can place: one market maker's share, one whole certificate at
    every level (a larger target is split over no more market makers than it gives such a share, ``even_share_set``).
    ``plan_side`` refuses below it, so a run skips the side; a policy's save warns with it."""
    return minimum_per_market_maker(prices, levels)


def level_orders(share: Decimal, prices: Sequence[Decimal], split: Sequence[Decimal]) -> tuple[PlannedOrder, ...]:
    """The orders one EUR share buys: per level, the whole certificates its slice of the share pays for."""
    orders = []
    for level, (price, fraction) in enumerate(zip(prices, split, strict=True), start=1):
        quantity = int((share * fraction / price).to_integral_value(ROUND_DOWN))
        orders.append(PlannedOrder(level=level, price=price, quantity=quantity, value_eur=price * quantity))
    return tuple(orders)


def even_share_locks(
    asset: AssetType, target_eur: Decimal, prices: Sequence[Decimal], split: Sequence[Decimal], most: int
) -> Iterator[tuple[int, Decimal]]:
    """For each k from ``most`` down to 1 whose smallest even share of ``target_eur`` buys one whole certificate at
    every level: k, and what each of k market makers locks in ``asset`` for that share. The yardstick of
    ``even_share_set`` (who a side is split over) and of ``new_market_maker_needs`` (what one more must hold).
    Lazily, largest k first: both stop at the first k that fits, most often the first (every one of the side's
    market makers funded), and working out all of them cost a plan at 100 market makers a side ~9 ms."""
    minimum = minimum_per_market_maker(prices, split)
    for k in range(most, 0, -1):
        share = smallest_share(target_eur, k)
        if share >= minimum:
            yield k, locked_by(level_orders(share, prices, split), asset)


def even_share_set(
    role: SideRole,
    target_eur: Decimal,
    prices: Sequence[Decimal],
    split: Sequence[Decimal],
    market_makers: Sequence[FundedMarketMaker],
) -> tuple[list[FundedMarketMaker], list[FundedMarketMaker]]:
    """Who a side of ``target_eur`` is split over, and who is left out, each by id.

    The largest k for which the smallest even share of ``target_eur`` over k buys one whole certificate at every
    level and the k market makers with the most available (ties by id) can each fund its orders (what they lock in
    ``role.asset``); the others are left out. (Over 3 market makers €1,000 gave shares too thin to rest at every
    level, and was refused, though 2 of them could each carry €500.) When no k can fund it (even the richest cannot
    fund the whole target), the most that a share still rests over, the poorer ones left out: the plan then shows
    each one's shortfall. A target too small for one market maker's share: all of them (``plan_side`` refuses it).
    One rule for both sides: ``role`` says what a side's orders lock.
    """
    richest = sorted(market_makers, key=lambda m: (-m.available, m.id))
    most_resting = None  # the largest k whose share rests whole at every level
    for k, lock in even_share_locks(role.asset, target_eur, prices, split, len(richest)):
        most_resting = most_resting or k
        if richest[k - 1].available >= lock:  # the poorest of the k: so all of them
            return sorted(richest[:k], key=lambda m: m.id), sorted(richest[k:], key=lambda m: m.id)
    k = most_resting or len(richest)  # nobody can carry a share: the most a share rests over
    return sorted(richest[:k], key=lambda m: m.id), sorted(richest[k:], key=lambda m: m.id)


def plan_side(
    role: SideRole,
    reference: Decimal,
    target_eur: Decimal,
    market_makers: Sequence[FundedMarketMaker],
    levels: LiquidityLevels,
    tick: Decimal,
    spread_multiplier: Decimal = Decimal(1),
) -> SidePlan:
    """Spread ``target_eur`` over the largest set of ``market_makers`` (all of the role's type) that can each fund
    an even share (``even_share_set``); the rest are listed as left out, with why.

    Every market maker used gets the orders of the smallest EUR share, so the side is exactly even and its
    total never exceeds the target. Raises ``ValidationError`` when the target cannot buy one certificate at
    every level even for one market maker (``smallest_target``).
    """
    side = role.side
    prices = level_prices(reference, side, levels, tick, spread_multiplier)
    if target_eur < (smallest := smallest_target(prices, levels)):
        raise ValidationError(
            f"{SIDE_LABEL[side]} liquidity of €{target_eur:,} cannot rest one whole certificate at each of the "
            f"{len(prices)} levels (€{', €'.join(f'{p:,}' for p in prices)}): a side needs at least €{smallest:,}"
        )
    mms, others = even_share_set(role, target_eur, prices, levels.split, market_makers)
    shares = split_evenly(target_eur, max(len(mms), 1))
    orders = level_orders(min(shares), prices, levels.split)
    required = locked_by(orders, role.asset)
    left_out = [m for m in others if m.available < required]  # the rest could fund a share: the target is too small
    allocations = tuple(
        MarketMakerAllocation(
            id=mm.id,
            name=mm.name,
            mm_type=mm.mm_type,
            amount=share,
            available=mm.available,
            asset=role.asset,
            orders=orders,
        )
        for mm, share in zip(mms, shares, strict=False)
    )
    return SidePlan(
        side=side,
        mm_type=role.mm_type,
        asset=role.asset,
        target_eur=target_eur,
        level_prices=prices,
        split=levels.split,
        market_makers=allocations,
        left_out=tuple(
            LeftOutMarketMaker(id=m.id, name=m.name, asset=role.asset, available=m.available, required=required)
            for m in left_out
        ),
        unneeded=len(others) - len(left_out),
    )


def new_market_maker_needs(plan: SidePlan) -> Decimal:
    """What one new market maker must hold for the whole side to be placed beside the side's market makers as they
    are: the lock of the even share over the largest k (a share that rests whole at every level) for which the k - 1
    richest of them can fund that share too; even_share_set then spreads the side over those k. (Covering the
    shortfall alone was not enough: a new market maker shares the target, so each share is thinner and the short ones
    stay short.)"""
    held = sorted((m.available for m in (*plan.market_makers, *plan.left_out)), reverse=True)
    for k, need in even_share_locks(plan.asset, plan.target_eur, plan.level_prices, plan.split, len(held) + 1):
        if k == 1 or held[k - 2] >= need:
            return need
    return locked_by(level_orders(plan.target_eur, plan.level_prices, plan.split), plan.asset)  # below any share


def shortfall_of(plan: SidePlan) -> AssetShortfall | None:
    """What the side lacks, market maker by market maker (available balances, never totals).

    When nobody of the right type is active, all of it is short: as much as one market maker would need.
    """
    mm_type = plan.mm_type
    if not plan.market_makers:
        required = locked_by(level_orders(plan.target_eur, plan.level_prices, plan.split), plan.asset)
        return AssetShortfall(
            asset=plan.asset,
            side=plan.side,
            mm_type=mm_type,
            required=required,
            available=Decimal(0),
            shortfall=required,
            no_market_makers=True,
            new_market_maker_needs=required,
        )
    short = [
        MarketMakerShortfall(id=m.id, name=m.name, required=m.required, available=m.available, shortfall=m.shortfall)
        for m in plan.market_makers
        if m.shortfall > 0
    ]
    if not short:
        return None
    return AssetShortfall(
        asset=plan.asset,
        side=plan.side,
        mm_type=mm_type,
        required=sum((m.required for m in short), Decimal(0)),
        available=sum((m.available for m in short), Decimal(0)),
        shortfall=sum((m.shortfall for m in short), Decimal(0)),
        market_makers=tuple(short),
        new_market_maker_needs=new_market_maker_needs(plan),
    )


def suggested_actions(shortfalls: Sequence[AssetShortfall]) -> list[str]:
    """Provisioning actions that would cover the shortfalls (names the page maps onto its buttons)."""
    actions: list[str] = []
    for s in shortfalls:
        kind = "lp" if s.mm_type is MarketMakerType.LIQUIDITY_PROVIDER else "ah"
        actions.append(f"create_{kind}_mms")
        if not s.no_market_makers:
            actions.append(f"fund_existing_{kind}s")
    return actions


def refuse_fields(faults: Mapping[str, str]) -> None:
    """Refuses the fields ``faults`` names (field → why), if any: one as a ``ValidationError`` naming its field,
    several as ``InvalidFields``, for a form to say each under its own field at once."""
    if len(faults) > 1:
        raise InvalidFields(faults)
    for field, why in faults.items():
        raise ValidationError(why, field=field)


def crossing_problems(
    bid_prices: Sequence[Decimal], ask_prices: Sequence[Decimal], best_bid: Decimal | None, best_ask: Decimal | None
) -> list[str]:
    """Post-only: liquidity must rest. A bid at or above the best ask (or an ask at or below the best bid)
    would trade at once, so the plan is refused with the reason."""
    problems = []
    if bid_prices and best_ask is not None and max(bid_prices) >= best_ask:
        problems.append(
            f"The planned bid at €{max(bid_prices)} would trade immediately against the best ask at €{best_ask}: "
            "liquidity orders are post-only and must rest in the book. Place only the ASK side, or wait until "
            "the book has both sides so the reference price is their mid."
        )
    if ask_prices and best_bid is not None and min(ask_prices) <= best_bid:
        problems.append(
            f"The planned ask at €{min(ask_prices)} would trade immediately against the best bid at €{best_bid}: "
            "liquidity orders are post-only and must rest in the book. Place only the BID side, or wait until "
            "the book has both sides so the reference price is their mid."
        )
    return problems


def plan_liquidity(
    certificate_type: CertificateType,
    roles: Mapping[OrderSide, SideRole],
    bid_eur: Decimal,
    ask_eur: Decimal,
    best_bid: Decimal | None,
    best_ask: Decimal | None,
    last_price: Decimal | None,
    bidders: Sequence[FundedMarketMaker],
    askers: Sequence[FundedMarketMaker],
    default_price: Decimal,
    levels: LiquidityLevels,
    tick: Decimal,
    spread_multiplier: Decimal = Decimal(1),
    volatility: Decimal | None = None,
) -> LiquidityPreview:
    """The whole preview: reference price, both sides' plans, shortfalls, suggested actions and any reason
    (post-only) why the plan cannot execute. ``roles`` say who serves each side (``bidders`` and ``askers`` are
    those market makers). A side with a zero target is not planned. The levels are widened by
    ``spread_multiplier`` (from ``volatility``, see core.volatility), which the preview reports."""
    reference, source = choose_reference_price(best_bid, best_ask, last_price, default_price)
    plans: dict[OrderSide, SidePlan | None] = {}
    too_small: dict[str, str] = {}  # the target typed for each such side is what must change: both said at once
    for side, target, mms in ((OrderSide.BUY, bid_eur, bidders), (OrderSide.SELL, ask_eur, askers)):
        try:
            plans[side] = (
                plan_side(roles[side], reference, target, mms, levels, tick, spread_multiplier) if target > 0 else None
            )
        except ValidationError as exc:
            too_small[target_field(certificate_type, SIDE_FIELD[side])] = exc.message
    refuse_fields(too_small)
    bid_plan, ask_plan = plans[OrderSide.BUY], plans[OrderSide.SELL]
    shortfalls = [s for p in (bid_plan, ask_plan) if p is not None and (s := shortfall_of(p)) is not None]
    return LiquidityPreview(
        certificate_type=certificate_type,
        bid_amount_eur=bid_eur,
        ask_amount_eur=ask_eur,
        reference_price=reference,
        price_source=source,
        best_bid=best_bid,
        best_ask=best_ask,
        last_price=last_price,
        bid_plan=bid_plan,
        ask_plan=ask_plan,
        missing_assets=shortfalls,
        suggested_actions=suggested_actions(shortfalls),
        problems=crossing_problems(
            bid_plan.level_prices if bid_plan else (), ask_plan.level_prices if ask_plan else (), best_bid, best_ask
        ),
        spread_multiplier=spread_multiplier,
        volatility=volatility,
    )
