"""Slippage for a fixed EUR amount on the live book, walked as the engine walks it (walk_book): a BUY spends at
most the amount, a SELL sells until its proceeds reach it, in whole certificates. Expectations by hand."""

from decimal import Decimal

import pytest

from core.errors import PermissionDenied, ValidationError
from core.market_quality import slippage
from tests.helpers import snapshot as table_snapshot
from tests.quality_helpers import holder, provider, quote

D = Decimal


@pytest.fixture
def book(db, actors):
    """EUA, mid 99.500: asks 10 @ 100.00, 10 @ 101.00, 10 @ 102.00 (3,030 in all); bids 10 @ 99.00, 20 @ 98.00
    (2,950 in all)."""
    lp1, lp2 = provider(db, actors, "LP One"), provider(db, actors, "LP Two")
    ah1, ah2 = holder(db, actors, "AH One"), holder(db, actors, "AH Two")
    quote(db, actors, ah1, "EUA", "100.00", 10)
    quote(db, actors, ah2, "EUA", "101.00", 10)
    quote(db, actors, ah1, "EUA", "102.00", 10)
    quote(db, actors, lp1, "EUA", "99.00", 10)
    quote(db, actors, lp2, "EUA", "98.00", 20)


def test_a_buy_walks_the_asks_level_by_level_spending_at_most_the_amount(db, actors, book):
    result = slippage(db, "EUA", "BUY", "2500", user_id=actors.analyst.id)

    # 10 x 100.00 + 10 x 101.00 = 2,010; 490 left buys 4 at 102.00 (408)
    assert (result.quantity, result.filled_eur, result.fillable) == (24, D("2418.00"), True)
    assert result.average_price == D("100.7500")
    assert result.mid == D("99.500")
    assert result.slippage_bps == D("125.63")  # 1.25 / 99.5 x 10,000


def test_a_sell_walks_the_bids_until_its_proceeds_reach_the_amount(db, actors, book):
    result = slippage(db, "EUA", "SELL", "1500", user_id=actors.analyst.id)

    # 10 x 99.00 = 990; then 6 at 98.00 (588) passes 1,500
    assert (result.quantity, result.filled_eur, result.fillable) == (16, D("1578.00"), True)
    assert result.average_price == D("98.6250")
    assert result.slippage_bps == D("87.94")  # 0.875 / 99.5 x 10,000


@pytest.mark.parametrize(
    ("side", "amount", "quantity", "filled", "average", "bps"),
    [
        ("BUY", "10000", 30, "3030.00", "101.0000", "150.75"),  # every ask: 3,030 < 10,000
        ("SELL", "5000", 30, "2950.00", "98.3333", "117.25"),  # every bid: 2,950 < 5,000
    ],
)
def test_an_amount_the_book_cannot_absorb_takes_everything_and_is_not_fillable(
    db, actors, book, side, amount, quantity, filled, average, bps
):
    result = slippage(db, "EUA", side, amount, user_id=actors.analyst.id)

    assert (result.quantity, result.filled_eur, result.fillable) == (quantity, D(filled), False)
    assert (result.average_price, result.slippage_bps) == (D(average), D(bps))


def test_an_amount_the_whole_side_just_covers_is_fillable(db, actors, book):
    result = slippage(db, "EUA", "BUY", "3030", user_id=actors.admin.id)

    assert (result.quantity, result.filled_eur, result.fillable) == (30, D("3030.00"), True)


def test_an_amount_below_one_certificate_buys_nothing_and_has_no_price(db, actors, book):
    result = slippage(db, "EUA", "BUY", "99.99", user_id=actors.analyst.id)

    assert (result.quantity, result.filled_eur, result.average_price, result.slippage_bps) == (0, D(0), None, None)


def test_without_a_mid_there_is_a_price_but_no_slippage(db, actors):
    ah = holder(db, actors, "AH")
    quote(db, actors, ah, "CEA", "14.00", 100)

    result = slippage(db, "CEA", "BUY", "700", user_id=actors.analyst.id)

    assert (result.quantity, result.average_price, result.mid, result.slippage_bps) == (50, D("14.0000"), None, None)
    assert result.fillable


def test_an_empty_book_cannot_absorb_anything(db, actors):
    result = slippage(db, "CEA", "SELL", "10000", user_id=actors.analyst.id)

    assert (result.quantity, result.fillable, result.average_price) == (0, False, None)


def test_traders_may_not_measure_slippage_and_nothing_changes(db, actors, book):
    before = table_snapshot(db)

    with pytest.raises(PermissionDenied, match="Only admins or analysts may read market quality"):
        slippage(db, "EUA", "BUY", "10000", user_id=actors.trader.id)

    assert table_snapshot(db) == before


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [("0", "greater than zero"), ("-5", "greater than zero"), ("abc", "must be a number"), ("1.005", "2 decimals")],
)
def test_an_amount_that_is_not_a_positive_eur_amount_is_refused(db, actors, amount, fragment):
    with pytest.raises(ValidationError, match=fragment):
        slippage(db, "EUA", "BUY", amount, user_id=actors.analyst.id)
