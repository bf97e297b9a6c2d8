"""Matching: price-time priority, fills at the resting price, partial fills, market remainders, settlement."""

from decimal import Decimal

from sqlalchemy import text

from core.enums import OrderStatus
from core.market import get_order_book
from core.orders import place_order
from tests.trading import assert_consistent, balance, fund_trader, make_desk, totals


def sell(db, actors, mm, qty, price, cert="EUA"):
    return place_order(db, actors.admin.id, cert, "SELL", "LIMIT", qty, price, market_maker_id=mm.id)


def buy(db, actors, mm, qty, price, cert="EUA"):
    return place_order(db, actors.admin.id, cert, "BUY", "LIMIT", qty, price, market_maker_id=mm.id)


def test_a_buy_takes_the_best_ask_first_and_older_orders_first_at_equal_price(db, actors):
    desk = make_desk(db, actors)
    dear = sell(db, actors, desk.ah, 5, "82.00")
    older = sell(db, actors, desk.ah, 5, "81.00")
    newer = sell(db, actors, desk.ah2, 5, "81.00")

    order = buy(db, actors, desk.lp, 7, "82.00")

    assert [(f.sell_order_id, f.quantity, f.price) for f in order.fills] == [
        (older.id, 5, Decimal("81.00")),
        (newer.id, 2, Decimal("81.00")),
    ]
    assert order.status is OrderStatus.FILLED
    book = get_order_book(db, "EUA")
    assert [(lv.price, lv.quantity) for lv in book.asks] == [(Decimal("81.00"), 3), (Decimal("82.00"), 5)]
    assert dear.id not in {f.sell_order_id for f in order.fills}
    assert_consistent(db)


def test_a_sell_takes_the_highest_bid_first(db, actors):
    desk = make_desk(db, actors)
    low = buy(db, actors, desk.lp, 5, "80.00")
    high = buy(db, actors, desk.lp2, 5, "80.50")

    order = sell(db, actors, desk.ah, 6, "79.00")

    assert [(f.buy_order_id, f.quantity, f.price) for f in order.fills] == [
        (high.id, 5, Decimal("80.50")),
        (low.id, 1, Decimal("80.00")),
    ]
    assert all(f.aggressor_side == "SELL" for f in order.fills)
    assert_consistent(db)


def test_a_limit_remainder_rests_and_the_book_is_not_crossed(db, actors):
    desk = make_desk(db, actors)
    sell(db, actors, desk.ah, 3, "81.00")

    order = buy(db, actors, desk.lp, 10, "81.20")

    assert (order.status, order.filled_quantity, order.remaining_quantity) == (OrderStatus.PARTIALLY_FILLED, 3, 7)
    assert order.locked_amount == Decimal("568.40")  # 7 x 81.20 still held
    book = get_order_book(db, "EUA")
    assert book.asks == [] and [(lv.price, lv.quantity) for lv in book.bids] == [(Decimal("81.20"), 7)]
    assert_consistent(db)


def test_a_buy_filling_below_its_limit_gets_the_unused_eur_back(db, actors):
    desk = make_desk(db, actors, eur="10000.00")
    sell(db, actors, desk.ah, 10, "80.00")

    order = buy(db, actors, desk.lp, 10, "81.00")

    assert order.status is OrderStatus.FILLED and order.locked_amount == 0
    assert balance(db, "EUR", market_maker_id=desk.lp.id) == (Decimal("9200.00"), Decimal("0.00"))
    assert balance(db, "EUR", market_maker_id=desk.ah.id) == (Decimal("800.00"), Decimal("0.00"))
    assert balance(db, "EUA", market_maker_id=desk.lp.id) == (Decimal("10"), Decimal("0"))
    assert_consistent(db)


def test_each_trade_writes_a_trades_row_and_ledger_legs_for_both_sides(db, actors):
    desk = make_desk(db, actors)
    resting = sell(db, actors, desk.ah, 4, "81.00")

    order = buy(db, actors, desk.lp, 4, "81.50")

    (trade,) = order.fills
    assert (trade.buy_order_id, trade.sell_order_id, trade.aggressor_side) == (order.id, resting.id, "BUY")
    legs = db.execute(
        text(
            "SELECT coalesce(market_maker_id, 0), asset::text, transaction_type::text, amount FROM asset_transactions "
            "WHERE reference_type = 'trade' AND reference_id = :t ORDER BY id"
        ),
        {"t": trade.id},
    ).all()
    assert [tuple(leg) for leg in legs] == [
        (desk.lp.id, "EUR", "TRADE_DEBIT", Decimal("324.00")),
        (desk.ah.id, "EUR", "TRADE_CREDIT", Decimal("324.00")),
        (desk.ah.id, "EUA", "TRADE_DEBIT", Decimal("4")),
        (desk.lp.id, "EUA", "TRADE_CREDIT", Decimal("4")),
        (desk.lp.id, "EUR", "UNLOCK", Decimal("2.00")),  # bought at 81.00 with a limit of 81.50
    ]
    db.rollback()


def test_a_market_buy_fills_what_the_book_offers_and_cancels_the_rest(db, actors):
    desk = make_desk(db, actors)
    sell(db, actors, desk.ah, 3, "81.00")
    sell(db, actors, desk.ah2, 2, "81.10")
    before = totals(db)

    order = place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 10, market_maker_id=desk.lp.id)

    assert [(f.price, f.quantity) for f in order.fills] == [(Decimal("81.00"), 3), (Decimal("81.10"), 2)]
    assert (order.status, order.cancel_reason, order.locked_amount) == (OrderStatus.CANCELLED, "MARKET_REMAINDER", 0)
    assert balance(db, "EUR", market_maker_id=desk.lp.id)[1] == 0
    assert totals(db) == before
    assert_consistent(db)


def test_a_market_buy_locks_only_what_it_can_spend_and_stops_there(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="200.00")
    sell(db, actors, desk.ah, 1, "81.00")
    sell(db, actors, desk.ah, 5, "90.00")

    order = place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 5)

    # €200 buys one at 81.00 and one at 90.00; €29.00 is left and never was locked
    assert [(f.price, f.quantity) for f in order.fills] == [(Decimal("81.00"), 1), (Decimal("90.00"), 1)]
    assert order.status is OrderStatus.CANCELLED and order.filled_quantity == 2
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("29.00"), Decimal("0.00"))
    lock = db.execute(
        text(
            "SELECT amount FROM asset_transactions WHERE reference_type = 'order' AND transaction_type = 'LOCK' "
            "AND reference_id = :o"
        ),
        {"o": order.id},
    ).scalar_one()
    db.rollback()
    assert lock == Decimal("171.00")
    assert_consistent(db)


def test_a_market_sell_fills_the_bids_and_unlocks_its_remainder(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur=0, eua=10)
    buy(db, actors, desk.lp, 4, "80.00")

    order = place_order(db, actors.trader.id, "EUA", "SELL", "MARKET", 10)

    assert (order.filled_quantity, order.status, order.cancel_reason) == (4, OrderStatus.CANCELLED, "MARKET_REMAINDER")
    assert balance(db, "EUA", entity_id=actors.entity.id) == (Decimal("6"), Decimal("0"))
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("320.00"), Decimal("0.00"))
    assert_consistent(db)


def test_the_two_books_are_independent(db, actors):
    desk = make_desk(db, actors)
    sell(db, actors, desk.ah, 5, "14.00", cert="CEA")

    order = buy(db, actors, desk.lp, 5, "81.00", cert="EUA")

    assert order.fills == [] and order.status is OrderStatus.OPEN
    assert [lv.price for lv in get_order_book(db, "CEA").asks] == [Decimal("14.00")]
    assert_consistent(db)


def test_a_trader_buys_from_a_market_maker_and_holds_the_certificates(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="1000.00")
    sell(db, actors, desk.ah, 10, "14.25", cert="CEA")

    order = place_order(db, actors.trader.id, "CEA", "BUY", "LIMIT", 10, "14.25")

    assert order.status is OrderStatus.FILLED and order.entity_id == actors.entity.id
    assert order.average_fill_price == Decimal("14.2500")
    assert balance(db, "CEA", entity_id=actors.entity.id) == (Decimal("10"), Decimal("0"))
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("857.50"), Decimal("0.00"))
    assert_consistent(db)
