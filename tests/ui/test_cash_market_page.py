"""The cash market page in AppTest: the real app.py on this test's database, signed in through ui.session."""

import json
import time
from decimal import Decimal

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from core.db import PROJECT_ROOT
from core.enums import OrderStatus
from core.market_makers import create_market_maker, deactivate_market_maker
from core.orders import cancel_order, get_my_orders, get_order, place_order
from core.trading_account import get_open_orders
from core.users import create_user
from tests.helpers import PASSWORD, snapshot
from tests.trading import balance, fund_trader, make_desk
from tests.ui.conftest import (
    drawn_button,
    drawn_buttons,
    field_errors,
    header_sort_of,
    linkable,
    open_url,
    route_through_app_py,
    said_from_under_to_the_edge,
    said_under,
    shown,
    texts,
    warned_under,
)
from ui.account_panel import FILLS_PAGE_KEY, HISTORY_PAGE_KEY, PAGE_SIZE
from ui.grids import NEWEST_FIRST
from ui.order_book import TRADES_HEIGHT, trades_height
from ui.session import SEEN_KEY, USER_KEY
from ui.trading_account_view import open_orders_key

APP = str(PROJECT_ROOT / "app.py")
HOSTILE = "Firm [pwn](http://example.invalid/x)"


@pytest.fixture
def open_page(database_url, monkeypatch):
    """The app run once as ``user``; Cash Market is the first page of traders and admins."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    route_through_app_py(monkeypatch)

    def _open(user, query: dict[str, str] | None = None, **state):
        """``query``: a browser opening /cash-market?… (at / the app moves to the page, and the query goes)."""
        at = AppTest.from_file(APP, default_timeout=30)
        at.session_state[USER_KEY] = user
        at.session_state[SEEN_KEY] = time.monotonic()
        for key, value in state.items():
            at.session_state[key] = value
        if query is None:
            return at.run()
        at.query_params.update(query)
        return open_url(at, "cash-market")

    yield _open
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def market(db, actors):
    desk = make_desk(db, actors)
    fund_trader(db, actors, eur="10000.00", eua=20)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 30, "81.00", market_maker_id=desk.ah.id)
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 20, "81.20", market_maker_id=desk.ah2.id)
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 25, "80.50", market_maker_id=desk.lp.id)
    return desk


def markdown(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def submit(at):
    return drawn_button(at, "cm_submit")


def table(at, column: str):
    """The table that has ``column`` (read-only tables carry no key in AppTest)."""
    (frame,) = [d for d in at.dataframe if column in d.value.columns]
    return frame


def headers(frame) -> list[str]:
    config = json.loads(frame.proto.columns)
    return [config[c]["label"] for c in frame.value.columns if c in config]


def test_a_trader_sees_stats_book_balance_and_a_price_prefilled_from_the_best_ask(open_page, actors, market):
    at = open_page(actors.trader)

    assert not at.exception
    assert at.title[0].value == "Cash Market"
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Best bid"], metrics["Best ask"], metrics["Spread"]) == ("€80.50", "€81.00", "€0.50")
    assert at.text_input(key="cm_price").value == "81.00"
    assert "Available **€10,000.00** · **20\u00a0EUA**" in markdown(at)  # the unit never wraps from its number
    assert submit(at).label == "Buy 10 EUA at €81.00 limit, total €810.00"
    assert "Trading for Trader Firm" in [t.value for t in at.text]
    bids, asks = at.dataframe[0].value, at.dataframe[1].value
    assert list(bids["price"]) == [80.50] and list(asks["price"]) == [81.00, 81.20]
    assert list(asks["cumulative"]) == [30, 50]


def test_an_empty_book_says_so_instead_of_drawing_empty_depth(open_page, actors):
    at = open_page(actors.trader)

    assert not at.exception
    assert {"No bids", "No asks", "No orders in the book"} <= {c.value for c in at.caption}
    assert not at.get("plotly_chart")  # no axes on a made-up scale


def test_the_button_of_a_market_buy_shows_the_engines_estimate(open_page, actors, market):
    at = open_page(actors.trader, cm_type="MARKET", cm_qty="40")

    assert submit(at).label == "Buy 40 EUA at market, est. total €3,242.00 (avg €81.05)"  # 30 x 81.00 + 10 x 81.20
    assert at.text_input(key="cm_price_market").disabled


def test_a_market_orders_price_field_is_empty_and_the_limit_price_typed_comes_back_on_limit(open_page, actors, market):
    at = open_page(actors.trader)
    at.text_input(key="cm_price").set_value("80.75").run()

    at.segmented_control(key="cm_type").set_value("MARKET").run()
    field = at.text_input(key="cm_price_market")
    shown_for_market = (field.value, field.placeholder, field.disabled)
    at.segmented_control(key="cm_type").set_value("LIMIT").run()

    # no price beside a button that sends none (it showed €80.75, greyed)
    assert shown_for_market == ("", "At market", True)
    assert at.text_input(key="cm_price").value == "80.75"
    assert submit(at).label == "Buy 10 EUA at €80.75 limit, total €807.50"


def test_a_trader_places_a_limit_buy_that_trades_and_sees_it_confirmed(open_page, db, actors, market):
    at = open_page(actors.trader)

    at.text_input(key="cm_qty").set_value("12").run()
    assert submit(at).label == "Buy 12 EUA at €81.00 limit, total €972.00"
    submit(at).click().run()

    assert not at.exception and not at.error
    assert any("Bought 12 EUA at an average €81.00" in str(t.value) for t in at.toast)
    assert balance(db, "EUA", entity_id=actors.entity.id) == (Decimal("32"), Decimal("0"))
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("9028.00"), Decimal("0.00"))
    (trades,) = [d for d in at.dataframe if list(d.value.columns) == ["time", "side", "price", "quantity"]]
    assert headers(trades) == ["Time (UTC)", "Aggressor", "Price €", "Quantity"]  # in UTC like every other table
    (fills,) = [d for d in at.dataframe if d.key == f"{FILLS_PAGE_KEY}_table"]
    assert header_sort_of(fills) == {"sorts": False, "says": {NEWEST_FIRST}}  # a page of fills: no header re-sorts it


def test_a_few_recent_trades_fill_a_grid_as_tall_as_their_rows_with_no_blank_rows_under_them(
    open_page, actors, market, monkeypatch
):
    heights = []  # AppTest keeps a grid's rows but not its height: read what the page asks st.dataframe for
    drawn = st.dataframe

    def dataframe(data, *args, **kwargs):
        if list(getattr(data, "columns", [])) == ["time", "side", "price", "quantity"]:
            heights.append((len(data), kwargs.get("height")))
        return drawn(data, *args, **kwargs)

    monkeypatch.setattr(st, "dataframe", dataframe)
    at = open_page(actors.trader)
    heights.clear()

    submit(at).click().run()  # buys 10 EUA at €81.00: one trade

    assert not at.exception
    assert heights[-1] == (1, 35 + 35 + 2)  # its header and its one row, not 320 px with blank rows under it


def test_recent_trades_past_what_fits_scroll_inside_the_grids_fixed_height():
    assert trades_height(50) == TRADES_HEIGHT == 320  # the fifty a market shows
    assert trades_height(8) <= TRADES_HEIGHT < trades_height(8) + 35  # eight rows fit whole, a ninth would not


def test_a_price_with_more_decimals_than_the_tick_shows_why_next_to_the_field_and_sends_nothing(
    open_page, db, actors, market
):
    at = open_page(actors.trader)
    before = snapshot(db)

    at.text_input(key="cm_price").set_value("81.005")
    submit(at).click().run()  # typed and clicked at once, as a careless user does

    assert not at.exception and not at.error  # no "Something went wrong", the page stays usable
    assert field_errors(at) == ["Prices move in steps of €0.01: the nearest are €81.00 and €81.01"]
    assert submit(at).disabled
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("cm_qty", "-5", "Quantity must be greater than zero, got -5"),
        ("cm_qty", "0", "Quantity must be greater than zero, got 0"),
        ("cm_qty", "1.5", "Quantity: EUA certificates are whole units, got 1.5"),
        ("cm_qty", "abc", "Quantity must be a number, got 'abc'"),
        ("cm_qty", "", "Enter a quantity"),
        ("cm_price", "", "Enter a price"),
        ("cm_price", "0", "Price must be greater than zero, got 0"),
        ("cm_price", "-1", "Price must be greater than zero, got -1"),
        ("cm_price", "abc", "Price must be a number, got 'abc'"),
        ("cm_price", "81,5", "Price: use a point for decimals, like 14.03 (a comma only groups thousands)"),
        # a comma after the point was dropped: 1 certificate at €1.00 was sent for a thousand at €1,000.50
        (
            "cm_qty",
            "1.000,00",
            "Quantity: '1.000,00' is 1000 as much of Europe writes it, where a comma marks decimals; here a point "
            "does and a comma only groups thousands: type 1000 or 1,000",
        ),
        (
            "cm_price",
            "1.000,50",
            "Price: '1.000,50' is 1000.50 as much of Europe writes it, where a comma marks decimals; here a point "
            "does and a comma only groups thousands: type 1000.50 or 1,000.50",
        ),
    ],
)
def test_an_invalid_field_disables_the_button_says_why_and_a_click_sends_nothing(
    open_page, db, actors, market, field, typed, message
):
    at = open_page(actors.trader)
    at.text_input(key="cm_qty").set_value("5").run()  # a valid order first: Streamlit kept it, the page must not
    before = snapshot(db)

    at.text_input(key=field).set_value(typed)
    submit(at).click().run()  # typed and clicked at once: the click of the button still showing the valid order

    assert not at.exception and not at.error
    assert field_errors(at) == [message]
    assert submit(at).disabled and submit(at).label == "Buy EUA"
    assert snapshot(db) == before


def test_an_order_that_changed_as_the_button_was_clicked_is_only_sent_once_confirmed(open_page, db, actors, market):
    at = open_page(actors.trader)
    before = snapshot(db)

    at.text_input(key="cm_qty").set_value("7")
    submit(at).click().run()  # the button still said 10 when it was clicked

    assert snapshot(db) == before
    assert any("not the order the button showed" in str(w.value) for w in at.warning)
    assert drawn_button(at, "cm_confirm").label == "Buy 7 EUA at €81.00 limit, total €567.00"

    drawn_button(at, "cm_confirm").click().run()

    assert not at.exception and not at.error
    (order,) = get_my_orders(db, actors.trader.id)
    assert (order.quantity, order.price, order.status) == (7, Decimal("81.00"), OrderStatus.FILLED)


def click_as_drawn_before(at, button):
    """Clicks ``button`` as a browser that still drew it when the server had drawn the page again: the click names
    the button's id, whatever the page drew since."""
    states = at._tree.get_widget_states()
    click = states.widgets.add()
    click.id, click.trigger_value = button.id, True
    return at._run(widget_state=states)


def test_a_click_on_the_button_the_browser_still_drew_before_a_keystroke_sends_nothing_it_did_not_show(
    open_page, db, actors, market
):
    at = open_page(actors.trader)
    drawn = submit(at)
    assert drawn.label == "Buy 10 EUA at €81.00 limit, total €810.00"
    at.text_input(key="cm_qty").set_value("12").run()  # the server drew "Buy 12", the browser not yet
    before = snapshot(db)

    click_as_drawn_before(at, drawn)

    assert not at.exception and not at.error
    assert snapshot(db) == before  # 12 were sent, from a button that said 10
    assert submit(at).label == "Buy 12 EUA at €81.00 limit, total €972.00"


def test_a_second_click_on_the_button_of_an_order_just_sent_does_not_send_it_again(open_page, db, actors, market):
    at = open_page(actors.trader)
    drawn = submit(at)
    drawn.click().run()
    (order,) = get_my_orders(db, actors.trader.id)
    before = snapshot(db)

    click_as_drawn_before(at, drawn)  # a double click: the second landed on the button the order was sent from

    assert not at.exception and not at.error
    assert snapshot(db) == before
    assert [o.id for o in get_my_orders(db, actors.trader.id)] == [order.id]


def test_a_market_order_beyond_the_band_asks_first_with_its_average_price_and_slippage(open_page, db, actors, market):
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 50, "84.00", market_maker_id=market.ah.id)
    at = open_page(actors.trader, cm_type="MARKET")
    at.text_input(key="cm_qty").set_value("60").run()
    before = snapshot(db)

    submit(at).click().run()

    # 30 x 81.00 + 20 x 81.20 + 10 x 84.00 = €4,894.00, the last at 3.70 % above the best ask
    assert snapshot(db) == before
    assert any("moves the price 3.70 % from the best ask, more than the 2 % band" in str(w.value) for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Est. average price"], metrics["Slippage vs best ask"]) == ("€81.5667", "0.70 %")
    assert metrics["Last price reached"] == "€84.00"
    assert drawn_button(at, "cm_confirm").label == "Buy 60 EUA at market, est. total €4,894.00 (avg €81.5667)"

    drawn_button(at, "cm_confirm").click().run()

    (order,) = [get_order(db, o.id, user_id=actors.trader.id) for o in get_my_orders(db, actors.trader.id)]
    assert (order.filled_quantity, sum(f.amount for f in order.fills)) == (60, Decimal("4894.00"))


def test_a_market_order_whose_book_moved_during_its_confirmation_shows_the_new_estimate_before_sending(
    open_page, db, actors, market
):
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 50, "84.00", market_maker_id=market.ah.id)
    at = open_page(actors.trader, cm_type="MARKET")
    at.text_input(key="cm_qty").set_value("40").run()
    submit(at).click().run()  # 30 x 81.00 + 10 x 81.20: no confirmation needed, but...
    assert len(get_my_orders(db, actors.trader.id)) == 1
    at.text_input(key="cm_qty").set_value("30").run()
    submit(at).click().run()  # ...now 10 x 81.20 + 20 x 84.00: 3.45 % from the best ask, so it asks first
    shown_first = drawn_button(at, "cm_confirm").label
    place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 5, market_maker_id=market.lp.id)  # someone else buys
    before = snapshot(db)

    drawn_button(at, "cm_confirm").click().run()

    assert snapshot(db) == before  # not sent: it would no longer fill as shown
    assert any("The book moved while you were confirming" in str(w.value) for w in at.warning)
    assert shown_first == "Buy 30 EUA at market, est. total €2,492.00 (avg €83.0667)"
    assert drawn_button(at, "cm_confirm").label == "Buy 30 EUA at market, est. total €2,506.00 (avg €83.5333)"

    drawn_button(at, "cm_confirm").click().run()

    assert len(get_my_orders(db, actors.trader.id)) == 2
    assert sum(
        f.amount for f in get_order(db, get_my_orders(db, actors.trader.id)[0].id, user_id=actors.trader.id).fills
    ) == Decimal("2506.00")


def test_a_market_order_within_the_band_is_sent_at_once(open_page, db, actors, market):
    at = open_page(actors.trader, cm_type="MARKET")

    submit(at).click().run()

    (order,) = [get_order(db, o.id, user_id=actors.trader.id) for o in get_my_orders(db, actors.trader.id)]
    assert (order.filled_quantity, order.fills[0].price) == (10, Decimal("81.00"))


def warnings(at) -> list[str]:
    return [shown(str(c.value)) for c in at.caption if "warning" in str(c.value)]


def test_a_limit_buy_priced_far_through_the_market_asks_first_and_is_sent_once_confirmed(open_page, db, actors, market):
    at = open_page(actors.trader)
    at.text_input(key="cm_price").set_value("810.00").run()  # 81.00 with the point typed one place off
    assert warnings(at) == ["€810.00 is 900.00 % above the best ask €81.00: you will be asked to confirm"]
    before = snapshot(db)

    submit(at).click().run()

    assert snapshot(db) == before
    assert [str(w.value) for w in at.warning] == [
        "This buy limit of €810.00 is 900.00 % above the best ask €81.00, more than the 5 % band: it can fill at any "
        "price up to €810.00, and what does not fill rests there."
    ]
    assert drawn_button(at, "cm_confirm").label == "Buy 10 EUA at €810.00 limit, total €8,100.00"

    drawn_button(at, "cm_confirm").click().run()

    (order,) = [get_order(db, o.id, user_id=actors.trader.id) for o in get_my_orders(db, actors.trader.id)]
    assert (order.status, order.fills[0].price) == (OrderStatus.FILLED, Decimal("81.00"))  # it paid the ask


def test_a_limit_sell_priced_far_through_the_market_is_not_sent_when_the_confirmation_is_dismissed(
    open_page, db, actors, market
):
    at = open_page(actors.trader, cm_side="SELL")
    at.text_input(key="cm_price").set_value("8.05").run()
    before = snapshot(db)
    submit(at).click().run()
    assert "is 90.00 % below the best bid €80.50, more than the 5 % band" in str(at.warning[0].value)

    at.button(key="cm_back").click().run()

    assert snapshot(db) == before
    assert not at.warning and "cm_pending" not in at.session_state


def test_a_limit_order_within_the_price_band_is_sent_at_once(open_page, db, actors, market):
    at = open_page(actors.trader)
    at.text_input(key="cm_price").set_value("85.05").run()  # 5.00 % above the best ask: at the band, not past it
    assert warnings(at) == []

    submit(at).click().run()

    (order,) = get_my_orders(db, actors.trader.id)
    assert (order.price, order.filled_quantity) == (Decimal("85.05"), 10)


def test_a_market_order_the_book_cannot_fill_is_refused_before_it_is_sent(open_page, db, actors, market):
    fund_trader(db, actors, eur="0", eua=20, cea=30)  # 40 EUA and 30 CEA: the book is what limits the sell
    at = open_page(actors.trader, cm_type="MARKET", cm_side="SELL", cm_qty="30")

    assert [shown(str(c.value)) for c in at.caption if "warning" in str(c.value)] == [
        "Only 25 can fill now (that is all the book offers): the other 5 will be cancelled."
    ]
    at.session_state["cm_cert"] = "CEA"
    at.run()
    assert field_errors(at) == ["No bids from others in the CEA book: a market sell cannot fill now"]
    assert submit(at).disabled


@pytest.mark.parametrize(
    ("state", "quantity", "refusal"),
    [
        ({"cm_side": "SELL"}, "21", 'Not enough EUA: this sell needs 21, trader firm "Trader Firm" has 20 available'),
        ({"cm_side": "SELL", "cm_type": "MARKET"}, "21",
         'Not enough EUA: this sell needs 21, trader firm "Trader Firm" has 20 available'),
        ({}, "124", 'Not enough EUR: this buy needs €10,044.00 (124 × €81.00), trader firm "Trader Firm" has '
                    "€10,000.00 available"),
    ],
    ids=["limit sell", "market sell", "limit buy"],
)  # fmt: skip
def test_an_order_its_account_cannot_cover_is_refused_under_the_quantity_before_it_is_sent(
    open_page, db, actors, market, state, quantity, refusal
):
    at = open_page(actors.trader, **state)
    before = snapshot(db)

    at.text_input(key="cm_qty").set_value(quantity).run()

    assert said_under(at, "cm_qty") == [refusal]  # what must change, not under the button
    assert field_errors(at) == [refusal]
    assert submit(at).disabled
    assert not [c for c in at.caption if "warning" in str(c.value)]  # no estimate of fills it would never make
    assert snapshot(db) == before


def test_a_default_quantity_the_account_cannot_cover_is_a_note_until_the_trader_types_a_quantity(
    open_page, actors, market
):
    at = open_page(actors.trader, cm_side="SELL", cm_cert="CEA")  # the firm holds no CEA; the page put 10 there

    assert said_under(at, "cm_qty") == ['Not enough CEA: this sell needs 10, trader firm "Trader Firm" has 0 available']
    assert field_errors(at) == []  # no red for what the trader did not type
    assert submit(at).disabled

    at.text_input(key="cm_qty").set_value("5").run()

    assert field_errors(at) == ['Not enough CEA: this sell needs 5, trader firm "Trader Firm" has 0 available']
    assert said_under(at, "cm_qty") == field_errors(at)


def test_a_bad_price_and_a_bad_quantity_are_each_said_from_under_their_field_to_the_right_edge(
    open_page, actors, market
):
    at = open_page(actors.trader)

    at.text_input(key="cm_price").set_value("81.005")
    at.text_input(key="cm_qty").set_value("1.5").run()

    # side by side, the price's refusal had only the Price field's width: a word a line at 1,280 px
    assert said_from_under_to_the_edge(at, "cm_price") == [
        "Prices move in steps of €0.01: the nearest are €81.00 and €81.01"
    ]
    assert said_from_under_to_the_edge(at, "cm_qty") == ["Quantity: EUA certificates are whole units, got 1.5"]


def test_an_admin_trades_for_the_market_maker_it_picks(open_page, db, actors, market):
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.ah.id).run()
    at.session_state["cm_side"] = "SELL"
    at.run()

    at.text_input(key="cm_price").set_value("82.00").run()
    at.text_input(key="cm_qty").set_value("5").run()
    submit(at).click().run()

    assert not at.exception and not at.error
    (order,) = [o for o in get_my_orders(db, actors.admin.id, status="OPEN") if o.price == Decimal("82.00")]
    assert (order.market_maker_id, order.side, order.quantity) == (market.ah.id, "SELL", 5)


def test_a_market_makers_order_an_admin_cancelled_reads_as_cancelled_by_that_admin_not_by_its_owner(
    open_page, db, actors, market
):
    order = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "83.00", market_maker_id=market.ah.id)
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.ah.id).run()
    opened = get_open_orders(db, actors.admin.id, market_maker_id=market.ah.id)
    at.session_state[open_orders_key(opened)] = {"selection": {"rows": [[o.id for o in opened].index(order.id)]}}
    at.run()

    at.button(key="cm_cancel_selected").click().run()

    assert not at.exception and not at.error
    history = table(at, "Why closed").value
    # a market maker has no traders: only an admin cancels its orders, and "its owner" named no one who did
    assert list(history.loc[history["Order"] == order.id, "Why closed"]) == [f"Cancelled by {actors.admin.username}"]


def test_an_order_cancelled_before_cancels_named_anyone_reads_as_before(open_page, db, actors, market):
    mine = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "70.00")
    theirs = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "83.00", market_maker_id=market.ah.id)
    for order, by in ((mine, actors.trader), (theirs, actors.admin)):
        cancel_order(db, order.id, by.id)
    db.execute(text("UPDATE orders SET cancelled_by = NULL"))  # as revision 0035 found them
    db.commit()

    trader = table(open_page(actors.trader), "Why closed").value
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.ah.id).run()
    admin = table(at, "Why closed").value

    assert list(trader["Why closed"]) == ["Cancelled by its owner"]
    assert list(admin.loc[admin["Order"] == theirs.id, "Why closed"]) == ["Cancelled by an admin"]


def test_a_firms_order_cancelled_by_another_of_its_traders_names_who_cancelled(open_page, db, actors, market):
    colleague = create_user(db, "desk.two", PASSWORD, "TRADER", entity_id=actors.entity.id)
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "70.00")
    cancel_order(db, order.id, colleague.id)

    history = table(open_page(actors.trader), "Why closed").value

    # "Cancelled by its owner": the firm owns the order, and which of its traders cancelled it was said nowhere
    assert list(history["Why closed"]) == ["Cancelled by desk.two"]


def deactivate(db, actors, maker) -> None:
    """Another window: the market maker's orders cancelled, then the market maker deactivated."""
    for order in get_open_orders(db, actors.admin.id, market_maker_id=maker.id):
        cancel_order(db, order.id, actors.admin.id)
    deactivate_market_maker(db, maker.id, actors.admin.id)


def test_an_admin_whose_market_maker_is_deactivated_elsewhere_is_told_until_picking_another(
    open_page, db, actors, market
):
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.ah2.id).run()
    deactivate(db, actors, market.ah2)

    at.run()

    # it went over to the first market maker unsaid, its side and its price with it
    assert not at.exception and not at.error
    assert at.selectbox(key="cm_mm").value == market.ah.id
    assert warned_under(at, "cm_cert") == ["AH Two was deactivated. Trading for AH One now."]
    assert at.query_params["market_maker"] == str(market.ah.id)
    at.text_input(key="cm_qty").set_value("7").run()
    assert warned_under(at, "cm_cert") == ["AH Two was deactivated. Trading for AH One now."]  # a keystroke later
    at.selectbox(key="cm_mm").select(market.lp.id).run()
    assert warned_under(at, "cm_cert") == []


def test_an_admin_with_every_market_maker_deactivated_is_told_to_reactivate_one_not_to_create_one(
    open_page, db, actors, market
):
    for maker in (market.lp, market.lp2, market.ah, market.ah2):
        deactivate(db, actors, maker)

    at = open_page(actors.admin)

    assert not at.exception and not at.error
    assert texts(at.info) == ["Reactivate one on Market Makers, or create one: admins trade for active market makers."]


def test_an_admin_with_no_market_maker_yet_is_told_to_create_one(open_page, actors):
    at = open_page(actors.admin)

    assert texts(at.info) == ["Create a market maker first: admins trade for active market makers."]


def test_a_link_to_a_market_maker_deactivated_since_names_it_as_inactive(open_page, db, actors, market):
    deactivate(db, actors, market.lp2)

    at = open_page(actors.admin, {"market_maker": str(market.lp2.id)})

    # it read "The link's market maker “7” is not offered here": an id, and no reason
    assert warned_under(at, "cm_mm") == [
        f"The link's market maker “{market.lp2.id}” is LP Two, inactive: AH One is shown."
    ]


def test_a_click_on_an_order_for_a_market_maker_deactivated_meanwhile_sends_nothing_and_asks_nothing(
    open_page, db, actors, market
):
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.ah2.id).run()
    at.text_input(key="cm_price").set_value("95.00").run()
    button = submit(at)
    assert button.label == "Sell 10 EUA at €95.00 limit, total €950.00"
    deactivate(db, actors, market.ah2)
    before = snapshot(db)

    button.click().run()

    # it asked to confirm the same sell for AH One instead: another account's order, never clicked
    assert not at.exception and not at.error
    assert snapshot(db) == before
    assert drawn_buttons(at, "cm_confirm") == []
    assert warned_under(at, "cm_cert") == [
        "AH Two was deactivated: the order you clicked was not sent. Trading for AH One now."
    ]


def test_an_admin_on_a_later_page_of_fills_who_picks_another_market_maker_sees_its_first_page(
    open_page, db, actors, market
):
    for _ in range(PAGE_SIZE + 1):  # LP One: two pages of fills and of closed orders
        place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 1, market_maker_id=market.lp.id)
    place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 1, market_maker_id=market.lp2.id)  # LP Two: one of each
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.lp.id).run()
    at.button(key=f"{FILLS_PAGE_KEY}_next").click().run()
    at.button(key=f"{HISTORY_PAGE_KEY}_next").click().run()
    assert {"Page 2 of 2 · 21 fills", "Page 2 of 2 · 21 closed orders"} <= {c.value for c in at.caption}

    at.selectbox(key="cm_mm").select(market.lp2.id).run()

    # it asked LP Two for its page 2, which has no rows: both tables were "Something went wrong", and with them their
    # pagers, so nothing on the page led back to LP Two's one fill and one closed order
    assert not at.exception and not at.error
    assert {"Page 1 of 1 · 1 fill", "Page 1 of 1 · 1 closed order"} <= {c.value for c in at.caption}
    grids = {d.key: d.value for d in at.dataframe if d.key in (f"{FILLS_PAGE_KEY}_table", f"{HISTORY_PAGE_KEY}_table")}
    assert [len(rows) for rows in grids.values()] == [1, 1]


def test_an_admin_who_picks_another_market_maker_as_they_click_is_asked_naming_the_one_it_goes_to(
    open_page, db, actors, market
):
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.lp.id).run()
    before = snapshot(db)

    at.selectbox(key="cm_mm").select(market.lp2.id)
    submit(at).click().run()  # the button read the same sentence for LP One

    assert snapshot(db) == before
    assert any("not the order the button showed" in str(w.value) for w in at.warning)
    assert drawn_button(at, "cm_confirm").label == "Buy 10 EUA at €81.00 limit, total €810.00"
    assert "Trading for **LP Two**" in markdown(at)  # the one thing that changed, said nowhere in the dialog

    drawn_button(at, "cm_confirm").click().run()

    assert not at.exception and not at.error
    (order,) = [o for o in get_my_orders(db, actors.admin.id) if o.market_maker_id == market.lp2.id]
    assert (order.side, order.quantity, order.price) == ("BUY", 10, Decimal("81.00"))


@pytest.mark.parametrize(("maker", "side", "price"), [("ah", "SELL", "€80.50"), ("lp", "BUY", "€81.00")])
def test_an_admin_picking_a_market_maker_is_offered_only_the_side_it_trades(
    open_page, actors, market, maker, side, price
):
    at = open_page(actors.admin, cm_side="BUY" if side == "SELL" else "SELL")  # the other side, chosen before

    at.selectbox(key="cm_mm").select(getattr(market, maker).id).run()

    control = at.segmented_control(key="cm_side")
    assert (control.options, control.value) == ([side.title()], side)
    assert "only" in control.help and "is not offered" in control.help
    assert submit(at).label.startswith(f"{side.title()} 10 EUA at {price} limit")
    assert not field_errors(at) and not said_under(at, "cm_qty")


def test_every_open_order_is_listed_with_headers_and_cancelled_from_its_row(open_page, db, actors, market, monkeypatch):
    oldest = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 10, "80.00")
    for _ in range(3):
        cancel_order(db, place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "79.00").id, actors.trader.id)
    monkeypatch.setattr("core.orders.MY_ORDERS_LIMIT", 2)  # the window the page once filtered open orders from
    at = open_page(actors.trader)

    (frame,) = [d for d in at.dataframe if (d.key or "").startswith("cm_open_")]
    assert list(frame.value["Order"]) == [oldest.id]
    # named as the headers read and the download writes them, the prices as numbers
    assert list(frame.value.columns) == [
        "Order", "Time (UTC)", "Market", "Side", "Limit price (€)", "Quantity", "Filled", "Avg fill price (€)",
        "Locked",
    ]  # fmt: skip
    assert (frame.value["Limit price (€)"].iloc[0], frame.value["Locked"].iloc[0]) == (80.0, "€800.00")
    at.session_state[open_orders_key(get_open_orders(db, actors.trader.id))] = {"selection": {"rows": [0]}}
    at.run()
    at.button(key="cm_cancel_selected").click().run()

    assert not at.exception and not at.error
    assert [shown(str(t.value)) for t in at.toast] == [
        f"Order {oldest.id} cancelled: 10 EUA unfilled, €800.00 released"
    ]
    assert get_open_orders(db, actors.trader.id) == []
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("10000.00"), Decimal("0.00"))


def test_orders_cancelled_together_are_said_in_one_toast_and_their_refusals_in_one_box(open_page, db, actors, market):
    orders = [
        place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, p) for p in ("79.00", "79.10", "79.20", "79.30")
    ]
    at = open_page(actors.trader)
    at.session_state[open_orders_key(get_open_orders(db, actors.trader.id))] = {"selection": {"rows": [0, 1, 2, 3]}}
    at.run()
    for gone in orders[:2]:
        cancel_order(db, gone.id, actors.trader.id)  # another window, before the click

    at.button(key="cm_cancel_selected").click().run()

    assert not at.exception
    # a toast an order stacked 30 of them over the order entry when every order was cancelled at once
    assert texts(at.toast) == ["2 orders cancelled: 2 EUA unfilled, €158.50 released"]
    (refusal,) = texts(at.error)
    assert refusal.splitlines() == [
        "2 orders were not cancelled:",
        *(f"- Order {o.id} is already cancelled: there is nothing left to cancel" for o in reversed(orders[:2])),
    ]  # in the table's order, newest first
    assert get_open_orders(db, actors.trader.id) == []


def test_cancelling_an_order_another_window_cancelled_since_says_so(open_page, db, actors, market):
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 10, "80.00")
    at = open_page(actors.trader)
    at.session_state[open_orders_key(get_open_orders(db, actors.trader.id))] = {"selection": {"rows": [0]}}
    at.run()
    assert at.button(key="cm_cancel_selected").label == "Cancel 1 selected order"
    cancel_order(db, order.id, actors.trader.id)  # another window, before the click

    at.button(key="cm_cancel_selected").click().run()

    assert not at.exception
    (refusal,) = texts(at.error)
    assert f"Order {order.id}" in refusal  # not a click that did nothing, unsaid


def test_closed_orders_come_a_page_at_a_time(open_page, db, actors, market):
    closed = [place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "70.00") for _ in range(22)]
    for order in closed:
        cancel_order(db, order.id, actors.trader.id)
    at = open_page(actors.trader)

    history = table(at, "Why closed")
    assert len(history.value) == 20 and history.value["Order"].iloc[0] == closed[-1].id
    assert set(history.value["Why closed"]) == {f"Cancelled by {actors.trader.username}"}
    assert "Page 1 of 2 · 22 closed orders" in [str(c.value) for c in at.caption]

    at.button(key="cm_history_page_next").click().run()

    assert list(table(at, "Why closed").value["Order"]) == [closed[1].id, closed[0].id]


def test_a_closed_order_reads_its_type_its_numbers_and_no_limit_price_for_a_market_order(open_page, db, actors, market):
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 35, "81.20")  # 30 at 81.00, 5 at 81.20: filled
    place_order(db, actors.trader.id, "EUA", "SELL", "MARKET", 3)

    at = open_page(actors.trader)

    closed = table(at, "Why closed").value
    assert list(closed.columns) == [
        "Order", "Closed (UTC)", "Market", "Side", "Type", "Limit price (€)", "Quantity", "Filled",
        "Avg fill price (€)", "Status", "Why closed",
    ]  # fmt: skip
    market_sell, limit_buy = closed.to_dict("records")  # the last closed first
    assert (market_sell["Type"], limit_buy["Type"]) == ("Market", "Limit")
    assert pd.isna(market_sell["Limit price (€)"]) and limit_buy["Limit price (€)"] == 81.2
    assert (limit_buy["Quantity"], limit_buy["Filled"], limit_buy["Avg fill price (€)"]) == (35, 35, 81.0286)
    assert (limit_buy["Status"], limit_buy["Why closed"]) == ("Filled", None)  # a dash, not an empty cell


def test_a_trader_sees_its_locked_amounts_and_its_fills_with_their_average_price(open_page, db, actors, market):
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 35, "81.20")  # 30 at 81.00, 5 at 81.20
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 4, "80.00")  # rests, locks €320.00

    at = open_page(actors.trader)

    balances = table(at, "Asset").value
    eur = balances[balances["Asset"] == "EUR"].iloc[0]
    assert (eur["Available"], eur["Locked in orders"]) == ("€6,844.00", "€320.00")
    fills = table(at, "Amount (€)").value
    assert list(zip(fills["Price (€)"], fills["Quantity"], fills["Order avg price (€)"], strict=True)) == [
        (81.2, 5, 81.0286),
        (81.0, 30, 81.0286),
    ]  # (2,430.00 + 406.00) / 35
    assert fills["Trade"].is_unique and list(fills.columns)[:2] == ["Trade", "Time (UTC)"]
    assert {"Page 1 of 1 · 2 fills", "Page 1 of 1 · 1 closed order"} <= {str(c.value) for c in at.caption}


def test_names_people_typed_are_shown_as_text_never_as_markup(open_page, db, actors, market):
    db.execute(text("UPDATE entities SET name = :n WHERE id = :e"), {"n": HOSTILE, "e": actors.entity.id})
    db.commit()
    mm_name = "*MM* [x](https://example.invalid/y) :red[z] www.example.invalid ops@example.invalid"
    hostile_mm = create_market_maker(db, mm_name, "ASSET_HOLDER", actors.admin.id)

    trader = open_page(actors.trader, cm_side="SELL")
    trader.text_input(key="cm_qty").set_value("21").run()  # refused, naming the firm
    admin = open_page(actors.admin, cm_mm=hostile_mm.id, cm_side="SELL")  # refused, naming the market maker

    assert f"Trading for {HOSTILE}" in [t.value for t in trader.text]
    assert field_errors(trader) == [f'Not enough EUA: this sell needs 21, trader firm "{HOSTILE}" has 20 available']
    assert said_under(admin, "cm_qty") == [
        f'Not enough EUA: this sell needs 10, market maker "{mm_name}" has 0 available'
    ]
    for at in (trader, admin):
        markup = [str(e.value) for e in (*at.markdown, *at.subheader, *at.caption, *at.error, *at.warning)]
        assert [m for m in markup if linkable(m)] == []


def test_switching_the_side_keeps_a_price_the_trader_typed(open_page, actors, market):
    at = open_page(actors.trader)
    at.text_input(key="cm_price").set_value("80.40")  # neither best price: the best bid is 80.50
    at.text_input(key="cm_qty").set_value("3").run()
    assert submit(at).label == "Buy 3 EUA at €80.40 limit, total €241.20"

    at.session_state["cm_side"] = "SELL"
    at.run()

    assert at.text_input(key="cm_price").value == "80.40"
    assert submit(at).label == "Sell 3 EUA at €80.40 limit, total €241.20"


def test_a_reload_opens_on_the_market_side_and_type_the_url_keeps(open_page, actors, market):
    at = open_page(actors.trader)
    at.session_state["cm_side"] = "SELL"
    at.run()
    assert dict(at.query_params) == {"market": "EUA", "side": "SELL", "type": "LIMIT", "post_only": "NO"}

    reloaded = open_page(actors.trader, query={"market": "eua", "side": "SELL", "type": "LIMIT"})  # a new session

    assert submit(reloaded).label.startswith("Sell 10 EUA at €80.50 limit")  # it came back a Buy


def test_a_reload_keeps_post_only_as_the_url_says_it(open_page, actors, market):
    at = open_page(actors.trader)
    at.toggle(key="cm_post_only").set_value(True).run()
    assert at.query_params["post_only"] == "YES"

    reloaded = open_page(actors.trader, query={"market": "EUA", "side": "BUY", "type": "LIMIT", "post_only": "yes"})

    assert reloaded.toggle(key="cm_post_only").value is True  # it came back off, and the next click could trade
    assert submit(reloaded).label == "Buy 10 EUA at €80.50 limit, post only, total €805.00"  # where it rests
    reloaded.toggle(key="cm_post_only").set_value(False).run()
    assert reloaded.query_params["post_only"] == "NO"


def test_a_reload_keeps_the_market_maker_an_admin_trades_for(open_page, actors, market):
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.lp.id).run()  # the first offered is "AH One", a seller
    assert (at.query_params["market_maker"], at.query_params["side"]) == (str(market.lp.id), "BUY")

    reloaded = open_page(actors.admin, query=dict(at.query_params))  # a new session

    # it traded for the first market maker again, a seller, and the side went with it
    assert reloaded.selectbox(key="cm_mm").value == market.lp.id
    assert submit(reloaded).label.startswith("Buy 10 EUA at €81.00 limit")


@pytest.mark.parametrize("named", ["999999", "abc", "-1", "", "<b>1</b>"])
def test_a_url_naming_no_market_maker_of_the_admins_opens_on_the_first(open_page, actors, market, named):
    at = open_page(actors.admin, query={"market_maker": named, "side": "BUY"})

    assert not at.exception
    assert at.selectbox(key="cm_mm").value == market.ah.id  # "AH One", first by name
    assert submit(at).label.startswith("Sell 10 EUA at €80.50 limit")  # the side it trades, not the URL's


def test_a_url_naming_no_market_side_or_type_opens_on_the_defaults(open_page, actors, market):
    at = open_page(actors.trader, query={"market": "BTC", "side": "<b>x</b>", "type": "", "post_only": "maybe"})

    assert not at.exception
    assert submit(at).label.startswith("Buy 10 EUA at €81.00 limit, total")


def test_a_links_market_side_type_or_post_only_the_page_cannot_take_is_said_under_its_field_which_shows_the_default(
    open_page, actors, market
):
    link = {"market": "XYZ", "side": "HOLD", "type": "STOP", "post_only": "maybe"}

    at = open_page(actors.trader, query=link)  # each was dropped unsaid: the trader saw a Buy with no word why

    assert not at.exception
    assert submit(at).label.startswith("Buy 10 EUA at €81.00 limit, total")
    assert at.toggle(key="cm_post_only").value is False
    assert warned_under(at, "cm_cert") == ["The link's Market “XYZ” is not one of CEA, EUA: EUA is shown."]
    assert said_from_under_to_the_edge(at, "cm_side")[0] == (
        "The link's Side “HOLD” is not one of BUY, SELL: Buy is shown."
    )
    assert said_from_under_to_the_edge(at, "cm_type") == [
        "The link's Type “STOP” is not one of LIMIT, MARKET: Limit is shown."
    ]
    assert said_from_under_to_the_edge(at, "cm_post_only") == [
        "The link's Post only “maybe” is not one of YES, NO: off is shown."
    ]


def test_a_links_market_maker_or_a_side_it_does_not_trade_is_said_under_its_field(open_page, actors, market):
    at = open_page(actors.admin, query={"market_maker": "999999"})

    assert at.selectbox(key="cm_mm").value == market.ah.id  # "AH One", first by name
    assert warned_under(at, "cm_mm") == ["The link's market maker “999999” is not offered here: AH One is shown."]

    at = open_page(actors.admin, query={"market_maker": str(market.ah.id), "side": "BUY"})  # AH One sells

    assert submit(at).label.startswith("Sell 10 EUA at €80.50 limit")
    assert said_from_under_to_the_edge(at, "cm_side")[0] == "The link's Side “BUY” is not SELL: Sell is shown."


def test_a_traders_link_naming_a_market_maker_is_said_once_not_taken_and_leaves_the_url(open_page, actors, market):
    at = open_page(actors.trader, query={"market_maker": str(market.lp.id)})  # dropped unsaid: a trader trades
    # for their own firm only

    assert not at.exception
    assert warned_under(at, "cm_cert") == [
        f"The link's market maker “{market.lp.id}” is not offered here: {actors.entity.name} is shown."
    ]
    assert "market_maker" not in at.query_params
    assert warned_under(at.run(), "cm_cert") == []


def test_a_link_the_cash_market_can_take_opens_on_it_with_no_note(open_page, actors, market):
    link = {"market": "eua", "side": "sell", "type": "LIMIT", "post_only": "YES", "market_maker": str(market.lp.id)}

    trader = open_page(actors.trader, query={k: v for k, v in link.items() if k != "market_maker"})
    admin = open_page(actors.admin, query={**link, "side": "BUY"})

    assert submit(trader).label.startswith("Sell 10 EUA at €81.00 limit, post only")  # at the best ask: it rests
    assert admin.selectbox(key="cm_mm").value == market.lp.id
    assert submit(admin).label.startswith("Buy 10 EUA at €80.50 limit, post only")
    assert not warnings(trader) and not warnings(admin)


def test_switching_the_side_moves_a_price_nobody_touched_to_the_other_sides_best(open_page, actors, market):
    at = open_page(actors.trader)
    assert at.text_input(key="cm_price").value == "81.00"  # the best ask, for a buy

    at.session_state["cm_side"] = "SELL"
    at.run()

    assert at.text_input(key="cm_price").value == "80.50"  # the best bid, for a sell


def test_an_order_meeting_an_own_resting_order_warns_before_it_is_sent_and_names_it_once_cancelled(
    open_page, db, actors, market
):
    own_bid = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "80.60")
    at = open_page(actors.trader, cm_side="SELL")
    at.text_input(key="cm_price").set_value("80.60")
    at.text_input(key="cm_qty").set_value("2").run()
    assert warnings(at) == [
        f"This sell meets your own buy order {own_bid.id} (5 EUA at €80.60): "
        "self-trade prevention cancels that resting order."
    ]

    submit(at).click().run()

    (order,) = [o for o in get_my_orders(db, actors.trader.id, status="OPEN")]
    assert [shown(str(t.value)) for t in at.toast] == [
        f"Order {order.id}: 2 EUA rest in the book at €80.60; your order {own_bid.id} (5 EUA at €80.60) was cancelled "
        "by self-trade prevention."
    ]


def test_a_market_order_meeting_own_resting_orders_warns_before_it_is_sent(open_page, db, actors, market):
    first = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "80.70")
    second = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "80.60")

    at = open_page(actors.trader, cm_side="SELL", cm_type="MARKET", cm_qty="3")

    assert submit(at).label == "Sell 3 EUA at market, est. total €241.50 (avg €80.50)"  # the others' bid only
    assert f"This sell meets your own buy orders {first.id} (5 EUA at €80.70) and {second.id} (1 EUA at €80.60): " \
           "self-trade prevention cancels those resting orders." in warnings(at)  # fmt: skip


def test_an_own_order_placed_since_the_entry_was_drawn_is_shown_before_the_order_is_sent(open_page, db, actors, market):
    at = open_page(actors.trader, cm_side="SELL")
    at.text_input(key="cm_price").set_value("80.60")
    at.text_input(key="cm_qty").set_value("2").run()
    assert warnings(at) == []
    own_bid = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 5, "80.60")  # from another window
    before = snapshot(db)

    submit(at).click().run()

    assert snapshot(db) == before
    assert [str(w.value) for w in at.warning][1:] == [
        f"This sell meets your own buy order {own_bid.id} (5 EUA at €80.60): "
        "self-trade prevention cancels that resting order."
    ]


def test_a_refused_cancel_stays_on_the_page_until_it_is_dismissed(open_page, db, actors, market):
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 10, "80.00")
    at = open_page(actors.trader)
    at.session_state[open_orders_key(get_open_orders(db, actors.trader.id))] = {"selection": {"rows": [0]}}
    at.run()
    cancel_order(db, order.id, actors.trader.id)  # another window, before the click
    at.button(key="cm_cancel_selected").click().run()

    at.run()  # a run the person did not ask for (the panel refreshes itself every 3 s)

    (refusal,) = texts(at.error)
    assert f"Order {order.id} is already cancelled" in refusal
    at.button(key="cm_cancel_dismiss").click().run()
    assert not at.error


@pytest.mark.parametrize(
    ("state", "price", "quantity", "shortfall"),
    [
        ({"cm_side": "SELL", "cm_type": "MARKET"}, None, "20",
         'Not enough EUA: this sell needs 20, trader firm "Trader Firm" has 0 available'),
        ({}, "81.20", "123", 'Not enough EUR: this buy needs €9,987.60 (123 × €81.20), trader firm "Trader Firm" has '
                             "€18.40 available"),
    ],
    ids=["market sell of every EUA", "limit buy of nearly every euro"],
)  # fmt: skip
def test_after_an_order_that_used_the_whole_balance_its_shortfall_is_a_note_until_the_trader_types_again(
    open_page, actors, market, state, price, quantity, shortfall
):
    at = open_page(actors.trader, **state)
    if price is not None:
        at.text_input(key="cm_price").set_value(price).run()
    at.text_input(key="cm_qty").set_value(quantity).run()

    submit(at).click().run()

    assert not at.exception and not at.error
    assert said_under(at, "cm_qty") == [shortfall]  # the fields keep the order just placed
    assert field_errors(at) == []  # and it is no mistake of the trader's
    at.text_input(key="cm_qty").set_value(quantity[:-1] + "1").run()
    assert len(field_errors(at)) == 1  # typed again, it is theirs


@pytest.mark.parametrize(("side", "typed", "said"), [
    ("BUY", "81.00", "This post-only order would trade at once against the best ask at €81.00: a post-only buy rests "
                     "below it"),
    ("SELL", "80.50", "This post-only order would trade at once against the best bid at €80.50: a post-only sell "
                      "rests above it"),
])  # fmt: skip
def test_a_post_only_price_that_would_trade_at_once_is_refused_under_price_before_anything_is_sent(
    open_page, db, actors, market, side, typed, said
):
    at = open_page(actors.trader)
    at.session_state["cm_side"] = side
    at.toggle(key="cm_post_only").set_value(True).run()
    before = snapshot(db)

    at.text_input(key="cm_price").set_value(typed).run()

    assert said_under(at, "cm_price") == [said]  # the engine's refusal came only after the click
    assert submit(at).disabled
    assert snapshot(db) == before


def test_a_post_only_limit_says_so_on_its_button_and_a_market_order_cannot_be_post_only(open_page, actors, market):
    at = open_page(actors.trader)

    at.toggle(key="cm_post_only").set_value(True).run()

    # the page's price moves to where a post-only buy rests, the best bid: from the best ask (€81.00) every
    # post-only order the page priced itself was refused by the engine, after the click
    assert submit(at).label == "Buy 10 EUA at €80.50 limit, post only, total €805.00"
    assert "refused and nothing is placed" in at.toggle(key="cm_post_only").help
    at.segmented_control(key="cm_type").set_value("MARKET").run()
    assert at.toggle(key="cm_post_only").disabled
    assert submit(at).label.startswith("Buy 10 EUA at market")


def test_a_post_only_order_the_book_met_after_it_was_priced_is_sent_nowhere_and_changes_nothing(
    open_page, db, actors, market
):
    at = open_page(actors.trader)
    at.toggle(key="cm_post_only").set_value(True)
    at.text_input(key="cm_price").set_value("80.90").run()  # below the best ask: it would rest
    assert not submit(at).disabled
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 5, "80.90", market_maker_id=market.ah.id)  # meanwhile
    before = snapshot(db)

    submit(at).click().run()  # the run the click starts checks the book as it is now

    assert not at.exception
    assert said_under(at, "cm_price") == [
        "This post-only order would trade at once against the best ask at €80.90: a post-only buy rests below it"
    ]
    assert snapshot(db) == before


def test_a_post_only_order_below_the_best_ask_rests_in_the_book(open_page, db, actors, market):
    at = open_page(actors.trader)
    at.toggle(key="cm_post_only").set_value(True)
    at.text_input(key="cm_price").set_value("80.90").run()

    submit(at).click().run()

    assert not at.exception and not at.error
    (order,) = get_my_orders(db, actors.trader.id, status="OPEN")
    assert (order.price, order.post_only) == (Decimal("80.90"), True)


def caption_texts(at) -> set[str]:
    return {str(c.value) for c in at.caption}


def test_a_reload_opens_on_the_pages_of_fills_and_closed_orders_the_url_keeps(open_page, db, actors, market):
    for _ in range(PAGE_SIZE + 1):  # two pages of fills and of closed orders
        place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 1)
    at = open_page(actors.trader)
    at.button(key=f"{FILLS_PAGE_KEY}_next").click().run()
    at.button(key=f"{HISTORY_PAGE_KEY}_next").click().run()
    assert {"fills_page": "2", "closed_page": "2"}.items() <= dict(at.query_params).items()

    reloaded = open_page(actors.trader, query=dict(at.query_params))  # a new session: Streamlit forgot both pages

    assert {"Page 2 of 2 · 21 fills", "Page 2 of 2 · 21 closed orders"} <= caption_texts(reloaded)
    reloaded.button(key=f"{FILLS_PAGE_KEY}_prev").click().run()
    assert "fills_page" not in reloaded.query_params  # the first page is left out, as every page's defaults are
    assert reloaded.query_params["closed_page"] == "2"


@pytest.mark.parametrize(
    ("said", "shown", "note"),
    [
        ("9", 2, "The link's page “9” is past the last, page 2: page 2 is shown."),
        (
            "99999999999999999999999",
            2,
            "The link's page “99999999999999999999999” is past the last, page 2: page 2 is shown.",
        ),
        ("0", 1, "The link's page “0” is no page: page 1 is shown."),
        ("2.5", 1, "The link's page “2.5” is not a page number: page 1 is shown."),
        ("<b>two</b>", 1, "The link's page “<b>two</b>” is not a page number: page 1 is shown."),
    ],
)
def test_a_links_page_that_is_no_page_of_fills_is_said_under_the_pager_and_the_nearest_shown(
    open_page, db, actors, market, said, shown, note
):
    for _ in range(PAGE_SIZE + 1):
        place_order(db, actors.trader.id, "EUA", "BUY", "MARKET", 1)

    at = open_page(actors.trader, query={"fills_page": said})

    assert not at.exception and not at.error
    assert f"Page {shown} of 2 · 21 fills" in caption_texts(at)
    assert warned_under(at, f"{FILLS_PAGE_KEY}_next") == [note]
    assert dict(at.query_params).get("fills_page") == ("2" if shown == 2 else None)  # the page shown

    at.button(key=f"{FILLS_PAGE_KEY}_prev" if shown == 2 else f"{FILLS_PAGE_KEY}_next").click().run()

    assert warned_under(at, f"{FILLS_PAGE_KEY}_next") == []  # turning a page answers the link


def test_an_admin_who_picks_another_market_maker_leaves_the_last_ones_pages_out_of_the_url(
    open_page, db, actors, market
):
    for _ in range(PAGE_SIZE + 1):
        place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 1, market_maker_id=market.lp.id)
    place_order(db, actors.admin.id, "EUA", "BUY", "MARKET", 1, market_maker_id=market.lp2.id)
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.lp.id).run()
    at.button(key=f"{FILLS_PAGE_KEY}_next").click().run()
    assert at.query_params["fills_page"] == "2"

    at.selectbox(key="cm_mm").select(market.lp2.id).run()

    assert "fills_page" not in at.query_params
    reloaded = open_page(actors.admin, query=dict(at.query_params))
    assert "Page 1 of 1 · 1 fill" in caption_texts(reloaded)
