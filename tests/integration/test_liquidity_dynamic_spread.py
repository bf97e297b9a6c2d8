"""Dynamic spread on real trades: a calm book is quoted at the design's 0.2/0.4/0.5 %, a volatile one wider (the
offsets times clamp(σ / σ_ref, 1, 3)), and the multiplier and σ are kept on the run and the operation."""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy import text

from core.liquidity_policies import run_policy
from core.liquidity_service import preview_liquidity_creation
from tests.policy_helpers import fund_market, healthy, policy, resting, trader, trades_at

CALM = ["14.00", "14.01"] * 6  # 12 trades, ±0.07 % each
VOLATILE = ["14.00", "14.40"] * 6  # 12 trades, ±2.8 % each


def _levels(db, policy_id: int, side: str) -> list[Decimal]:
    return sorted({r["price"] for r in resting(db, policy_id, side)}, reverse=side == "BUY")


def _at(reference: Decimal, factor: str, rounding: str) -> Decimal:
    return (reference * Decimal(factor) / Decimal("0.01")).to_integral_value(rounding) * Decimal("0.01")


def test_a_calm_book_is_quoted_at_the_designs_spreads_and_a_volatile_one_wider(db, actors):
    fund_market(db, actors, certs=("CEA", "EUA"))
    buyer, seller = trader(db, actors, "Buyer Firm"), trader(db, actors, "Seller Firm")
    trades_at(db, buyer, seller, "CEA", CALM)
    trades_at(db, buyer, seller, "EUA", VOLATILE)
    cea = policy(db, actors, "CEA", dynamic_spread=True)
    eua = policy(db, actors, "EUA", dynamic_spread=True)

    calm = run_policy(db, "CEA", user_id=actors.admin.id)
    volatile = run_policy(db, "EUA", user_id=actors.admin.id)

    assert calm.action == volatile.action == "placed"
    assert calm.spread_multiplier == 1 and calm.volatility < Decimal("0.001")
    assert volatile.spread_multiplier == 3 and volatile.volatility > Decimal("0.02")  # σ/σ_ref > 3: clamped
    ref_calm, ref_volatile = calm.reference_price, volatile.reference_price
    assert _levels(db, cea.id, "BUY") == [_at(ref_calm, f, ROUND_FLOOR) for f in ("0.998", "0.996", "0.995")]
    assert _levels(db, cea.id, "SELL") == [_at(ref_calm, f, ROUND_CEILING) for f in ("1.002", "1.004", "1.005")]
    assert _levels(db, eua.id, "BUY") == [_at(ref_volatile, f, ROUND_FLOOR) for f in ("0.994", "0.988", "0.985")]
    assert _levels(db, eua.id, "SELL") == [_at(ref_volatile, f, ROUND_CEILING) for f in ("1.006", "1.012", "1.015")]
    stored = db.execute(
        text("SELECT spread_multiplier, volatility FROM liquidity_operations WHERE id = :i"),
        {"i": volatile.operation_id},
    ).one()
    assert (stored.spread_multiplier, stored.volatility) == (volatile.spread_multiplier, volatile.volatility)
    assert healthy(db)


def test_without_dynamic_spread_a_volatile_book_keeps_the_designs_spreads_and_the_preview_shows_sigma(db, actors):
    fund_market(db, actors)
    buyer, seller = trader(db, actors, "Buyer Firm"), trader(db, actors, "Seller Firm")
    trades_at(db, buyer, seller, "CEA", VOLATILE)
    policy(db, actors)

    run = run_policy(db, "CEA", user_id=actors.admin.id)
    preview = preview_liquidity_creation(db, "CEA", "1000", "1000", user_id=actors.admin.id, dynamic_spread=True)

    assert run.spread_multiplier == 1 and run.volatility > Decimal("0.02")
    assert preview.spread_multiplier == 3 and preview.volatility == run.volatility
    assert preview.ask_plan.level_prices[0] == _at(preview.reference_price, "1.006", ROUND_CEILING)
    assert healthy(db)
