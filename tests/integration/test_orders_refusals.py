"""Refusals: every refused order or cancel changes nothing, and says why in a sentence."""

from decimal import Decimal

import pytest

from core.errors import Conflict, InsufficientFunds, NotFound, PermissionDenied, ValidationError
from core.market_makers import create_market_maker, deactivate_market_maker
from core.orders import cancel_order, place_order
from tests.helpers import snapshot
from tests.trading import assert_consistent, fund_trader, make_desk


def test_a_buy_beyond_the_available_eur_is_refused_and_changes_nothing(db, actors):
    fund_trader(db, actors, eur="100.00")
    before = snapshot(db)

    with pytest.raises(InsufficientFunds, match=r"needs €162\.00 \(2 . €81\.00\), trader firm .Trader Firm. has €100"):
        place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 2, "81.00")

    assert snapshot(db) == before


def test_a_sell_beyond_the_available_certificates_is_refused_and_changes_nothing(db, actors):
    fund_trader(db, actors, eur=0, eua=3)
    before = snapshot(db)

    with pytest.raises(InsufficientFunds, match='Not enough EUA: this sell needs 4, trader firm "Trader Firm" has 3'):
        place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 4, "81.00")

    assert snapshot(db) == before


def test_eur_locked_by_an_open_order_is_not_available_twice(db, actors):
    fund_trader(db, actors, eur="100.00")
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "60.00")
    before = snapshot(db)

    with pytest.raises(InsufficientFunds, match=r"€40\.00 available"):
        place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "60.00")

    assert snapshot(db) == before


def test_a_market_order_on_an_empty_book_is_refused(db, actors):
    fund_trader(db, actors, eur="1000.00")
    before = snapshot(db)

    with pytest.raises(ValidationError, match="no sell orders in the EUA book to fill a market buy"):
        place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 1)

    assert snapshot(db) == before


def test_a_market_buy_that_cannot_afford_one_certificate_is_refused(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="50.00")
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "81.00", market_maker_id=desk.ah.id)
    before = snapshot(db)

    with pytest.raises(InsufficientFunds, match=r"buy even one certificate at the best ask €81\.00"):
        place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 1)

    assert snapshot(db) == before


def test_a_post_only_order_that_would_trade_is_refused(db, actors):
    desk = make_desk(db, actors)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "81.00", market_maker_id=desk.ah.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match=r"post-only order would trade at once against the best ask at €81\.00"):
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "81.00", market_maker_id=desk.lp.id, post_only=True)

    assert snapshot(db) == before


def test_a_post_only_order_that_does_not_cross_rests(db, actors):
    desk = make_desk(db, actors)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "81.00", market_maker_id=desk.ah.id)

    order = place_order(
        db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "80.99", market_maker_id=desk.lp.id, post_only=True
    )

    assert order.is_open and order.post_only
    assert_consistent(db)


def test_a_deactivated_market_maker_cannot_place_orders(db, actors):
    mm = create_market_maker(db, "Gone", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=100)
    deactivate_market_maker(db, mm.id, actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match='"Gone" is deactivated'):
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "10.00", market_maker_id=mm.id)

    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"quantity": 0, "price": "81"}, ValidationError, "greater than zero"),
        ({"quantity": "1.5", "price": "81"}, ValidationError, "whole units"),
        ({"quantity": 1, "price": "81.005"}, ValidationError, "at most 2 decimals"),
        ({"quantity": 1, "price": "0"}, ValidationError, "greater than zero"),
        ({"quantity": 1, "price": None}, ValidationError, "needs a price"),
        ({"quantity": 1, "price": "81", "order_type": "MARKET"}, ValidationError, "takes no price"),
        ({"quantity": 1, "price": "81", "side": "HOLD"}, ValidationError, "Unknown order side"),
        ({"quantity": 1, "price": "81", "certificate_type": "XYZ"}, ValidationError, "Unknown certificate type"),
        ({"quantity": 10**12, "price": "81"}, ValidationError, "above the maximum of €1,000,000,000,000 accepted"),
        ({"quantity": 1, "price": None, "order_type": "MARKET", "post_only": True}, ValidationError, "limit orders"),
    ],
)
def test_malformed_orders_are_refused_and_change_nothing(db, actors, kwargs, error, fragment):
    fund_trader(db, actors, eur="1000.00")
    args = {"certificate_type": "EUA", "side": "BUY", "order_type": "LIMIT", **kwargs}
    before = snapshot(db)

    with pytest.raises(error, match=fragment):
        place_order(db, actors.trader.id, **args)

    assert snapshot(db) == before


def test_who_may_place_for_whom_is_enforced(db, actors):
    desk = make_desk(db, actors)
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="own entity only"):
        place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "10", market_maker_id=desk.lp.id)
    with pytest.raises(ValidationError, match="Admins place orders for a market maker"):
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "10")
    with pytest.raises(PermissionDenied, match="Only admins or traders may place orders"):
        place_order(db, actors.analyst.id, "EUA", "BUY", "LIMIT", 1, "10", market_maker_id=desk.lp.id)
    with pytest.raises(NotFound, match="Market maker 999 does not exist"):
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "10", market_maker_id=999)

    assert snapshot(db) == before


def test_cancelling_someone_elses_order_is_refused(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="1000.00")
    mm_order = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "90", market_maker_id=desk.ah.id)
    trader_order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "80")
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="only your own"):
        cancel_order(db, mm_order.id, actors.trader.id)
    with pytest.raises(PermissionDenied, match="only its traders"):
        cancel_order(db, trader_order.id, actors.admin.id)
    with pytest.raises(PermissionDenied):
        cancel_order(db, mm_order.id, actors.analyst.id)
    with pytest.raises(NotFound, match="Order 999 does not exist"):
        cancel_order(db, 999, actors.admin.id)

    assert snapshot(db) == before


def test_a_closed_order_cannot_be_cancelled_again(db, actors):
    fund_trader(db, actors, eur="1000.00")
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "80")
    cancel_order(db, order.id, actors.trader.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match="already cancelled"):
        cancel_order(db, order.id, actors.trader.id)

    assert snapshot(db) == before
    assert Decimal(0) == order.filled_quantity
