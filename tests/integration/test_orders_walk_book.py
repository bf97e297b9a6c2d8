"""walk_book, the one walk of the book: price-time priority, the owner's orders skipped, quantity and EUR limits;
the MARKET estimate is that walk, and the engine then fills exactly what the estimate showed."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from core.errors import PermissionDenied, ValidationError
from core.market import walk_book
from core.order_entry import estimate_market_order
from core.orders import place_order
from tests.helpers import snapshot
from tests.trading import assert_consistent, fund_trader, make_desk


def sell(db, actors, mm, qty, price, cert="EUA"):
    return place_order(db, actors.admin.id, cert, "SELL", "LIMIT", qty, price, market_maker_id=mm.id)


def buy(db, actors, mm, qty, price, cert="EUA"):
    return place_order(db, actors.admin.id, cert, "BUY", "LIMIT", qty, price, market_maker_id=mm.id)


def walked(fills) -> list[tuple]:
    return [(f.order_id, f.price, f.quantity, f.amount) for f in fills]


def test_a_buy_walks_the_asks_cheapest_first_then_oldest_and_stops_at_its_quantity(db, actors):
    desk = make_desk(db, actors)
    dear = sell(db, actors, desk.ah, 5, "82.00")
    older = sell(db, actors, desk.ah, 5, "81.00")
    newer = sell(db, actors, desk.ah2, 5, "81.00")

    fills = walk_book(db, "EUA", "BUY", 7)

    assert walked(fills) == [
        (older.id, Decimal("81.00"), 5, Decimal("405.00")),
        (newer.id, Decimal("81.00"), 2, Decimal("162.00")),
    ]
    assert dear.id not in {f.order_id for f in walk_book(db, "EUA", "BUY", 10)}


def test_a_sell_walks_the_bids_highest_first(db, actors):
    desk = make_desk(db, actors)
    low = buy(db, actors, desk.lp, 5, "80.00")
    high = buy(db, actors, desk.lp2, 5, "80.50")

    fills = walk_book(db, "EUA", "SELL", 6)

    assert walked(fills) == [
        (high.id, Decimal("80.50"), 5, Decimal("402.50")),
        (low.id, Decimal("80.00"), 1, Decimal("80.00")),
    ]


def test_the_walk_skips_the_orders_of_its_owner_which_never_fill(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="0", eua=10)
    own = place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 4, "80.00")
    other = sell(db, actors, desk.ah, 5, "81.00")
    mm_own = sell(db, actors, desk.ah2, 5, "80.50")

    as_trader = walk_book(db, "EUA", "BUY", 5, entity_id=actors.entity.id)
    as_market_maker = walk_book(db, "EUA", "BUY", 5, market_maker_id=desk.ah2.id)

    assert [f.order_id for f in as_trader] == [mm_own.id]
    assert [f.order_id for f in as_market_maker] == [own.id, other.id]
    assert [f.quantity for f in as_market_maker] == [4, 1]


def test_a_buy_never_spends_more_than_its_eur_in_whole_certificates(db, actors):
    desk = make_desk(db, actors)
    cheap = sell(db, actors, desk.ah, 1, "81.00")
    dear = sell(db, actors, desk.ah, 5, "90.00")
    sell(db, actors, desk.ah2, 5, "90.50")

    assert walked(walk_book(db, "EUA", "BUY", 5, Decimal("200.00"))) == [
        (cheap.id, Decimal("81.00"), 1, Decimal("81.00")),
        (dear.id, Decimal("90.00"), 1, Decimal("90.00")),
    ]  # €29.00 buys nothing more at €90.00 or beyond
    assert walk_book(db, "EUA", "BUY", 5, Decimal("80.99")) == []
    assert sum(f.quantity for f in walk_book(db, "EUA", "BUY", None, Decimal("1000000.00"))) == 11


def test_a_sell_stops_once_its_proceeds_reach_the_amount(db, actors):
    desk = make_desk(db, actors)
    high = buy(db, actors, desk.lp, 3, "80.00")
    low = buy(db, actors, desk.lp2, 5, "79.00")

    reaching = walk_book(db, "EUA", "SELL", None, Decimal("300.00"))
    exact = walk_book(db, "EUA", "SELL", None, Decimal("240.00"))

    # €240.00 from the first bid; the €60.00 left needs one more certificate at €79.00 (ceil)
    assert walked(reaching) == [
        (high.id, Decimal("80.00"), 3, Decimal("240.00")),
        (low.id, Decimal("79.00"), 1, Decimal("79.00")),
    ]
    assert [f.order_id for f in exact] == [high.id]
    assert sum(f.quantity for f in walk_book(db, "EUA", "SELL", 2, Decimal("300.00"))) == 2  # the first limit wins


def test_without_limits_the_walk_covers_the_whole_other_side_of_its_book_only(db, actors):
    desk = make_desk(db, actors)
    sell(db, actors, desk.ah, 5, "81.00")
    sell(db, actors, desk.ah2, 7, "85.00")
    sell(db, actors, desk.ah, 9, "14.00", cert="CEA")
    buy(db, actors, desk.lp, 3, "80.00")

    fills = walk_book(db, "EUA", "BUY", None, None)

    assert [(f.price, f.quantity) for f in fills] == [(Decimal("81.00"), 5), (Decimal("85.00"), 7)]


def test_a_market_buy_fills_exactly_what_its_estimate_showed(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="500.00", eua=3)
    place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 3, "80.90")  # its own ask: cancelled, not bought
    sell(db, actors, desk.ah, 2, "81.00")
    sell(db, actors, desk.ah2, 1, "81.00")
    sell(db, actors, desk.ah, 10, "82.50")

    estimate = estimate_market_order(db, actors.trader.id, "EUA", "BUY", 8)
    order = place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 8)

    # €500.00 buys 3 at €81.00 and 3 at €82.50 (€490.50); the rest of the 8 is cancelled
    assert [(f.price, f.quantity) for f in estimate.fills] == [(f.price, f.quantity) for f in order.fills]
    assert (estimate.filled, estimate.total) == (6, Decimal("490.50"))
    assert order.filled_quantity == 6 and sum(f.amount for f in order.fills) == estimate.total
    assert (estimate.in_book, estimate.best_price, estimate.average_price) == (8, Decimal("81.00"), Decimal("81.75"))
    assert_consistent(db)


def test_a_market_sell_fills_exactly_what_its_estimate_showed(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="0", eua=20)
    buy(db, actors, desk.lp, 4, "80.00")
    buy(db, actors, desk.lp2, 10, "79.10")

    estimate = estimate_market_order(db, actors.trader.id, "EUA", "SELL", 9)
    order = place_order(db, actors.trader.id, "EUA", "SELL", "MARKET", 9)

    assert [(f.price, f.quantity) for f in estimate.fills] == [(f.price, f.quantity) for f in order.fills]
    assert estimate.total == sum(f.amount for f in order.fills) == Decimal("715.50")
    assert_consistent(db)


def test_a_market_order_moving_the_price_beyond_the_band_is_flagged_with_its_slippage(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    sell(db, actors, desk.ah, 10, "100.00")
    sell(db, actors, desk.ah2, 10, "103.00")

    within = estimate_market_order(db, actors.trader.id, "EUA", "BUY", 10)
    beyond = estimate_market_order(db, actors.trader.id, "EUA", "BUY", 15)

    assert (within.price_move_pct, within.slippage_pct, within.beyond_band) == (Decimal("0.00"), Decimal("0.00"), False)
    assert beyond.band_pct == Decimal("2")
    assert (beyond.worst_price, beyond.price_move_pct, beyond.beyond_band) == (Decimal("103.00"), Decimal("3.00"), True)
    assert (beyond.average_price, beyond.slippage_pct) == (Decimal("101.0000"), Decimal("1.00"))


def test_an_estimate_is_for_the_account_its_caller_trades_for(db, actors):
    desk = make_desk(db, actors)
    sell(db, actors, desk.ah, 10, "81.00")

    assert estimate_market_order(db, actors.admin.id, "EUA", "BUY", 2, market_maker_id=desk.lp.id).filled == 2
    with pytest.raises(ValidationError, match="Admins place orders for a market maker"):
        estimate_market_order(db, actors.admin.id, "EUA", "BUY", 2)
    with pytest.raises(PermissionDenied):
        estimate_market_order(db, actors.analyst.id, "EUA", "BUY", 2)
    with pytest.raises(PermissionDenied, match="own entity only"):
        estimate_market_order(db, actors.trader.id, "EUA", "BUY", 2, market_maker_id=desk.lp.id)


def set_tick(db, cert: str, tick: str) -> None:
    db.execute(text("UPDATE markets SET price_tick = :t WHERE certificate_type = :c"), {"t": tick, "c": cert})
    db.commit()


def test_a_limit_price_off_the_books_tick_is_refused_naming_the_tick(db, actors):
    fund_trader(db, actors, eur="1000.00")
    set_tick(db, "CEA", "0.05")
    before = snapshot(db)

    with pytest.raises(ValidationError, match=r"in steps of €0\.05, got 14\.03"):
        place_order(db, actors.trader.id, "CEA", "BUY", "LIMIT", 1, "14.03")

    assert snapshot(db) == before
    assert place_order(db, actors.trader.id, "CEA", "BUY", "LIMIT", 1, "14.05").price == Decimal("14.05")
    assert place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "14.03").price == Decimal("14.03")
