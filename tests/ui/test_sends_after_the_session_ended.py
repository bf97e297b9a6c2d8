"""A tab whose session ended (signed out in another window, idle past its expiry) changes nothing, whichever button
it clicks: a widget's callback runs before app.py finds the session ended, so each callback that writes asks first.
(Sends through ``ui.sending.send_once`` and the dialogs of ``ui.session.signed_in`` are covered in their own tests.)"""

from core import sessions
from core.orders import get_my_orders, place_order
from core.trading_account import get_open_orders
from tests.trading import fund_trader, make_desk
from tests.ui.conftest import texts
from ui.session import TOKEN_KEY
from ui.trading_account_view import open_orders_key

CASH_MARKET = "pages/cash_market.py"
SIGNED_OUT = "You were signed out in another window. Please sign in again."


def test_cancel_from_a_tab_signed_out_in_another_window_cancels_nothing_and_the_tab_says_why(open_app, db, actors):
    make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 10, "80.00")
    at = open_app(actors.trader, CASH_MARKET)
    at.session_state[open_orders_key(get_open_orders(db, actors.trader.id))] = {"selection": {"rows": [0]}}
    at.run()
    sessions.revoke(db, at.session_state[TOKEN_KEY])

    at.button(key="cm_cancel_selected").click().run()

    assert not at.exception
    assert [o.id for o in get_open_orders(db, actors.trader.id)] == [order.id]  # it was cancelled, then signed out
    assert texts(at.info) == [SIGNED_OUT]


def test_confirming_an_order_from_a_tab_signed_out_in_another_window_places_nothing(open_app, db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    at = open_app(actors.trader, CASH_MARKET)
    at.text_input(key="cm_qty").set_value("7")
    at.button(key="cm_submit").click().run()  # the button still showed another order: confirm this one first
    assert at.button(key="cm_confirm")
    sessions.revoke(db, at.session_state[TOKEN_KEY])

    at.button(key="cm_confirm").click().run()

    assert not at.exception
    assert get_my_orders(db, actors.trader.id) == []  # the order was placed, then the tab signed out
    assert texts(at.info) == [SIGNED_OUT]
