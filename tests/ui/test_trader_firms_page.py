"""The Trader Firms page through AppTest: the firms' balances and traders, and the create, fund, withdraw and add
trader dialogs, each refusal under the field it is about."""

from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import text

from core.entities import create_entity, fund_entity, get_trader_firm, withdraw_entity
from core.orders import place_order
from core.user_accounts import create_user_account
from core.users import authenticate
from tests.helpers import snapshot
from tests.ui.conftest import refusal_under, texts, warned_under
from ui.format import NO_VALUE

PAGE = "pages/trader_firms.py"


@pytest.fixture
def funded(db, actors):
    """The standard firm with €1,000.00, €600.00 of it locked by its trader's resting BUY."""
    fund_entity(db, actors.entity.id, "EUR", "1000.00", actors.admin.id)
    place_order(db, actors.trader.id, "CEA", "BUY", "LIMIT", 60, "10.00")
    return actors.entity


def send(at, key: str, value: str, submit: str):
    at.text_input(key=key).set_value(value)
    at.button(key=submit).click().run()
    assert not at.exception
    return at


def confirm(at, kind: str):
    """The confirmation step of a fund or withdraw dialog: its Confirm clicked."""
    at.button(key=f"tf_{kind}_confirm").click().run()
    assert not at.exception
    return at


def question(at) -> list[str]:
    """What the open dialog asks before it moves anything (the markdown of its confirmation step)."""
    return [m.value for m in at.markdown if m.value.endswith("?")]


def test_an_admin_sees_each_firm_with_its_balances_active_traders_and_traders(open_app, actors, funded):
    at = open_app(actors.admin, PAGE)

    assert not at.exception
    table = at.dataframe[0].value
    assert table["name"].tolist() == ["Trader Firm"]
    assert (table.loc[0, "eur_available"], table.loc[0, "eur_locked"]) == (Decimal("400.00"), Decimal("600.00"))
    assert table.loc[0, "active_traders"] == 1
    assert at.dataframe[1].value["username"].tolist() == ["trader"]


def test_both_tables_show_a_cell_with_no_value_as_the_no_value_dash(open_app, actors, funded):
    at = open_app(actors.admin, PAGE)

    firms, traders = at.dataframe[0], at.dataframe[1]
    assert firms.proto.placeholder == traders.proto.placeholder == NO_VALUE  # it was "": blank
    assert pd.isna(traders.value.loc[0, "last_login_at"])  # the trader never signed in: a dash


def test_creating_a_firm_shows_it_and_a_taken_or_blank_name_is_refused_under_the_name(open_app, actors, db):
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_create_open").click().run()
    before = snapshot(db)

    send(at, "tf_new_name", "  trader firm ", "tf_new_submit")
    assert refusal_under(at, "tf_new_name") == 'A trader firm named "Trader Firm" already exists'  # as stored
    send(at, "tf_new_name", "   ", "tf_new_submit")
    assert refusal_under(at, "tf_new_name") == "Firm name is required"
    assert snapshot(db) == before

    send(at, "tf_new_name", "Nordic Carbon AB", "tf_new_submit")

    newest = "SELECT ticket_id FROM ticket_logs WHERE action = 'CREATE_ENTITY' ORDER BY id DESC LIMIT 1"
    ticket = db.execute(text(newest)).scalar_one()
    assert texts(at.toast) == [f"Created trader firm Nordic Carbon AB ({ticket})"]
    assert at.dataframe[0].value["name"].tolist() == ["Nordic Carbon AB", "Trader Firm"]
    assert at.selectbox(key="tf_selected").value == at.dataframe[0].value.loc[0, "id"]


def test_renaming_a_firm_shows_it_under_its_new_name_and_a_taken_name_is_refused_under_it(open_app, actors, db):
    create_entity(db, "Nordic Carbon AB", actors.admin.id)
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="tf_selected").set_value(actors.entity.id).run()
    at.button(key="tf_rename_open").click().run()
    before = snapshot(db)
    # a firm places no liquidity operations: the market makers' note about their names was wrong here
    assert [c.value for c in at.caption if "new name" in c.value] == [
        "Its balances, traders, orders, fills and audit trail stay with it and read under the new name."
    ]

    send(at, "tf_rename_name", "nordic carbon ab", "tf_rename_submit")
    assert refusal_under(at, "tf_rename_name") == 'A trader firm named "Nordic Carbon AB" already exists'
    assert snapshot(db) == before
    send(at, "tf_rename_name", "Trader Firm GmbH", "tf_rename_submit")

    (toast,) = texts(at.toast)
    assert toast.startswith("Renamed Trader Firm to Trader Firm GmbH (TKT-")
    assert get_trader_firm(db, actors.entity.id, user_id=actors.admin.id).name == "Trader Firm GmbH"
    assert at.selectbox(key="tf_selected").value == actors.entity.id


def _refused_name(at, typed: str) -> str:
    at.button(key="tf_create_open").click().run()
    send(at, "tf_new_name", typed, "tf_new_submit")
    return refusal_under(at, "tf_new_name")


def test_a_firm_name_in_mathematical_bold_letters_is_refused_under_the_name_and_nothing_is_created(
    open_app, actors, db
):
    at = open_app(actors.admin, PAGE)
    before = snapshot(db)

    refusal = _refused_name(at, "\U0001d413rader Firm")  # a mathematical bold T

    assert refusal == (
        "Firm name \"\U0001d413rader Firm\": '\U0001d413' is a mathematical bold capital T, not a plain 'T': "
        'type "Trader Firm"'
    )
    assert snapshot(db) == before


def test_a_firm_name_pasted_with_an_invisible_character_is_refused_under_the_name_and_nothing_is_created(
    open_app, actors, db
):
    at = open_app(actors.admin, PAGE)
    before = snapshot(db)

    refusal = _refused_name(at, "Trader\u200bFirm")  # reads as "TraderFirm": it was created

    assert refusal == (
        "Firm name contains an invisible character (U+200B ZERO WIDTH SPACE), as pasted text can: type the name "
        "without it"
    )
    assert snapshot(db) == before


def test_funding_a_firm_adds_to_its_balance_and_a_bad_amount_is_refused_under_the_amount(open_app, actors, db):
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_fund_open").click().run()
    before = snapshot(db)

    send(at, "tf_fund_amount", "-5", "tf_fund_submit")
    assert refusal_under(at, "tf_fund_amount") == "Amount must be greater than zero, got -5"
    send(at, "tf_fund_amount", "lots", "tf_fund_submit")
    assert "Amount must be a number" in refusal_under(at, "tf_fund_amount")
    assert snapshot(db) == before

    send(at, "tf_fund_amount", "2500.50", "tf_fund_submit")
    confirm(at, "fund")

    assert any(t.startswith("Funded Trader Firm with €2,500.50 (TKT-") for t in texts(at.toast))
    assert get_trader_firm(db, actors.entity.id, user_id=actors.admin.id).eur_available == Decimal("2500.50")


def test_a_withdrawal_beyond_what_is_available_is_refused_before_any_confirmation_saying_what_orders_lock(
    open_app, actors, db, funded
):
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_withdraw_open").click().run()
    before = snapshot(db)

    send(at, "tf_withdraw_amount", "500", "tf_withdraw_submit")  # a first send: nothing to confirm, it cannot leave

    assert question(at) == []
    assert refusal_under(at, "tf_withdraw_amount") == (
        'Cannot withdraw €500.00 from trader firm "Trader Firm": only €400.00 is available; the other €600.00 is '
        "locked in open orders until they are cancelled or filled"
    )
    assert snapshot(db) == before
    assert at.text_input(key="tf_withdraw_amount").value == "500"  # kept, to correct
    send(at, "tf_withdraw_amount", "400", "tf_withdraw_submit")
    confirm(at, "withdraw")
    assert get_trader_firm(db, actors.entity.id, user_id=actors.admin.id).eur_available == 0


def test_a_funding_sent_moves_nothing_until_its_sentence_is_confirmed(open_app, actors, db):
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_fund_open").click().run()
    before = snapshot(db)

    send(at, "tf_fund_amount", "€1,000.50", "tf_fund_submit")  # Enter, or the button: a first send only asks

    assert question(at) == ["Fund **Trader Firm** with €1,000.50?"]
    greyed = at.text_input(key="tf_fund_amount_asked")  # its greyed copy: the amount confirmed is the amount shown
    assert (greyed.value, greyed.disabled) == ("€1,000.50", True)
    assert snapshot(db) == before
    at.button(key="tf_fund_back").click().run()
    assert question(at) == []
    assert at.text_input(key="tf_fund_amount").value == "€1,000.50"  # kept, to change
    assert snapshot(db) == before

    send(at, "tf_fund_amount", "100000", "tf_fund_submit")
    confirm(at, "fund")

    assert any(t.startswith("Funded Trader Firm with €100,000.00 (TKT-") for t in texts(at.toast))
    assert get_trader_firm(db, actors.entity.id, user_id=actors.admin.id).eur_available == Decimal("100000.00")


def test_a_withdrawal_refused_at_confirm_gives_back_the_form_holding_the_amount_typed_however_long_it_asked(
    open_app, actors, db, funded
):
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_withdraw_open").click().run()
    send(at, "tf_withdraw_amount", "400", "tf_withdraw_submit")
    at.run()
    at.run()  # asking over runs that draw only the field's greyed copy: Streamlit forgets the field itself
    withdraw_entity(db, actors.entity.id, "EUR", "100.00", actors.admin.id)  # another admin, in another tab

    confirm(at, "withdraw")

    assert "only €300.00 is available" in refusal_under(at, "tf_withdraw_amount")
    amount = at.text_input(key="tf_withdraw_amount")
    assert (amount.value, amount.disabled) == ("400", False)  # kept, to correct


def test_a_withdrawal_asks_to_confirm_the_amount_from_the_firm(open_app, actors, db, funded):
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_withdraw_open").click().run()

    send(at, "tf_withdraw_amount", "150", "tf_withdraw_submit")

    assert question(at) == ["Withdraw €150.00 from **Trader Firm**?"]
    confirm(at, "withdraw")
    assert get_trader_firm(db, actors.entity.id, user_id=actors.admin.id).eur_available == Decimal("250.00")


def test_a_trader_added_to_a_firm_signs_in_with_the_password_shown_once(open_app, actors, db):
    create_entity(db, "Aardvark Trading", actors.admin.id)  # listed first: the page must not jump to it
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="tf_selected").set_value(actors.entity.id).run()
    at.button(key="tf_add_trader_open").click().run()
    assert at.selectbox(key="tf_new_firm").disabled  # added from its firm's page: to that firm

    send(at, "tf_new_username", "desk.one", "tf_new_submit")

    password = at.code[0].value
    assert authenticate(db, "desk.one", password).entity_id == actors.entity.id
    created = "SELECT ticket_id FROM ticket_logs WHERE action = 'CREATE_USER' AND after_state->>'username' = 'desk.one'"
    assert f"Added trader desk.one of Trader Firm ({db.execute(text(created)).scalar_one()})" in texts(at.toast)
    at.button(key="issued_done").click().run()
    assert not at.code  # gone for good
    assert at.selectbox(key="tf_selected").value == actors.entity.id  # still the firm just added to
    assert at.dataframe[1].value["username"].tolist() == ["desk.one", "trader"]


def test_a_deposit_past_what_the_balance_can_hold_is_refused_before_any_confirmation_in_funding_s_sentence(
    open_app, actors, db
):
    db.execute(  # arranged by hand: as ten thousand deposits of the per-action maximum would leave it
        text("UPDATE balances SET available = 9999999999999000 WHERE entity_id = :e AND asset = 'EUR'"),
        {"e": actors.entity.id},
    )
    db.commit()
    at = open_app(actors.admin, PAGE)
    at.button(key="tf_fund_open").click().run()
    before = snapshot(db)

    send(at, "tf_fund_amount", "1000.01", "tf_fund_submit")  # refused at Confirm only, as "A number is too large"

    assert question(at) == []
    assert refusal_under(at, "tf_fund_amount") == (
        'Cannot fund trader firm "Trader Firm" with €1,000.01: it would hold €10,000,000,000,000,000.01, above the '
        "most one account can hold (€9,999,999,999,999,999.99)"
    )
    assert snapshot(db) == before


def test_a_trader_added_in_another_window_is_counted_in_the_firm_box_at_the_next_run(open_app, actors, db):
    at = open_app(actors.admin, PAGE)
    create_user_account(db, "second.trader", "TRADER", actors.entity.id, created_by_id=actors.admin.id)

    at.run()  # any click in this window: the page reads the firms again

    box = at.selectbox(key="tf_selected").proto
    # sent to the browser, which otherwise keeps drawing "… · 1 active trader" and sends that back, matching nothing
    assert box.set_value
    assert box.raw_value == "Trader Firm · 2 active traders"


def test_a_reload_opens_on_the_trader_firm_the_url_keeps(open_app, open_link, actors, db):
    other = create_entity(db, "Baltic Carbon", actors.admin.id)
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="tf_selected").set_value(other.id).run()
    assert at.query_params["firm"] == str(other.id)

    reloaded = open_link(actors.admin, "trader-firms", {"firm": str(other.id)})  # it came back on the first firm

    assert not reloaded.exception and not warned_under(reloaded, "tf_selected")
    assert reloaded.selectbox(key="tf_selected").value == other.id


def test_a_links_trader_firm_that_does_not_exist_is_said_under_the_box_which_shows_the_first(open_link, actors):
    for named in ("99999", "abc"):
        at = open_link(actors.admin, "trader-firms", {"firm": named})

        assert not at.exception
        assert at.selectbox(key="tf_selected").value == actors.entity.id
        assert warned_under(at, "tf_selected") == [
            f"The link's trader firm “{named}” is not offered here: {actors.entity.name} is shown."
        ]
        assert at.query_params["firm"] == str(actors.entity.id)  # the URL says what is shown
