"""Cancelling unlocks exactly what an order still holds; an order never trades with its own owner."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.enums import OrderStatus
from core.errors import PermissionDenied
from core.market import get_order_book
from core.order_entry import estimate_market_order, own_orders_met
from core.orders import OwnOrder, cancel_order, get_my_orders, get_self_trade_cancels, place_order
from tests.trading import assert_consistent, balance, fund_trader, make_desk


def test_cancelling_an_open_buy_unlocks_exactly_its_eur(db, actors):
    fund_trader(db, actors, eur="1000.00")
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 3, "80.33")
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("759.01"), Decimal("240.99"))

    cancelled = cancel_order(db, order.id, actors.trader.id)

    assert (cancelled.status, cancelled.cancel_reason, cancelled.locked_amount) == (OrderStatus.CANCELLED, "USER", 0)
    assert cancelled.cancelled_by == actors.trader.id
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("1000.00"), Decimal("0.00"))
    assert_consistent(db)


def test_cancelling_a_partly_filled_sell_unlocks_only_the_remaining_certificates(db, actors):
    desk = make_desk(db, actors, certificates=50)
    order = place_order(db, actors.admin.id, "CEA", "SELL", "LIMIT", 10, "14.00", market_maker_id=desk.ah.id)
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 4, "14.00", market_maker_id=desk.lp.id)

    cancelled = cancel_order(db, order.id, actors.admin.id)

    assert (cancelled.filled_quantity, cancelled.status) == (4, OrderStatus.CANCELLED)
    assert balance(db, "CEA", market_maker_id=desk.ah.id) == (Decimal("46"), Decimal("0"))
    assert get_order_book(db, "CEA").asks == []
    assert_consistent(db)


def test_cancelling_a_partly_filled_buy_returns_the_eur_of_the_remainder_at_its_limit(db, actors):
    desk = make_desk(db, actors, eur="1000.00")
    order = place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 10, "80.00", market_maker_id=desk.lp.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 3, "79.00", market_maker_id=desk.ah.id)

    cancel_order(db, order.id, actors.admin.id)

    # the 3 sold at the bid's own price 80.00 (resting price); 7 x 80.00 come back
    assert balance(db, "EUR", market_maker_id=desk.lp.id) == (Decimal("760.00"), Decimal("0.00"))
    assert_consistent(db)


def test_an_order_meeting_its_owners_resting_order_cancels_that_order_and_trades_on(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=5)
    own_ask = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 5, "80.00")
    other_ask = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "80.50", market_maker_id=desk.ah.id)

    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "81.00")

    assert [f.sell_order_id for f in order.fills] == [other_ask.id]
    (cancelled,) = [o for o in get_my_orders(db, actors.trader.id) if o.id == own_ask.id]
    assert (cancelled.status, cancelled.cancel_reason) == (OrderStatus.CANCELLED, "SELF_TRADE")
    assert cancelled.cancelled_by is None  # the engine's own cancel: no person did it
    assert balance(db, "EUA", entity_id=actors.entity.id) == (Decimal("10"), Decimal("0"))
    assert_consistent(db)


def test_a_limit_order_whose_only_cross_is_its_owner_rests_after_cancelling_it(db, actors):
    fund_trader(db, actors, eur="1000.00", eua=5)
    own_bid = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "80.00")

    order = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 5, "79.00")

    assert order.fills == [] and order.status is OrderStatus.OPEN
    book = get_order_book(db, "EUA")
    assert book.bids == [] and [lv.price for lv in book.asks] == [Decimal("79.00")]
    assert {o.id: o.cancel_reason for o in get_my_orders(db, actors.trader.id)}[own_bid.id] == "SELF_TRADE"
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("1000.00"), Decimal("0.00"))
    assert_consistent(db)


def test_my_orders_lists_the_entity_orders_of_a_trader_and_the_orders_an_admin_placed(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="1000.00")
    mine = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "80.00")
    admins = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "90.00", market_maker_id=desk.ah.id)
    cancel_order(db, mine.id, actors.trader.id)

    assert [o.id for o in get_my_orders(db, actors.trader.id)] == [mine.id]
    assert get_my_orders(db, actors.trader.id, status="OPEN") == []
    assert [o.id for o in get_my_orders(db, actors.admin.id, status=["OPEN", "PARTIALLY_FILLED"])] == [admins.id]


def test_the_entry_names_the_own_orders_a_limit_order_would_meet_and_the_order_reports_those_it_cancelled(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    first_own = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "80.00")
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 4, "79.95", market_maker_id=desk.lp.id)
    second_own = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 3, "79.90")
    beyond_limit = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 2, "79.00")

    met = own_orders_met(db, actors.trader.id, "EUA", "SELL", 10, price=Decimal("79.50"))
    order = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 10, "79.50")

    expected = [
        OwnOrder(order_id=first_own.id, price=Decimal("80.00"), quantity=5),
        OwnOrder(order_id=second_own.id, price=Decimal("79.90"), quantity=3),
    ]
    assert met == expected
    assert get_self_trade_cancels(db, order.id, user_id=actors.trader.id) == expected
    assert (order.filled_quantity, order.remaining_quantity) == (4, 6)
    assert {o.id: o.status for o in get_my_orders(db, actors.trader.id)}[beyond_limit.id] is OrderStatus.OPEN


def test_an_order_reports_only_the_own_orders_it_cancelled_itself(db, actors):
    fund_trader(db, actors, eur="10000.00", eua=20)
    earlier = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "80.00")
    earlier_sell = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 2, "79.00")  # cancels `earlier`
    later = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "78.00")  # meets nothing: the ask is 79.00

    quiet = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 1, "90.00")  # meets nothing either

    assert get_self_trade_cancels(db, earlier_sell.id, user_id=actors.trader.id) == [
        OwnOrder(order_id=earlier.id, price=Decimal("80.00"), quantity=5)
    ]
    assert get_self_trade_cancels(db, later.id, user_id=actors.trader.id) == []
    assert get_self_trade_cancels(db, quiet.id, user_id=actors.trader.id) == []


def test_a_market_buys_estimate_names_the_own_asks_it_would_meet_as_the_engine_walks_with_its_eur(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="200.00", eua=20)
    own_ask = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 7, "80.00")
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 2, "80.50", market_maker_id=desk.ah.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "80.60", market_maker_id=desk.ah2.id)  # unaffordable
    place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 3, "81.00")  # after the walk's end: not met

    estimate = estimate_market_order(db, actors.trader.id, "EUA", "BUY", 10)
    order = place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 10)

    assert [(f.price, f.quantity) for f in estimate.fills] == [(Decimal("80.50"), 2)]
    assert estimate.own_orders == [OwnOrder(order_id=own_ask.id, price=Decimal("80.00"), quantity=7)]
    assert get_self_trade_cancels(db, order.id, user_id=actors.trader.id) == estimate.own_orders


def test_another_entitys_trader_cannot_read_which_orders_an_order_cancelled(db, actors):
    desk = make_desk(db, actors)
    order = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "80.00", market_maker_id=desk.ah.id)

    with pytest.raises(PermissionDenied):
        get_self_trade_cancels(db, order.id, user_id=actors.trader.id)


def test_the_database_refuses_a_canceller_on_an_order_that_is_not_cancelled(db, actors):
    fund_trader(db, actors, eur="1000.00")
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 3, "80.33")

    with pytest.raises(IntegrityError, match="orders_cancelled_by_only_cancelled"):
        db.execute(text("UPDATE orders SET cancelled_by = :u WHERE id = :o"), {"u": actors.trader.id, "o": order.id})
