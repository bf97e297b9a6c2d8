"""The cash market page in AppTest: the real app.py on this test's database, signed in through ui.session."""

import time
from decimal import Decimal

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.db import PROJECT_ROOT
from core.enums import OrderStatus
from core.orders import get_my_orders, place_order
from tests.helpers import snapshot
from tests.trading import balance, fund_trader, make_desk
from ui.session import SEEN_KEY, USER_KEY

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def open_page(database_url, monkeypatch):
    """The app run once as ``user``; Cash Market is the first page of traders and admins."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def _open(user, **state):
        at = AppTest.from_file(APP, default_timeout=30)
        at.session_state[USER_KEY] = user
        at.session_state[SEEN_KEY] = time.monotonic()
        for key, value in state.items():
            at.session_state[key] = value
        return at.run()

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


def test_a_trader_sees_stats_book_balance_and_a_price_prefilled_from_the_best_ask(open_page, actors, market):
    at = open_page(actors.trader)

    assert not at.exception
    assert at.title[0].value == "Cash market"
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Best bid"], metrics["Best ask"], metrics["Spread"]) == ("€80.50", "€81.00", "€0.50")
    assert at.number_input(key="cm_price").value == pytest.approx(81.00)
    assert "Available **€10,000.00** · **20 EUA**" in markdown(at)
    assert "Estimated total **€810.00**" in markdown(at)
    assert "Trading for **Trader Firm**" in markdown(at)
    bids, asks = at.dataframe[0].value, at.dataframe[1].value
    assert list(bids["price"]) == [80.50] and list(asks["price"]) == [81.00, 81.20]
    assert list(asks["cumulative"]) == [30, 50]


def test_the_estimate_of_a_market_buy_walks_the_book(open_page, actors, market):
    at = open_page(actors.trader, cm_type="MARKET", cm_qty=40)

    assert "Estimated total **€3,242.00**" in markdown(at)  # 30 x 81.00 + 10 x 81.20
    assert at.number_input(key="cm_price").disabled


def test_a_trader_places_a_limit_buy_that_trades_and_sees_it_confirmed(open_page, db, actors, market):
    at = open_page(actors.trader)

    at.number_input(key="cm_qty").set_value(12)
    at.button(key="cm_submit").click().run()

    assert not at.exception and not at.error
    assert any("Bought 12 EUA at an average €81.00" in str(t.value) for t in at.toast)
    assert balance(db, "EUA", entity_id=actors.entity.id) == (Decimal("32"), Decimal("0"))
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("9028.00"), Decimal("0.00"))


def test_a_refused_order_shows_why_and_changes_nothing(open_page, db, actors, market):
    at = open_page(actors.trader, cm_side="SELL")
    before = snapshot(db)

    at.number_input(key="cm_qty").set_value(21)
    at.button(key="cm_submit").click().run()

    assert [e.value for e in at.error] == [
        'Insufficient EUA on entity "Trader Firm": this sell needs 21 certificates, 20 available'
    ]
    assert snapshot(db) == before


def test_an_admin_trades_for_the_market_maker_it_picks(open_page, db, actors, market):
    at = open_page(actors.admin)
    at.selectbox(key="cm_mm").select(market.ah.id).run()
    at.session_state["cm_side"] = "SELL"
    at.run()

    at.number_input(key="cm_price").set_value(82.00)
    at.number_input(key="cm_qty").set_value(5)
    at.button(key="cm_submit").click().run()

    assert not at.exception and not at.error
    (order,) = [o for o in get_my_orders(db, actors.admin.id, status="OPEN") if o.price == Decimal("82.00")]
    assert (order.market_maker_id, order.side, order.quantity) == (market.ah.id, "SELL", 5)


def test_a_trader_cancels_an_open_order_from_my_orders(open_page, db, actors, market):
    resting = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 10, "80.00")
    at = open_page(actors.trader)

    at.button(key=f"cm_cancel_{resting.id}").click().run()

    assert not at.exception and not at.error
    assert get_my_orders(db, actors.trader.id)[0].status is OrderStatus.CANCELLED
    assert balance(db, "EUR", entity_id=actors.entity.id) == (Decimal("10000.00"), Decimal("0.00"))


def test_a_price_clicked_in_the_book_goes_into_the_order_entry(open_page, actors, market):
    at = open_page(actors.trader, cm_pick=81.20)

    assert at.number_input(key="cm_price").value == pytest.approx(81.20)
    assert "Estimated total **€812.00**" in markdown(at)


def test_the_price_is_prefilled_again_after_visiting_another_page(open_page, actors, market):
    at = open_page(actors.admin)

    at.switch_page("pages/market_makers.py").run()
    at.switch_page("pages/cash_market.py").run()

    assert not at.exception
    assert at.number_input(key="cm_price").value == pytest.approx(81.00)
