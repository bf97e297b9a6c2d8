"""A tab whose session ended (signed out in another window, idle past its expiry) changes nothing, whichever button
it clicks: a widget's callback runs before app.py finds the session ended, and a click in a dialog reruns the dialog
alone, so each goes through ``ui.session.signed_in`` first (``test_every_write_is_signed_in`` finds one that does
not). (Sends through ``ui.sending.send_once`` are covered in their own tests too.)"""

from sqlalchemy import text

from core import sessions
from core.operations import get_operation_detail
from core.orders import get_my_orders, place_order
from core.trading_account import get_open_orders
from tests.operations_helpers import create_operation, fund_market_makers
from tests.trading import fund_trader, make_desk
from tests.ui.conftest import drawn_button, drawn_buttons, texts
from ui.session import TOKEN_KEY, USER_KEY
from ui.trading_account_view import open_orders_key

CASH_MARKET = "pages/cash_market.py"
OPERATIONS = "pages/operations.py"
MARKET_MAKERS = "pages/market_makers.py"


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
    drawn_button(at, "cm_submit").click().run()  # the button still showed another order: confirm this one first
    assert drawn_buttons(at, "cm_confirm")
    sessions.revoke(db, at.session_state[TOKEN_KEY])

    drawn_button(at, "cm_confirm").click().run()

    assert not at.exception
    assert get_my_orders(db, actors.trader.id) == []  # the order was placed, then the tab signed out
    assert texts(at.info) == [SIGNED_OUT]


def test_withdrawing_an_operation_from_a_tab_signed_out_in_another_window_withdraws_nothing_and_says_why(
    open_app, db, actors
):
    fund_market_makers(db, actors)
    operation = create_operation(db, actors, "CEA")
    at = open_app(actors.admin, OPERATIONS)
    at.selectbox(key="ops_detail").select(operation.id).run()
    open_orders = get_operation_detail(db, operation.id, user_id=actors.admin.id).summary.open_orders
    sessions.revoke(db, at.session_state[TOKEN_KEY])

    at.button(key="ops_withdraw_confirm").click().run()

    assert not at.exception
    assert open_orders > 0
    # the callback cancelled every open order of the operation, then the tab signed out
    assert get_operation_detail(db, operation.id, user_id=actors.admin.id).summary.open_orders == open_orders
    assert USER_KEY not in at.session_state
    assert texts(at.info) == [SIGNED_OUT]


def test_a_password_change_from_a_tab_signed_out_in_another_window_tries_no_password_and_says_why(open_app, db, actors):
    at = open_app(actors.trader, "pages/change_password.py")
    sessions.revoke(db, at.session_state[TOKEN_KEY])
    for field, typed in (("current", "a guess"), ("new", "fjord lantern quietly"), ("repeat", "fjord lantern quietly")):
        at.text_input(key=f"change_password_{field}_password").set_value(typed)

    at.button(key="FormSubmitter:change_password_form-Change password").click().run()

    assert not at.exception
    failures = db.execute(text("SELECT coalesce(sum(failures), 0) FROM login_failures")).scalar()
    db.rollback()
    assert failures == 0  # the guess was tried, and counted towards locking the trader out
    assert texts(at.info) == [SIGNED_OUT]
