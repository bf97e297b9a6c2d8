"""The EWMA volatility and the spread multiplier it asks for (core.volatility)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.volatility import MIN_TRADES, ewma_volatility, spread_multiplier

REF = Decimal("0.005")  # σ_ref: 0.5 % per trade


def test_fewer_than_ten_trades_measure_nothing_and_leave_the_design_spreads():
    prices = [Decimal("14.00"), Decimal("15.00")] * 4 + [Decimal("14.00")]  # 9 trades, wild swings

    assert len(prices) == MIN_TRADES - 1
    assert ewma_volatility(prices) is None
    assert spread_multiplier(None, REF, Decimal(3)) == 1


def test_constant_prices_have_no_volatility():
    assert ewma_volatility([Decimal("81.00")] * 12) == 0


def test_alternating_prices_measure_their_log_return():
    # every return is ±ln(14.40/14.00) = ±2.817 %, so every EWMA step keeps σ there
    assert ewma_volatility([Decimal("14.00"), Decimal("14.40")] * 6) == Decimal("0.02817088")


def test_the_same_move_weighs_less_the_longer_ago_it_was():
    calm, move = [Decimal("14.00")] * 10, [Decimal("15.00"), Decimal("14.00")]

    just_now = ewma_volatility(calm + calm + move)
    ten_trades_ago = ewma_volatility(calm + move + calm)

    assert just_now > ten_trades_ago > 0


@pytest.mark.parametrize(
    ("sigma", "expected"),
    [("0", "1"), ("0.001", "1"), ("0.005", "1"), ("0.0075", "1.5"), ("0.015", "3"), ("0.2", "3")],
)
def test_the_multiplier_is_sigma_over_its_reference_clamped_between_one_and_the_maximum(sigma, expected):
    assert spread_multiplier(Decimal(sigma), REF, Decimal(3)) == Decimal(expected)


@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2), min_size=0, max_size=60))
def test_spreads_are_never_narrowed(prices):
    multiplier = spread_multiplier(ewma_volatility(prices), REF, Decimal(3))

    assert Decimal(1) <= multiplier <= Decimal(3)
