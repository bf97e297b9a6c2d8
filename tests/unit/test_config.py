"""Liquidity levels and split are one validated object: a bad configuration fails at start-up."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from core.config import LiquidityLevels, Settings


def test_default_levels_follow_the_design():
    levels = LiquidityLevels()

    assert levels.offsets == (Decimal("0.002"), Decimal("0.004"), Decimal("0.005"))
    assert levels.split == (Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))


@pytest.mark.parametrize(
    ("offsets", "split", "fragment"),
    [
        (("0.002", "0.004"), ("0.5", "0.3", "0.2"), "equal length"),
        (("0.002", "0.004", "0.005"), ("0.5", "0.3", "0.3"), "add up to exactly 1"),
        (("0.004", "0.002", "0.005"), ("0.5", "0.3", "0.2"), "distinct and increasing"),
        (("0.002", "0.004", "0.05"), ("0.5", "0.3", "0.2"), "between 0 and 2 %"),
        (("0.002", "0.004", "0.005"), ("0.6", "0.5", "-0.1"), "positive share"),
    ],
)
def test_inconsistent_levels_are_refused(offsets, split, fragment):
    with pytest.raises(ValidationError, match=fragment):
        LiquidityLevels(offsets=offsets, split=split)


def test_default_prices_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARBON_DEFAULT_PRICES", '{"CEA": "15.50", "EUA": "80.00"}')

    assert Settings().default_prices["CEA"] == Decimal("15.50")
