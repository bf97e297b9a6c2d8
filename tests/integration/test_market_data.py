"""Market data: the book by price level with cumulative depth, the stats header, recent trades."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text

from core.market import get_market_stats, get_order_book, get_recent_trades
from core.orders import place_order
from tests.trading import make_desk


def test_the_book_has_one_row_per_price_level_best_first_with_counts_and_cumulative_quantity(db, actors):
    desk = make_desk(db, actors)
    for mm, qty, price in ((desk.lp, 5, "80.00"), (desk.lp2, 3, "80.00"), (desk.lp, 2, "79.50")):
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", qty, price, market_maker_id=mm.id)
    for mm, qty, price in ((desk.ah, 4, "81.00"), (desk.ah2, 6, "81.25"), (desk.ah, 1, "81.00")):
        place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", qty, price, market_maker_id=mm.id)

    book = get_order_book(db, "EUA")

    assert [(lv.price, lv.quantity, lv.orders, lv.cumulative) for lv in book["bids"]] == [
        (Decimal("80.00"), 8, 2, 8),
        (Decimal("79.50"), 2, 1, 10),
    ]
    assert [(lv.price, lv.quantity, lv.orders, lv.cumulative) for lv in book.asks] == [
        (Decimal("81.00"), 5, 2, 5),
        (Decimal("81.25"), 6, 1, 11),
    ]
    assert (book.best_bid, book.best_ask) == (Decimal("80.00"), Decimal("81.00"))


def test_the_book_depth_limits_the_levels_per_side(db, actors):
    desk = make_desk(db, actors)
    for cents in range(10):
        place_order(
            db,
            actors.admin.id,
            "CEA",
            "SELL",
            "LIMIT",
            1,
            Decimal("14.00") + cents / Decimal(100),
            market_maker_id=desk.ah.id,
        )

    book = get_order_book(db, "CEA", depth=3)

    assert [lv.price for lv in book.asks] == [Decimal("14.00"), Decimal("14.01"), Decimal("14.02")]


def test_stats_of_an_empty_book_are_empty(db, actors):
    stats = get_market_stats(db, "EUA")

    assert (stats.best_bid, stats.best_ask, stats.last_price, stats.volume_24h, stats.trades_24h) == (
        None,
        None,
        None,
        0,
        0,
    )


def test_stats_show_spread_mid_last_and_the_24h_change_volume_high_and_low(db, actors):
    desk = make_desk(db, actors)
    for price in ("80.00", "82.00", "81.00"):
        place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 2, price, market_maker_id=desk.ah.id)
        place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 2, price, market_maker_id=desk.lp.id)
    # the first trade happened two days ago: it is the reference of the 24h change
    db.execute(text("UPDATE trades SET created_at = now() - interval '2 days' WHERE id = 1"))
    db.commit()
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "80.50", market_maker_id=desk.lp.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "81.50", market_maker_id=desk.ah.id)

    stats = get_market_stats(db, "EUA")

    assert (stats.best_bid, stats.best_ask, stats.spread, stats.mid) == (
        Decimal("80.50"),
        Decimal("81.50"),
        Decimal("1.00"),
        Decimal("81.000"),
    )
    assert stats.last_price == Decimal("81.00")
    assert (stats.change_24h, stats.change_pct_24h) == (Decimal("1.00"), Decimal("1.25"))
    assert (stats.volume_24h, stats.turnover_24h, stats.trades_24h) == (4, Decimal("326.00"), 2)
    assert (stats.high_24h, stats.low_24h) == (Decimal("82.00"), Decimal("81.00"))
    assert stats.last_trade_at is not None and stats.last_trade_at - stats.last_trade_at == timedelta(0)


def test_recent_trades_are_newest_first_and_limited(db, actors):
    desk = make_desk(db, actors)
    for price in ("80.00", "80.10", "80.20"):
        place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, price, market_maker_id=desk.ah.id)
        place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 1, market_maker_id=desk.lp.id)

    trades = get_recent_trades(db, "EUA", limit=2)

    assert [t.price for t in trades] == [Decimal("80.20"), Decimal("80.10")]
    assert all(t.aggressor_side == "BUY" and t.amount == t.price for t in trades)
