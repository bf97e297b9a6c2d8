"""One trading account's reads: balances with their locks, every open order, the closed history a page at a time,
and the fills with their order's average price; a trader reads its entity, an admin the market maker it names."""

from decimal import Decimal

import pytest

from core.enums import AssetType, OrderStatus
from core.errors import NotFound, PermissionDenied, ValidationError
from core.market_makers import deactivate_market_maker
from core.orders import cancel_order, place_order
from core.trading_account import get_fills, get_open_orders, get_order_history, get_trading_account
from tests.trading import fund_trader, make_desk


def test_an_open_order_is_listed_however_many_orders_came_after_it(db, actors, monkeypatch):
    fund_trader(db, actors, eur="10000.00")
    oldest = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "70.00")
    for _ in range(4):
        cancel_order(db, place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "71.00").id, actors.trader.id)
    newest = place_order(db, actors.trader.id, "CEA", "BUY", "LIMIT", 2, "14.00")
    monkeypatch.setattr("core.orders.MY_ORDERS_LIMIT", 3)  # get_my_orders' window: open orders never depend on it

    orders = get_open_orders(db, actors.trader.id)

    assert [o.id for o in orders] == [newest.id, oldest.id]
    assert all(o.is_open for o in orders)


def test_open_orders_carry_their_fills_and_an_admin_reads_those_of_the_market_maker_it_names(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    resting = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 10, "81.00", market_maker_id=desk.ah.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "82.00", market_maker_id=desk.ah2.id)
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 4, "81.00")

    (partly,) = get_open_orders(db, actors.admin.id, market_maker_id=desk.ah.id)

    assert (partly.id, partly.status, partly.filled_quantity) == (resting.id, OrderStatus.PARTIALLY_FILLED, 4)
    assert partly.average_fill_price == Decimal("81.0000")
    assert get_open_orders(db, actors.trader.id) == []


def test_the_closed_history_comes_a_page_at_a_time_most_recently_closed_first(db, actors):
    fund_trader(db, actors, eur="10000.00")
    placed = [place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, f"7{i}.00") for i in range(5)]
    for order in placed:
        cancel_order(db, order.id, actors.trader.id)
    still_open = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "60.00")

    first = get_order_history(db, actors.trader.id, page=1, page_size=2)
    last = get_order_history(db, actors.trader.id, page=3, page_size=2)

    assert (first.total, first.pages, first.page, first.page_size) == (5, 3, 1, 2)
    assert [o.id for o in first.items] == [placed[4].id, placed[3].id]
    assert [o.id for o in last.items] == [placed[0].id]
    assert still_open.id not in {o.id for page in (first, last) for o in page.items}
    assert get_order_history(db, actors.trader.id, page=4, page_size=2).items == []


def test_fills_show_time_price_quantity_and_the_average_price_of_their_order(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00")
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 10, "81.00", market_maker_id=desk.ah.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "81.20", market_maker_id=desk.ah2.id)
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 12, "81.20")

    fills = get_fills(db, actors.trader.id)
    seller = get_fills(db, actors.admin.id, market_maker_id=desk.ah2.id)

    assert fills.total == 2
    assert [(f.order_id, f.side, f.price, f.quantity, f.amount) for f in fills.items] == [
        (order.id, "BUY", Decimal("81.20"), 2, Decimal("162.40")),
        (order.id, "BUY", Decimal("81.00"), 10, Decimal("810.00")),
    ]
    assert {f.order_average_price for f in fills.items} == {Decimal("81.0333")}  # €972.40 / 12
    assert fills.items[0].created_at >= fills.items[1].created_at
    assert [(f.side, f.quantity, f.order_average_price) for f in seller.items] == [("SELL", 2, Decimal("81.2000"))]
    assert get_fills(db, actors.trader.id, page=2, page_size=1).items[0].price == Decimal("81.00")


def test_a_trader_sees_what_is_available_and_what_its_open_orders_lock(db, actors):
    fund_trader(db, actors, eur="1000.00", eua=20)
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 3, "80.00")
    place_order(db, actors.trader.id, "EUA", "SELL", "LIMIT", 5, "90.00")

    account = get_trading_account(db, actors.trader.id)

    assert (account.name, account.entity_id, account.market_maker_id) == ("Trader Firm", actors.entity.id, None)
    held = {a: (b.available, b.locked) for a, b in account.balances.items()}
    assert held == {
        AssetType.EUR: (Decimal("760.00"), Decimal("240.00")),
        AssetType.EUA: (Decimal("15"), Decimal("5")),
        AssetType.CEA: (Decimal("0"), Decimal("0")),
    }


def test_an_admin_reads_the_account_of_the_market_maker_it_names(db, actors):
    desk = make_desk(db, actors, eur="5000.00")

    account = get_trading_account(db, actors.admin.id, market_maker_id=desk.lp.id)

    assert (account.name, account.market_maker_id) == ("LP One", desk.lp.id)
    assert account.balances[AssetType.EUR].available == Decimal("5000.00")


def test_an_account_says_whether_it_still_trades_a_market_maker_deactivated_since_does_not(db, actors):
    desk = make_desk(db, actors)
    deactivate_market_maker(db, desk.lp2.id, actors.admin.id)

    assert get_trading_account(db, actors.admin.id, market_maker_id=desk.lp.id).active
    assert not get_trading_account(db, actors.admin.id, market_maker_id=desk.lp2.id).active
    assert get_trading_account(db, actors.trader.id).active  # a trader firm


@pytest.mark.parametrize(
    "read",
    [
        lambda db, uid, **kw: get_trading_account(db, uid, **kw),
        lambda db, uid, **kw: get_open_orders(db, uid, **kw),
        lambda db, uid, **kw: get_order_history(db, uid, **kw),
        lambda db, uid, **kw: get_fills(db, uid, **kw),
    ],
    ids=["account", "open orders", "history", "fills"],
)
def test_who_may_read_which_account_is_enforced(db, actors, read):
    desk = make_desk(db, actors)

    with pytest.raises(PermissionDenied, match="own entity only"):
        read(db, actors.trader.id, market_maker_id=desk.lp.id)
    with pytest.raises(ValidationError, match=r"Admins .* for a market maker: choose which one"):
        read(db, actors.admin.id)
    with pytest.raises(PermissionDenied, match="Only admins or traders"):
        read(db, actors.analyst.id, market_maker_id=desk.lp.id)
    with pytest.raises(NotFound, match="Market maker 999 does not exist"):
        read(db, actors.admin.id, market_maker_id=999)


@pytest.mark.parametrize(("page", "page_size"), [(0, 10), (1, 0), (1, 501), ("2", 10), (True, 10)])
def test_a_page_outside_the_bounds_is_refused(db, actors, page, page_size):
    with pytest.raises(ValidationError, match="must be a whole number from 1"):
        get_order_history(db, actors.trader.id, page=page, page_size=page_size)
    with pytest.raises(ValidationError, match="must be a whole number from 1"):
        get_fills(db, actors.trader.id, page=page, page_size=page_size)
