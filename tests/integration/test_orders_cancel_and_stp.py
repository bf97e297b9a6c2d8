"""Cancelling unlocks exactly what an order still holds; an order never trades with its own owner."""

from decimal import Decimal

from core.enums import OrderStatus
from core.market import get_order_book
from core.orders import cancel_order, get_my_orders, place_order
from tests.trading import assert_consistent, balance, fund_trader, make_desk


def test_cancelling_an_open_buy_unlocks_exactly_its_eur(db, actors):
    fund_trader(db, actors, eur="1000.00")
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 3, "80.33")
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("759.01"), Decimal("240.99"))

    cancelled = cancel_order(db, order.id, actors.trader.id)

    assert (cancelled.status, cancelled.cancel_reason, cancelled.locked_amount) == (OrderStatus.CANCELLED, "USER", 0)
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
