"""The liquidity planner: reference price, level prices, even split, whole units — properties and examples."""

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.config import LiquidityLevels
from core.enums import AssetType, CertificateType, MarketMakerType, OrderSide
from core.errors import ValidationError
from core.liquidity_models import FundedMarketMaker, SideRole, locked_by
from core.planning import (
    choose_reference_price,
    crossing_problems,
    level_orders,
    level_prices,
    minimum_per_market_maker,
    plan_side,
    shortfall_of,
    smallest_share,
    smallest_target,
    split_evenly,
    suggested_actions,
)

LEVELS = LiquidityLevels()
TICK = Decimal("0.01")

prices = st.decimals(min_value=Decimal("0.05"), max_value=Decimal("5000"), places=4)
cents = st.integers(min_value=1, max_value=10**11).map(lambda c: Decimal(c) / 100)


def role(side: OrderSide, cert: CertificateType) -> SideRole:
    """Who serves a side, as SQL's market_maker_side/order_asset say (tests hand it in as the service does)."""
    if side is OrderSide.BUY:
        return SideRole(side=side, mm_type=MarketMakerType.LIQUIDITY_PROVIDER, asset=AssetType.EUR)
    return SideRole(side=side, mm_type=MarketMakerType.ASSET_HOLDER, asset=AssetType(cert.value))


def _mms(count: int, mm_type: MarketMakerType, available: Decimal = Decimal(10**9)) -> list[FundedMarketMaker]:
    return [FundedMarketMaker(id=i + 1, name=f"MM {i + 1}", mm_type=mm_type, available=available) for i in range(count)]


def test_reference_price_is_the_mid_when_both_sides_exist():
    assert choose_reference_price(Decimal("9.99"), Decimal("10.02"), Decimal("50"), Decimal("14")) == (
        Decimal("10.005"),
        "mid",
    )


def test_reference_price_falls_back_to_the_last_trade_then_to_the_default():
    assert choose_reference_price(Decimal("9.99"), None, Decimal("11.50"), Decimal("14")) == (
        Decimal("11.50"),
        "last_trade",
    )
    assert choose_reference_price(None, None, None, Decimal("81.00")) == (Decimal("81.00"), "default")


def test_levels_at_a_mid_of_ten_euros_are_the_documented_prices():
    assert level_prices(Decimal("10.00"), OrderSide.BUY, LEVELS, TICK) == (
        Decimal("9.98"),
        Decimal("9.96"),
        Decimal("9.95"),
    )
    assert level_prices(Decimal("10.00"), OrderSide.SELL, LEVELS, TICK) == (
        Decimal("10.02"),
        Decimal("10.04"),
        Decimal("10.05"),
    )


def test_colliding_levels_at_a_low_price_are_pushed_one_tick_apart():
    assert level_prices(Decimal("0.50"), OrderSide.BUY, LEVELS, TICK) == (
        Decimal("0.49"),
        Decimal("0.48"),
        Decimal("0.47"),
    )


def test_a_reference_too_low_for_three_bid_levels_is_refused():
    with pytest.raises(ValidationError, match="too low"):
        level_prices(Decimal("0.02"), OrderSide.BUY, LEVELS, TICK)


@given(reference=prices)
def test_levels_are_on_the_tick_distinct_and_strictly_away_from_the_reference(reference):
    bids = level_prices(reference, OrderSide.BUY, LEVELS, TICK)
    asks = level_prices(reference, OrderSide.SELL, LEVELS, TICK)

    for price in (*bids, *asks):
        assert price == price.quantize(TICK)
    assert list(bids) == sorted(set(bids), reverse=True)
    assert list(asks) == sorted(set(asks))
    assert bids[0] < reference < asks[0]
    assert bids[-1] > 0
    # rounded away from the reference: never closer than the configured offset
    for price, offset in zip(bids, LEVELS.offsets, strict=True):
        assert price <= reference * (1 - offset)
    for price, offset in zip(asks, LEVELS.offsets, strict=True):
        assert price >= reference * (1 + offset)


@given(amount=cents, parts=st.integers(min_value=1, max_value=300))
def test_an_even_split_adds_up_to_the_cent_and_differs_by_at_most_a_cent(amount, parts):
    shares = split_evenly(amount, parts)

    assert sum(shares) == amount
    assert max(shares) - min(shares) <= Decimal("0.01")
    assert all(s == s.quantize(Decimal("0.01")) for s in shares)
    assert shares == sorted(shares, reverse=True)


@given(
    amount=cents,
    parts=st.integers(min_value=1, max_value=300),
    quantum=st.sampled_from([Decimal("0.01"), Decimal(1)]),
)
def test_the_smallest_share_is_the_smallest_of_the_even_split_in_its_quantum(amount, parts, quantum):
    amount = amount.quantize(quantum, ROUND_DOWN)

    smallest = smallest_share(amount, parts, quantum)

    assert smallest == min(split_evenly(amount, parts, quantum))
    assert smallest.as_tuple().exponent == quantum.as_tuple().exponent


@settings(max_examples=200, deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(
    reference=st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2),
    target=cents,
    count=st.integers(min_value=1, max_value=120),
    side=st.sampled_from([OrderSide.BUY, OrderSide.SELL]),
)
def test_a_planned_side_is_even_whole_and_never_above_its_target(reference, target, count, side):
    mm_type = MarketMakerType.LIQUIDITY_PROVIDER if side is OrderSide.BUY else MarketMakerType.ASSET_HOLDER
    prices_ = level_prices(reference, side, LEVELS, TICK)
    if target < minimum_per_market_maker(prices_, LEVELS):  # not even one market maker's share
        with pytest.raises(ValidationError, match="at least"):
            plan_side(role(side, CertificateType.EUA), reference, target, _mms(count, mm_type), LEVELS, TICK)
        return

    plan = plan_side(role(side, CertificateType.EUA), reference, target, _mms(count, mm_type), LEVELS, TICK)

    # over as many as it gives a share that rests at every level, never more: a thinner share would be refused
    restable = max(
        k for k in range(1, count + 1) if min(split_evenly(target, k)) >= minimum_per_market_maker(prices_, LEVELS)
    )
    assert len(plan.market_makers) == restable and plan.unneeded == count - restable  # all of them rich: not needed
    assert sum(m.amount for m in plan.market_makers) == target
    assert plan.total_eur <= target
    assert plan.total_eur == sum(o.price * o.quantity for m in plan.market_makers for o in m.orders)
    values = [m.total_value for m in plan.market_makers]
    assert max(values) <= min(values) * Decimal("1.05")
    for mm in plan.market_makers:
        assert mm.total_value <= mm.amount
        assert [o.level for o in mm.orders] == [1, 2, 3]
        assert all(isinstance(o.quantity, int) and o.quantity >= 1 for o in mm.orders)
        assert tuple(o.price for o in mm.orders) == prices_


def test_a_target_too_small_for_one_certificate_per_level_is_refused_with_the_levels_and_the_minimum():
    with pytest.raises(ValidationError) as refused:
        plan_side(
            role(OrderSide.BUY, CertificateType.CEA),
            Decimal("10.00"),
            Decimal("49.74"),
            _mms(2, MarketMakerType.LIQUIDITY_PROVIDER),
            LEVELS,
            TICK,
        )

    assert refused.value.message == (
        "BID liquidity of €49.74 cannot rest one whole certificate at each of the 3 levels (€9.98, €9.96, €9.95): "
        "a side needs at least €49.75"
    )  # €9.95 at the 20 % level


def test_a_target_too_small_to_split_over_every_market_maker_is_split_over_fewer_with_a_whole_share_each():
    mms = _mms(3, MarketMakerType.LIQUIDITY_PROVIDER)

    plan = plan_side(role(OrderSide.BUY, CertificateType.CEA), Decimal("10.00"), Decimal("120.00"), mms, LEVELS, TICK)

    # over 3, €40 each could not rest at every level and the side was refused, though 2 could carry €60 each
    assert [m.amount for m in plan.market_makers] == [Decimal("60.00")] * 2
    assert [o.quantity for o in plan.market_makers[0].orders] == [3, 1, 1]
    assert (plan.left_out, plan.unneeded) == ((), 1) and shortfall_of(plan) is None  # not too poor: not needed


@settings(max_examples=200, deadline=None)
@given(
    reference=st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2),
    count=st.integers(min_value=0, max_value=50),
    side=st.sampled_from([OrderSide.BUY, OrderSide.SELL]),
)
def test_the_smallest_target_plans_and_a_cent_less_is_refused(reference, count, side):
    mm_type = MarketMakerType.LIQUIDITY_PROVIDER if side is OrderSide.BUY else MarketMakerType.ASSET_HOLDER
    mms, serves = _mms(count, mm_type), role(side, CertificateType.EUA)
    smallest = smallest_target(level_prices(reference, side, LEVELS, TICK), LEVELS)

    plan = plan_side(serves, reference, smallest, mms, LEVELS, TICK)

    assert all(o.quantity == 1 for m in plan.market_makers for o in m.orders[-1:])  # one certificate at the last
    with pytest.raises(ValidationError, match="at least"):
        plan_side(serves, reference, smallest - Decimal("0.01"), mms, LEVELS, TICK)


def test_the_volume_split_follows_the_configured_fifty_thirty_twenty():
    plan = plan_side(
        role(OrderSide.SELL, CertificateType.CEA),
        Decimal("10.00"),
        Decimal("10000.00"),
        _mms(1, MarketMakerType.ASSET_HOLDER),
        LEVELS,
        TICK,
    )

    assert [o.quantity for o in plan.market_makers[0].orders] == [499, 298, 199]


def test_shortfalls_are_per_market_maker_against_available_balance():
    mms = [
        FundedMarketMaker(id=1, name="Rich", mm_type=MarketMakerType.LIQUIDITY_PROVIDER, available=Decimal("900")),
        FundedMarketMaker(id=2, name="Poor", mm_type=MarketMakerType.LIQUIDITY_PROVIDER, available=Decimal("100")),
    ]
    plan = plan_side(role(OrderSide.BUY, CertificateType.CEA), Decimal("10"), Decimal("1000.00"), mms, LEVELS, TICK)

    short = shortfall_of(plan)

    assert short is not None
    assert [m.name for m in short.market_makers] == ["Poor"]
    required = plan.market_makers[1].required
    assert (short.required, short.available, short.shortfall) == (required, Decimal(100), required - 100)
    assert suggested_actions([short]) == ["create_lp_mms", "fund_existing_lps"]


def _funded(side: OrderSide, availables: list[Decimal]) -> list[FundedMarketMaker]:
    mm_type = MarketMakerType.LIQUIDITY_PROVIDER if side is OrderSide.BUY else MarketMakerType.ASSET_HOLDER
    return [
        FundedMarketMaker(id=i + 1, name=f"MM {i + 1}", mm_type=mm_type, available=a) for i, a in enumerate(availables)
    ]


def _even_share_locks(target: Decimal, k: int, prices_: tuple[Decimal, ...], asset: AssetType) -> Decimal:
    """What each of k market makers locks for the smallest even share of ``target``: the rule's own yardstick."""
    return locked_by(level_orders(min(split_evenly(target, k)), prices_, LEVELS.split), asset)


@settings(max_examples=300, deadline=None)
@given(
    reference=st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2),
    target=st.integers(min_value=100_000, max_value=10**9).map(lambda c: Decimal(c) / 100),
    # each market maker's holdings as a fraction of the whole target: penniless, poor, about a share, rich
    fractions=st.lists(
        st.one_of(
            st.sampled_from([Decimal(0), Decimal("0.0001"), Decimal("0.25"), Decimal("0.34"), Decimal("0.5")]),
            st.decimals(min_value=Decimal(0), max_value=Decimal("1.2"), places=4),
        ),
        min_size=1,
        max_size=12,
    ),
    side=st.sampled_from([OrderSide.BUY, OrderSide.SELL]),
)
def test_a_side_is_split_over_the_largest_set_of_market_makers_that_can_each_fund_an_even_share(
    reference, target, fractions, side
):
    serves = role(side, CertificateType.EUA)
    prices_ = level_prices(reference, side, LEVELS, TICK)
    if side is OrderSide.BUY:
        availables = [(target * f).quantize(Decimal("0.01")) for f in fractions]
    else:  # certificates, whole: what the fraction of the target buys at the reference
        availables = [Decimal(int(target * f / reference)) for f in fractions]
    mms = _funded(side, availables)
    n = len(mms)
    minimum = minimum_per_market_maker(prices_, LEVELS)
    restable = [k for k in range(1, n + 1) if min(split_evenly(target, k)) >= minimum]  # a share rests whole
    fundable = [
        k
        for k in restable
        if sorted(availables, reverse=True)[k - 1] >= _even_share_locks(target, k, prices_, serves.asset)
    ]  # the k richest are the best set of k: when they cannot each fund a share, no k market makers can
    if not restable:  # not even one market maker's share
        with pytest.raises(ValidationError, match="a side needs at least"):
            plan_side(serves, reference, target, mms, LEVELS, TICK)
        return
    chosen = max(fundable, default=max(restable))

    plan = plan_side(serves, reference, target, mms, LEVELS, TICK)

    used, left = [m.id for m in plan.market_makers], [m.id for m in plan.left_out]
    assert len(used) == chosen
    assert len(used) + len(left) + plan.unneeded == n and used == sorted(used) and left == sorted(left)
    required = plan.market_makers[0].required
    # those not used that could fund a share are not needed (a share over more would be too thin), never left out
    assert plan.unneeded == sum(m.available >= required for m in mms if m.id not in used)
    assert sum(m.amount for m in plan.market_makers) == target and plan.total_eur <= target
    assert len({m.orders for m in plan.market_makers}) == 1  # the same orders each: the side is even
    if fundable:
        assert all(m.shortfall == 0 for m in plan.market_makers) and shortfall_of(plan) is None
        required = plan.market_makers[0].required
        for out in plan.left_out:
            assert out.available < required and out.required == required
            assert out.reason.startswith("holds ") and "less than an even share of" in out.reason
            assert all(out.available <= m.available for m in plan.market_makers)
    else:  # nobody can carry it: as many as a share rests over, each with its shortfall, and provisioning offered
        assert [m.amount for m in plan.market_makers] == split_evenly(target, chosen)
        assert all(out.available <= m.available for out in plan.left_out for m in plan.market_makers)
        short = shortfall_of(plan)
        assert short is not None
        assert [m.id for m in short.market_makers] == [m.id for m in plan.market_makers if m.shortfall > 0]
        assert "fund_existing_lps" in suggested_actions([short]) or "fund_existing_ahs" in suggested_actions([short])


@settings(max_examples=200, deadline=None)
@given(
    reference=st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2),
    target=st.integers(min_value=100_000, max_value=10**9).map(lambda c: Decimal(c) / 100),
    fractions=st.lists(st.decimals(min_value=Decimal(0), max_value=Decimal("0.6"), places=4), max_size=6),
    side=st.sampled_from([OrderSide.BUY, OrderSide.SELL]),
)
def test_one_new_market_maker_holding_what_the_shortfall_says_it_needs_makes_the_side_whole(
    reference, target, fractions, side
):
    serves = role(side, CertificateType.EUA)
    if target < minimum_per_market_maker(level_prices(reference, side, LEVELS, TICK), LEVELS):
        return  # too small to plan at all: refused, nothing to provision
    scale = Decimal(1) if side is OrderSide.BUY else 1 / reference  # certificates: what the EUR buys
    mms = _funded(side, [(target * f * scale).quantize(Decimal(1)) for f in fractions])
    short = shortfall_of(plan_side(serves, reference, target, mms, LEVELS, TICK))
    assume(short is not None)

    newcomer = _funded(side, [*(Decimal(0) for _ in mms), short.new_market_maker_needs])[-1]
    plan = plan_side(serves, reference, target, [*mms, newcomer], LEVELS, TICK)

    # covering the shortfall alone left it short: the newcomer shares the target, thinning every share
    assert shortfall_of(plan) is None and newcomer.id in [m.id for m in plan.market_makers]


def test_a_poor_liquidity_provider_beside_rich_ones_is_left_out_with_why():
    mms = _funded(OrderSide.BUY, [Decimal("600000.00"), Decimal("100.00"), Decimal("600000.00")])

    plan = plan_side(role(OrderSide.BUY, CertificateType.CEA), Decimal("10"), Decimal("600000.00"), mms, LEVELS, TICK)

    assert [m.id for m in plan.market_makers] == [1, 3] and shortfall_of(plan) is None
    assert [m.amount for m in plan.market_makers] == [Decimal("300000.00")] * 2
    ((poor,),) = (plan.left_out,)
    assert poor.id == 2
    assert poor.reason == f"holds €100.00, less than an even share of €{plan.market_makers[0].total_value:,}"


def test_an_asset_holder_too_poor_for_an_even_share_is_left_out_in_certificates():
    mms = _funded(OrderSide.SELL, [Decimal(5), Decimal(10_000), Decimal(10_000)])

    plan = plan_side(role(OrderSide.SELL, CertificateType.CEA), Decimal("10"), Decimal("4000.00"), mms, LEVELS, TICK)

    assert [m.id for m in plan.market_makers] == [2, 3]
    assert [m.reason for m in plan.left_out] == ["holds 5 CEA, less than an even share of 197 CEA"]


def test_a_small_target_is_split_over_the_market_makers_that_can_fund_a_share_that_rests_whole():
    mms = _funded(OrderSide.BUY, [Decimal("10000.00"), Decimal("5.00"), Decimal("10000.00")])
    bids = role(OrderSide.BUY, CertificateType.CEA)

    two = plan_side(bids, Decimal("10.00"), Decimal("120.00"), mms, LEVELS, TICK)  # over 3: €40 each, too little
    one = plan_side(bids, Decimal("10.00"), Decimal("90.00"), mms, LEVELS, TICK)  # over 2: €45 each, too little

    assert [m.id for m in two.market_makers] == [1, 3] and [m.id for m in two.left_out] == [2]
    assert [m.id for m in one.market_makers] == [1] and [m.id for m in one.left_out] == [2]
    assert (two.unneeded, one.unneeded) == (0, 1)  # as rich as the one used: not needed, not too poor
    assert shortfall_of(two) is None and shortfall_of(one) is None


def test_a_side_without_market_makers_is_entirely_short():
    plan = plan_side(role(OrderSide.SELL, CertificateType.EUA), Decimal("80"), Decimal("8000.00"), [], LEVELS, TICK)

    short = shortfall_of(plan)

    assert short is not None and short.no_market_makers
    assert short.shortfall == short.required > 0
    assert suggested_actions([short]) == ["create_ah_mms"]


def test_a_bid_that_would_cross_the_best_ask_is_explained():
    problems = crossing_problems([Decimal("9.98")], [], None, Decimal("9.50"))

    assert len(problems) == 1 and "post-only" in problems[0] and "€9.50" in problems[0]
    assert crossing_problems([Decimal("9.98")], [Decimal("10.02")], Decimal("9.99"), Decimal("10.01")) == []


def test_the_configured_levels_and_split_drive_the_plan():
    two_levels = LiquidityLevels(offsets=(Decimal("0.001"), Decimal("0.003")), split=(Decimal("0.6"), Decimal("0.4")))

    plan = plan_side(
        role(OrderSide.BUY, CertificateType.CEA),
        Decimal("100.00"),
        Decimal("10000.00"),
        _mms(1, MarketMakerType.LIQUIDITY_PROVIDER),
        two_levels,
        TICK,
    )

    assert plan.level_prices == (Decimal("99.90"), Decimal("99.70"))
    assert [o.quantity for o in plan.market_makers[0].orders] == [60, 40]


@given(
    best_bid=st.decimals(min_value=Decimal("0.50"), max_value=Decimal("500"), places=2),
    gap=st.integers(min_value=1, max_value=500).map(lambda c: Decimal(c) / 100),
)
def test_a_plan_around_the_mid_of_an_uncrossed_book_never_trades_at_once(best_bid, gap):
    best_ask = best_bid + gap
    reference, source = choose_reference_price(best_bid, best_ask, None, Decimal("14"))

    bids = level_prices(reference, OrderSide.BUY, LEVELS, TICK)
    asks = level_prices(reference, OrderSide.SELL, LEVELS, TICK)

    assert source == "mid"
    assert crossing_problems(bids, asks, best_bid, best_ask) == []
