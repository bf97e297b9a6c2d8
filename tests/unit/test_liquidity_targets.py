"""Create Liquidity's typed targets: every fault at once, each under the field or book it belongs to."""

from decimal import Decimal

import pytest

from core.errors import InvalidFields
from core.liquidity_targets import parse_liquidity_targets
from core.planning import target_field


def test_targets_are_read_exactly_per_book_in_book_order():
    assert parse_liquidity_targets({"EUA": ("€1,000.50", "0"), "CEA": ("0", "200")}) == [
        ("CEA", Decimal("0.00"), Decimal("200.00")),
        ("EUA", Decimal("1000.50"), Decimal("0.00")),
    ]


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_side_left_blank_asks_for_nothing_there_whether_empty_or_spaces(blank):
    assert parse_liquidity_targets({"EUA": (blank, "500")}) == [("EUA", Decimal("0"), Decimal("500.00"))]

    with pytest.raises(InvalidFields) as refused:
        parse_liquidity_targets({"EUA": (blank, "  ")})
    assert refused.value.faults == {
        target_field("EUA"): "Enter a BID or ASK liquidity amount above zero (one side alone is fine)"
    }


def test_every_fault_is_named_at_once_under_its_field_or_its_book():
    with pytest.raises(InvalidFields) as refused:
        parse_liquidity_targets({"CEA": ("0", "0"), "EUA": ("x", "2000000000000")})

    assert refused.value.faults == {
        target_field("CEA"): "Enter a CEA BID or CEA ASK liquidity amount above zero (one side alone is fine)",
        target_field("EUA", "bid"): "EUA BID liquidity must be a number, got 'x'",
        target_field(
            "EUA", "ask"
        ): "EUA ASK liquidity 2000000000000 is above the maximum of €1,000,000,000,000 accepted in one operation",
    }


def test_the_eua_book_left_at_zero_asks_for_an_eua_bid_not_a_eua_bid():
    with pytest.raises(InvalidFields) as refused:
        parse_liquidity_targets({"CEA": ("100", "0"), "EUA": ("0", "0")})

    assert refused.value.faults == {
        target_field("EUA"): "Enter an EUA BID or EUA ASK liquidity amount above zero (one side alone is fine)"
    }
