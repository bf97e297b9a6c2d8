"""The Market Makers page through AppTest: what each role sees, filters, and the create/fund/withdraw/deactivate
dialogs, each refusal under the field it is about."""

import json
from datetime import UTC
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import text

from core.market_makers import (
    create_market_maker,
    deactivate_market_maker,
    get_market_maker_ledger,
    get_market_makers,
)
from core.orders import place_order
from tests.helpers import snapshot
from tests.ui.conftest import refusal_under, shown, texts, warned_under
from ui.format import NO_VALUE

PAGE = "pages/market_makers.py"
WRITE_BUTTONS = {"mm_create_open", "mm_fund_open", "mm_withdraw_open", "mm_rename_open", "mm_deactivate_open"}


@pytest.fixture
def market_makers(db, actors):
    """An LP with EUR, an AH with certificates, and a deactivated LP."""
    atlas = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000.50")
    cedar = create_market_maker(db, "Cedar", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 400, "EUA": 20})
    old = create_market_maker(db, "Old LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="5")
    deactivate_market_maker(db, old.id, actors.admin.id)
    return {"atlas": atlas, "cedar": cedar, "old": old}


def warnings(at) -> list[str]:
    """The warnings drawn under fields (ui.feedback.field_warning), as a reader sees them."""
    return [shown(str(c.value)) for c in at.caption if str(c.value).startswith(":orange[")]


def button_keys(at) -> set[str]:
    return {b.key for b in at.button}


def table(at):
    return at.dataframe[0].value


def ticket_of(db, action: str, mm_id: int) -> str:
    """The id of the one ``action`` ticket on a market maker."""
    return db.execute(
        text("SELECT ticket_id FROM ticket_logs WHERE action = :a AND entity_type = 'market_maker' AND entity_id = :m"),
        {"a": action, "m": mm_id},
    ).scalar_one()


def open_dialog(at, opener: str):
    at.button(key=opener).click().run()
    assert not at.exception
    return at


def withdraw(at, mm_id: int, amount: str) -> None:
    """Choose the market maker, open its Withdraw dialog, send ``amount`` and confirm it when core read it as an
    amount (what is available is judged when it moves)."""
    at.selectbox(key="mm_selected").set_value(mm_id).run()
    open_dialog(at, "mm_withdraw_open")
    at.text_input(key="mm_withdraw_amount").set_value(amount)
    at.button(key="mm_withdraw_submit").click().run()
    if "mm_withdraw_confirm" in button_keys(at):
        at.button(key="mm_withdraw_confirm").click().run()


def test_admin_sees_totals_the_table_and_every_write_action(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)

    assert not at.exception
    assert [(m.label, m.value) for m in at.metric[:4]] == [
        ("EUR available", "€1,000.50"),
        ("CEA available", "400 CEA"),
        ("EUA available", "20 EUA"),
        ("Active market makers", "1 LP · 1 AH"),
    ]
    assert table(at)["name"].tolist() == ["Atlas", "Cedar"]
    assert table(at)["type"].tolist() == [["LP"], ["AH"]]
    assert table(at).loc[0, "eur_available"] == Decimal("1000.50")
    assert WRITE_BUTTONS.issubset(button_keys(at))
    created = market_makers["atlas"].created_at.astimezone(UTC)
    assert f"Created {created:%Y-%m-%d %H:%M} UTC" in texts(at.caption)  # the table has no room for it at 1,280 px


def test_the_table_shows_status_and_leaves_out_created_so_open_orders_fit_at_1280_px(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)
    everyone_active = json.loads(at.dataframe[0].proto.columns)
    at.toggle(key="mm_show_inactive").set_value(True).run()
    with_inactive = json.loads(at.dataframe[0].proto.columns)

    assert everyone_active["status"]["hidden"] and everyone_active["created_at"]["hidden"]  # Active on every row
    assert not with_inactive.get("status", {}).get("hidden") and with_inactive["created_at"]["hidden"]
    assert (everyone_active["open_orders"]["label"], everyone_active["open_orders"]["help"]) == (
        "Orders",
        "Open orders",
    )


def blocks(node: object):
    """Every block under ``node``, depth first."""
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield child
            yield from blocks(child)


def test_a_market_makers_actions_are_one_group_that_wraps_whole_beside_a_long_name(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)

    groups = [[getattr(e, "key", None) for e in b.children.values()] for b in blocks(at.main)]

    # they sat each on its own in the name's row: beside a long name, Fund stayed up and the others dropped below
    assert ["mm_fund_open", "mm_withdraw_open", "mm_rename_open", "mm_deactivate_open"] in groups


def test_what_a_market_maker_earned_or_bought_shows_in_the_totals_the_table_and_its_detail(
    db, open_app, actors, market_makers
):
    atlas, cedar = market_makers["atlas"], market_makers["cedar"]
    place_order(db, actors.admin.id, "CEA", "SELL", "LIMIT", 10, "14.00", market_maker_id=cedar.id)
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 4, "14.00", market_maker_id=atlas.id)

    at = open_app(actors.admin, PAGE)

    assert not at.exception
    labels = [m.label for m in at.metric]
    metrics = {m.label: m.value for m in at.metric[: labels.index("Active market makers")]}  # the totals
    assert metrics["EUR available"] == "€1,000.50"  # €944.50 left with Atlas + €56.00 Cedar earned
    assert metrics["CEA available"] == "394 CEA"  # 390 with Cedar + 4 Atlas bought
    assert metrics["CEA locked"] == "6 CEA"  # Cedar's unfilled sell
    rows = table(at).set_index("name")
    assert rows.loc["Cedar", "eur_available"] == Decimal("56.00")
    assert rows.loc["Atlas", "cea_available"] == 4
    assert rows.loc["Atlas", "eua_available"] == 0  # never bought any: a real zero
    assert pd.isna(rows.loc["Atlas", "eua_locked"]) and pd.isna(rows.loc["Cedar", "eur_locked"])  # never locked

    at.selectbox(key="mm_selected").select(cedar.id).run()

    detail = {m.label: m.value for m in at.metric[labels.index("Active market makers") + 1 :]}
    # what it earned, and "—" for a lock an AH never takes, as the table shows it (it read "€0.00" beside the "—")
    assert (detail["EUR available"], detail["EUR locked"]) == ("€56.00", NO_VALUE)
    assert (detail["CEA available"], detail["CEA locked"]) == ("390 CEA", "6 CEA")


def test_the_table_and_the_ledger_show_a_cell_with_no_value_as_the_no_value_dash(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)

    grid, ledger = at.dataframe[0], at.dataframe[1]
    assert grid.proto.placeholder == ledger.proto.placeholder == NO_VALUE  # the table's was "": blank
    assert pd.isna(table(at).set_index("name").loc["Atlas", "cea_locked"])  # an LP locks no certificates


def test_analyst_sees_the_same_data_and_ledger_but_no_write_action(open_app, actors, market_makers):
    at = open_app(actors.analyst, PAGE)

    assert not at.exception
    assert table(at)["name"].tolist() == ["Atlas", "Cedar"]
    assert at.dataframe[1].value["reference"].str.startswith("TKT-").all()
    assert not WRITE_BUTTONS & button_keys(at)


def test_analyst_gets_no_dialog_even_if_one_is_requested_in_the_session(open_app, actors, market_makers):
    at = open_app(actors.analyst, PAGE)
    at.session_state["mm_dialog"] = ("create", None)

    at.run()

    assert not at.exception
    assert "mm_new_submit" not in button_keys(at)


@pytest.mark.parametrize(
    ("choice", "show_inactive", "names"),
    [("LP", False, ["Atlas"]), ("AH", False, ["Cedar"]), ("All", True, ["Atlas", "Cedar", "Old LP"])],
)
def test_the_table_filters_by_type_and_shows_inactive_on_request(
    open_app, actors, market_makers, choice, show_inactive, names
):
    at = open_app(actors.admin, PAGE)

    at.button_group(key="mm_type_filter").set_value(choice)
    at.toggle(key="mm_show_inactive").set_value(show_inactive)
    at.run()

    assert not at.exception
    assert table(at)["name"].tolist() == names


def test_an_empty_list_says_so(open_app, actors):
    at = open_app(actors.admin, PAGE)

    assert not at.exception
    assert texts(at.info) == ["No market makers yet. Create the first one."]


def test_the_ledger_shows_the_selected_market_maker(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)

    at.selectbox(key="mm_selected").set_value(market_makers["cedar"].id).run()

    ledger = at.dataframe[1].value
    assert sorted(ledger["amount"]) == ["+20 EUA", "+400 CEA"]  # deposits: added
    assert sorted(ledger["available"]) == ["0 CEA → 400 CEA", "0 EUA → 20 EUA"]


def test_the_create_dialog_asks_for_the_funding_of_the_chosen_type(open_app, actors):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")
    lp_fields = [t.label for t in at.text_input]

    at.button_group(key="mm_new_type").set_value("ASSET_HOLDER").run()

    assert lp_fields == ["Name", "Initial EUR balance"]
    assert [t.label for t in at.text_input] == ["Name", "Initial CEA balance", "Initial EUA balance"]


def test_creating_a_liquidity_provider_closes_the_dialog_and_shows_it(open_app, actors, db):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")

    at.text_input(key="mm_new_name").set_value("Boreal")
    at.text_input(key="mm_new_eur").set_value("250000.00")
    at.button(key="mm_new_submit").click().run()
    assert get_market_makers(db, user_id=actors.admin.id) == []  # a first send only asks
    assert [m.value for m in at.markdown if m.value.endswith("?")] == [
        "Create liquidity provider **Boreal** with €250,000.00?"  # money moves: the type in full, not its badge
    ]
    at.button(key="mm_new_confirm").click().run()

    assert not at.exception
    assert "mm_new_submit" not in button_keys(at)
    assert table(at)["name"].tolist() == ["Boreal"]
    (boreal,) = get_market_makers(db, user_id=actors.admin.id)
    assert boreal.eur_available == Decimal("250000.00")
    (deposit,) = get_market_maker_ledger(db, boreal.id, user_id=actors.admin.id)
    # the ticket its ledger shows, as a funding's toast names one (it named none)
    assert texts(at.toast) == [f"Created liquidity provider Boreal with €250,000.00 ({deposit.ticket_id})"]
    assert at.selectbox(key="mm_selected").value == boreal.id


def test_a_creation_asking_to_confirm_shows_its_form_greyed_as_sent_and_back_gives_it_back_as_typed(open_app, actors):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")
    at.text_input(key="mm_new_name").set_value("Boreal")
    at.text_input(key="mm_new_eur").set_value("250,000")

    at.button(key="mm_new_submit").click().run()
    at.run()  # a rerun while it asks: Streamlit forgets a field the runs that draw only its greyed copy

    greyed = [(t.key, t.value, t.disabled) for t in at.text_input]
    assert greyed == [("mm_new_name_asked", "Boreal", True), ("mm_new_eur_asked", "250,000", True)]
    at.button(key="mm_new_back").click().run()
    assert [(t.key, t.value, t.disabled) for t in at.text_input] == [
        ("mm_new_name", "Boreal", False),
        ("mm_new_eur", "250,000", False),
    ]


def test_creating_an_asset_holder_funds_its_certificates(open_app, actors, db):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")

    at.button_group(key="mm_new_type").set_value("ASSET_HOLDER").run()  # first: AppTest drops what a form holds
    at.text_input(key="mm_new_name").set_value("Delta")  # when a widget outside it reruns (a browser keeps it)
    at.text_input(key="mm_new_cea").set_value("5000")
    at.text_input(key="mm_new_eua").set_value("")
    at.button(key="mm_new_submit").click().run()
    assert [m.value for m in at.markdown if m.value.endswith("?")] == ["Create asset holder **Delta** with 5,000 CEA?"]
    at.button(key="mm_new_confirm").click().run()

    (delta,) = get_market_makers(db, user_id=actors.admin.id)
    (deposit,) = get_market_maker_ledger(db, delta.id, user_id=actors.admin.id)
    assert texts(at.toast) == [f"Created asset holder Delta with 5,000 CEA ({deposit.ticket_id})"]
    assert (delta.cea_available, delta.eua_available) == (5000, 0)


@pytest.mark.parametrize(
    ("name", "eur", "field", "message"),
    [
        (
            "Boreal",
            "12.345",
            "mm_new_eur",
            "Initial EUR balance: EUR amounts have at most 2 decimals (cents), got 12.345",
        ),
        ("Boreal", "lots", "mm_new_eur", "Initial EUR balance must be a number, got 'lots'"),
        ("Boreal", "-1", "mm_new_eur", "Initial EUR balance must be zero or more, got -1"),
        ("   ", "10", "mm_new_name", "Market maker name is required"),
        ("atlas ", "10", "mm_new_name", 'A market maker named "Atlas" already exists'),  # as stored, not as typed
        (
            "\uff21tlas",  # a fullwidth A: it reads as the existing Atlas
            "10",
            "mm_new_name",
            "Market maker name \"\uff21tlas\": '\uff21' is a fullwidth Latin capital letter A, not a plain 'A': "
            'type "Atlas"',
        ),
        (
            "old lp",
            "10",
            "mm_new_name",
            'A market maker named "Old LP" already exists (deactivated: "Show inactive" lists it); choose another name',
        ),
    ],
)
def test_a_refused_creation_says_why_under_the_field_it_is_about_and_keeps_the_dialog_open(
    open_app, actors, db, market_makers, name, eur, field, message
):
    before = snapshot(db)
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")

    at.text_input(key="mm_new_name").set_value(name)
    at.text_input(key="mm_new_eur").set_value(eur)
    at.button(key="mm_new_submit").click().run()

    assert not at.exception
    assert "mm_new_confirm" not in button_keys(at)  # refused at the first send, a name taken too: nothing to confirm
    assert refusal_under(at, field) == message
    assert not at.error  # not in a box under the button
    assert "mm_new_submit" in button_keys(at)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("name", "name_refusal"),
    [("   ", "Market maker name is required"), ("atlas", 'A market maker named "Atlas" already exists')],
)
def test_every_fault_of_a_creation_is_said_at_once_each_under_its_field(
    open_app, actors, db, market_makers, name, name_refusal
):
    before = snapshot(db)
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")

    at.text_input(key="mm_new_name").set_value(name)
    at.text_input(key="mm_new_eur").set_value("1e3")
    at.button(key="mm_new_submit").click().run()  # the name's refusal came alone, the amount's once it was fixed

    assert not at.exception
    assert refusal_under(at, "mm_new_name") == name_refusal
    assert refusal_under(at, "mm_new_eur") == (
        "Initial EUR balance: type the number in full, like 1000 (no exponent), got '1e3'"
    )
    assert "mm_new_confirm" not in button_keys(at)
    assert snapshot(db) == before


def test_funding_adds_to_the_balance_and_writes_a_ledger_row(open_app, actors, db, market_makers):
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="mm_selected").set_value(market_makers["cedar"].id).run()
    open_dialog(at, "mm_fund_open")

    at.button_group(key="mm_fund_asset").set_value("EUA")
    at.text_input(key="mm_fund_amount").set_value("30")
    at.button(key="mm_fund_submit").click().run()
    assert [m.value for m in at.markdown if m.value.endswith("?")] == ["Fund **Cedar** with 30 EUA?"]
    at.button(key="mm_fund_confirm").click().run()

    assert not at.exception
    assert texts(at.toast)[0].startswith("Funded Cedar with 30 EUA (TKT-")
    assert "mm_fund_submit" not in button_keys(at)
    assert at.dataframe[1].value.loc[0, "available"] == "20 EUA → 50 EUA"


def test_a_market_maker_without_initial_funds_is_created_at_once(open_app, actors, db):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_create_open")

    at.text_input(key="mm_new_name").set_value("Boreal")
    at.button(key="mm_new_submit").click().run()  # no money moves: nothing to confirm

    (boreal,) = get_market_makers(db, user_id=actors.admin.id)
    assert (boreal.name, boreal.eur_available) == ("Boreal", 0)
    assert texts(at.toast)[0].startswith("Created liquidity provider Boreal (TKT-")


def test_a_market_maker_created_as_a_type_the_filter_hides_is_shown_and_selected(open_app, actors, db, market_makers):
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="mm_type_filter").set_value("AH").run()
    open_dialog(at, "mm_create_open")

    at.text_input(key="mm_new_name").set_value("Boreal")
    at.button(key="mm_new_submit").click().run()  # a liquidity provider, with no funds: created at once

    boreal = next(m for m in get_market_makers(db, user_id=actors.admin.id) if m.name == "Boreal")
    assert at.segmented_control(key="mm_type_filter").value == "All"  # "AH" kept it out of the table and the box
    assert at.selectbox(key="mm_selected").value == boreal.id


def test_funding_offers_only_the_assets_the_type_holds(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="mm_selected").set_value(market_makers["cedar"].id).run()

    open_dialog(at, "mm_fund_open")

    assert at.button_group(key="mm_fund_asset").options == ["CEA", "EUA"]


def test_a_refused_funding_says_why_under_the_amount_and_changes_nothing(open_app, actors, db, market_makers):
    before = snapshot(db)
    at = open_dialog(open_app(actors.admin, PAGE), "mm_fund_open")

    at.text_input(key="mm_fund_amount").set_value("0")
    at.button(key="mm_fund_submit").click().run()

    assert refusal_under(at, "mm_fund_amount") == "Amount must be greater than zero, got 0"
    assert not at.error
    assert snapshot(db) == before


def test_withdrawing_takes_the_amount_and_shows_the_withdrawal_in_the_ledger(open_app, actors, market_makers):
    at = open_app(actors.admin, PAGE)

    withdraw(at, market_makers["cedar"].id, "150")

    assert not at.exception
    assert texts(at.toast)[0].startswith("Withdrew 150 CEA from Cedar (TKT-")
    assert "mm_withdraw_submit" not in button_keys(at)
    newest = at.dataframe[1].value.loc[0]
    assert (newest["type"], newest["available"]) == ("Withdrawal", "400 CEA → 250 CEA")
    assert newest["amount"] == "-150 CEA"  # taken out: it read "150 CEA", as a deposit reads


def test_the_withdraw_dialog_shows_what_is_available_and_what_open_orders_lock(open_app, actors, db, market_makers):
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 10, "10.00", market_maker_id=market_makers["atlas"].id)

    at = open_dialog(open_app(actors.admin, PAGE), "mm_withdraw_open")

    assert at.button_group(key="mm_withdraw_asset").options == ["EUR"]
    assert "Available now: €900.50 · locked in open orders: €100.00" in texts(at.caption)


@pytest.mark.parametrize(
    ("who", "amount", "message"),
    [
        ("atlas", "-5", "Amount must be greater than zero, got -5"),
        ("atlas", "abc", "Amount must be a number, got 'abc'"),
        (
            "atlas",
            "2000000000000",
            "Amount 2000000000000 is above the maximum of €1,000,000,000,000 accepted in one operation",
        ),
        ("atlas", "0.001", "Amount: EUR amounts have at most 2 decimals (cents), got 0.001"),
        (
            "atlas",
            "1000",
            'Cannot withdraw €1,000.00 from market maker "Atlas": only €900.50 is available; '
            "the other €100.00 is locked in open orders until they are cancelled or filled",
        ),
        ("cedar", "1.5", "Amount: CEA certificates are whole units, got 1.5"),
    ],
)
def test_a_refused_withdrawal_says_why_under_the_amount_keeps_the_dialog_open_and_changes_nothing(
    open_app, actors, db, market_makers, who, amount, message
):
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 10, "10.00", market_maker_id=market_makers["atlas"].id)
    before = snapshot(db)
    at = open_app(actors.admin, PAGE)

    withdraw(at, market_makers[who].id, amount)

    assert not at.exception
    assert refusal_under(at, "mm_withdraw_amount") == message
    assert not at.error
    assert at.text_input(key="mm_withdraw_amount").value == amount  # kept, to correct
    assert snapshot(db) == before


def test_a_deactivated_market_maker_s_funds_can_be_withdrawn_though_it_cannot_be_funded(
    open_app, actors, db, market_makers
):
    at = open_app(actors.admin, PAGE)
    at.toggle(key="mm_show_inactive").set_value(True).run()

    withdraw(at, market_makers["old"].id, "5")

    assert not at.exception
    assert texts(at.toast)[0].startswith("Withdrew €5.00 from Old LP (TKT-")
    assert at.button(key="mm_fund_open").disabled
    assert at.button(key="mm_withdraw_open").disabled  # it holds nothing more


def test_a_market_maker_holding_nothing_offers_no_withdrawal(open_app, actors, db):
    create_market_maker(db, "Empty", "LIQUIDITY_PROVIDER", actors.admin.id)

    at = open_app(actors.admin, PAGE)

    assert at.button(key="mm_withdraw_open").disabled
    assert at.button(key="mm_fund_open").disabled is False


def test_deactivating_after_confirmation_retires_the_market_maker(open_app, actors, db, market_makers):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_deactivate_open")

    at.button(key="mm_deactivate_confirm").click().run()

    assert not at.exception
    ticket = ticket_of(db, "DEACTIVATE_MARKET_MAKER", market_makers["atlas"].id)
    assert texts(at.toast) == [f"Deactivated Atlas ({ticket})"]
    assert [m.name for m in get_market_makers(db, include_inactive=False, user_id=actors.admin.id)] == ["Cedar"]
    # it stays in view, as deactivated: the details do not jump to another market maker, active, with a live button
    assert at.toggle(key="mm_show_inactive").value is True
    assert at.selectbox(key="mm_selected").value == market_makers["atlas"].id
    assert "mm_deactivate_open" not in button_keys(at)
    assert at.button(key="mm_reactivate_open").disabled is False  # in its place


def test_renaming_starts_from_the_name_and_shows_the_market_maker_under_its_new_one(open_app, actors, market_makers):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_rename_open")
    start = at.text_input(key="mm_rename_name").value

    at.text_input(key="mm_rename_name").set_value("Atlas Carbon")
    at.button(key="mm_rename_submit").click().run()

    assert start == "Atlas"  # corrected, not typed again
    assert not at.exception
    (toast,) = texts(at.toast)
    assert toast.startswith("Renamed Atlas to Atlas Carbon (TKT-")
    assert table(at)["name"].tolist() == ["Atlas Carbon", "Cedar"]
    assert at.selectbox(key="mm_selected").value == market_makers["atlas"].id


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("cedar", 'A market maker named "Cedar" already exists'),
        ("Atlas", 'It is named "Atlas" already: type the new name'),
        ("  ", "Market maker name is required"),
    ],
)
def test_a_refused_rename_says_why_under_the_name_keeps_the_dialog_open_and_changes_nothing(
    open_app, actors, db, market_makers, typed, said
):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_rename_open")
    before = snapshot(db)

    at.text_input(key="mm_rename_name").set_value(typed)
    at.button(key="mm_rename_submit").click().run()

    assert refusal_under(at, "mm_rename_name") == said
    assert snapshot(db) == before


def test_cancelling_the_deactivation_changes_nothing(open_app, actors, db, market_makers):
    before = snapshot(db)
    at = open_dialog(open_app(actors.admin, PAGE), "mm_deactivate_open")

    at.button(key="mm_deactivate_cancel").click().run()

    assert "mm_deactivate_confirm" not in button_keys(at)
    assert snapshot(db) == before


def test_a_market_maker_with_open_orders_offers_deactivate_greyed_saying_why(open_app, actors, db, market_makers):
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 10, "10.00", market_maker_id=market_makers["atlas"].id)
    place_order(db, actors.admin.id, "EUA", "BUY", "LIMIT", 1, "10.00", market_maker_id=market_makers["atlas"].id)

    at = open_app(actors.admin, PAGE)

    deactivate = at.button(key="mm_deactivate_open")
    assert deactivate.disabled
    assert deactivate.help == "It has 2 open orders: cancel or withdraw them before deactivating"


def test_deactivation_is_refused_when_an_order_is_placed_while_it_asks_to_confirm(open_app, actors, db, market_makers):
    at = open_dialog(open_app(actors.admin, PAGE), "mm_deactivate_open")
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 10, "10.00", market_maker_id=market_makers["atlas"].id)
    before = snapshot(db)

    at.button(key="mm_deactivate_confirm").click().run()

    assert not at.exception
    assert texts(at.error) == ['Market maker "Atlas" has 1 open order: cancel or withdraw it before deactivating']
    assert "mm_deactivate_confirm" in button_keys(at)
    assert snapshot(db) == before


def test_a_deactivated_market_maker_offers_reactivate_instead_of_deactivate_and_cannot_be_funded(
    open_app, actors, market_makers
):
    at = open_app(actors.admin, PAGE)
    at.toggle(key="mm_show_inactive").set_value(True).run()

    at.selectbox(key="mm_selected").set_value(market_makers["old"].id).run()

    assert at.button(key="mm_fund_open").disabled
    assert at.button(key="mm_fund_open").help == "A deactivated market maker cannot be funded: reactivate it first"
    assert "mm_deactivate_open" not in button_keys(at)
    assert at.button(key="mm_reactivate_open").disabled is False
    assert at.button(key="mm_withdraw_open").disabled is False  # its €5 can still be returned


def test_reactivating_after_confirmation_brings_the_market_maker_back_in_view(open_app, actors, db, market_makers):
    old = market_makers["old"].id
    at = open_app(actors.admin, PAGE)
    at.toggle(key="mm_show_inactive").set_value(True).run()
    at.selectbox(key="mm_selected").set_value(old).run()
    open_dialog(at, "mm_reactivate_open")

    at.button(key="mm_reactivate_confirm").click().run()

    assert not at.exception
    assert texts(at.toast) == [f"Reactivated Old LP ({ticket_of(db, 'REACTIVATE_MARKET_MAKER', old)})"]
    assert [m.name for m in get_market_makers(db, include_inactive=False, user_id=actors.admin.id)] == [
        "Atlas",
        "Cedar",
        "Old LP",
    ]
    assert at.selectbox(key="mm_selected").value == old
    assert at.button(key="mm_deactivate_open").disabled is False
    assert at.button(key="mm_fund_open").disabled is False


def test_cancelling_the_reactivation_changes_nothing(open_app, actors, db, market_makers):
    at = open_app(actors.admin, PAGE)
    at.toggle(key="mm_show_inactive").set_value(True).run()
    at.selectbox(key="mm_selected").set_value(market_makers["old"].id).run()
    open_dialog(at, "mm_reactivate_open")
    before = snapshot(db)

    at.button(key="mm_reactivate_cancel").click().run()

    assert "mm_reactivate_confirm" not in button_keys(at)
    assert snapshot(db) == before


def test_a_filter_hiding_only_deactivated_ones_says_how_to_see_them(open_app, actors, db):
    old = create_market_maker(db, "Old LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    deactivate_market_maker(db, old.id, actors.admin.id)

    at = open_app(actors.analyst, PAGE)

    assert texts(at.info) == [
        "No market makers match this filter. 1 deactivated market maker is hidden: turn on “Show inactive” to see them."
    ]


@pytest.mark.parametrize(("kind", "without"), [("AH", "eur"), ("LP", "cea"), ("LP", "eua")])
def test_a_filtered_table_has_no_columns_for_assets_its_market_makers_cannot_hold(
    open_app, actors, market_makers, kind, without
):
    at = open_app(actors.admin, PAGE)

    at.segmented_control(key="mm_type_filter").set_value(kind).run()

    grid = at.dataframe[0]  # the market makers (the ledger comes after)
    config = json.loads(grid.proto.columns)
    assert config[f"{without}_available"]["hidden"] and config[f"{without}_locked"]["hidden"]
    assert not config.get("open_orders", {}).get("hidden")  # the columns pushed out of view are back


def test_long_names_get_a_wide_name_column_and_stay_told_apart_in_the_selector(open_app, actors, db):
    firm = "Northern European Carbon Liquidity Partners GmbH & Co. KG, Frankfurt Spot and Forward Desk for EUA and CEA"
    for n in (2, 3):
        create_market_maker(db, f"{firm}, Client Account {n}", "LIQUIDITY_PROVIDER", actors.admin.id)

    at = open_app(actors.admin, PAGE)

    config = json.loads(at.dataframe[0].proto.columns)
    assert config["name"]["width"] == 280  # the widest it gets (the grid took 500 px by itself), then it scrolls
    first, second = at.selectbox(key="mm_selected").options  # as labels; a selectbox cuts a long one at its end
    assert len(first) < len(firm) and first.endswith(", Client Account 2 · LP")
    assert second.endswith(", Client Account 3 · LP")


@pytest.fixture
def open_link(open_link):
    """A factory: /market-makers opened by ``user`` on a URL holding ``params`` (conftest's ``open_link``)."""
    return lambda user, params: open_link(user, "market-makers", params)


def url_kept(at) -> dict[str, str]:
    """What the page keeps in its URL (an AppTest keeps the parameters the first page, the Cash Market, wrote before
    it switched to this one)."""
    return {k: v for k, v in at.query_params.items() if k in ("mm_type", "mm_inactive", "market_maker")}


def test_a_reload_opens_on_the_market_maker_the_url_keeps(open_app, open_link, actors, market_makers):
    cedar = market_makers["cedar"]
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="mm_selected").select(cedar.id).run()
    assert url_kept(at) == {"market_maker": str(cedar.id)}  # the filters at their defaults: left out

    reloaded = open_link(actors.admin, url_kept(at))

    # it came back on the first market maker, Atlas, with Atlas's balances and ledger
    assert not reloaded.exception and not warnings(reloaded)
    assert reloaded.selectbox(key="mm_selected").value == cedar.id
    assert sorted(reloaded.dataframe[1].value["amount"]) == ["+20 EUA", "+400 CEA"]


def test_a_reload_keeps_the_type_filter_and_show_inactive_the_url_keeps(open_app, open_link, actors, market_makers):
    old = market_makers["old"]
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mm_type_filter").set_value("LP").run()
    at.toggle(key="mm_show_inactive").set_value(True).run()
    at.selectbox(key="mm_selected").select(old.id).run()
    assert url_kept(at) == {"mm_type": "LP", "mm_inactive": "YES", "market_maker": str(old.id)}

    reloaded = open_link(actors.analyst, url_kept(at))

    assert not reloaded.exception and not warnings(reloaded)
    assert reloaded.segmented_control(key="mm_type_filter").value == "LP"
    assert reloaded.toggle(key="mm_show_inactive").value is True
    assert table(reloaded)["name"].tolist() == ["Atlas", "Old LP"]
    assert reloaded.selectbox(key="mm_selected").value == old.id


def test_a_market_maker_just_deactivated_stays_selected_and_shown_after_a_reload(
    open_app, open_link, actors, market_makers
):
    atlas = market_makers["atlas"]
    at = open_dialog(open_app(actors.admin, PAGE), "mm_deactivate_open")
    at.button(key="mm_deactivate_confirm").click().run()
    assert url_kept(at) == {"mm_inactive": "YES", "market_maker": str(atlas.id)}

    reloaded = open_link(actors.admin, url_kept(at))

    assert reloaded.toggle(key="mm_show_inactive").value is True
    assert reloaded.selectbox(key="mm_selected").value == atlas.id
    assert "mm_reactivate_open" in button_keys(reloaded)


def test_a_links_market_maker_that_does_not_exist_is_said_under_the_field_which_shows_the_first(
    open_link, actors, market_makers
):
    for named in ("999999", "abc", "<b>1</b>"):
        at = open_link(actors.admin, {"market_maker": named})

        assert not at.exception
        assert at.selectbox(key="mm_selected").value == market_makers["atlas"].id
        assert warned_under(at, "mm_selected") == [
            f"The link's market maker “{named}” is not offered here: Atlas is shown."
        ]
        assert at.query_params["market_maker"] == str(market_makers["atlas"].id)  # the URL says what is shown
        assert warned_under(at.run(), "mm_selected") == []  # said once, for the link just opened


@pytest.mark.parametrize(
    ("link", "hidden", "why"),
    [
        ({}, "old", "is Old LP, inactive, hidden while “Show inactive” is off"),
        ({"mm_type": "LP"}, "cedar", "is Cedar, an asset holder, hidden by the Type filter LP"),
        (
            {"mm_type": "AH"},
            "old",
            "is Old LP, an inactive liquidity provider, hidden by the Type filter AH and while “Show inactive” is off",
        ),
    ],
    ids=["inactive", "other-type", "both"],
)
def test_a_links_market_maker_the_filters_hide_is_said_under_the_field_with_what_hides_it(
    open_link, actors, market_makers, link, hidden, why
):
    named = market_makers[hidden].id

    at = open_link(actors.admin, {**link, "market_maker": str(named)})  # it was dropped unsaid

    assert not at.exception
    first = at.selectbox(key="mm_selected").value
    assert first != named
    assert warned_under(at, "mm_selected") == [
        f"The link's market maker “{named}” {why}: {market_makers_by_id(market_makers)[first]} is shown."
    ]


def market_makers_by_id(market_makers) -> dict[int, str]:
    return {m.id: m.name for m in market_makers.values()}


def test_a_links_market_maker_is_said_where_the_table_would_be_when_the_filters_show_none(open_link, actors, db):
    old = create_market_maker(db, "Old LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    deactivate_market_maker(db, old.id, actors.admin.id)

    at = open_link(actors.analyst, {"market_maker": str(old.id)})

    assert not at.exception
    assert warnings(at) == [
        f"The link's market maker “{old.id}” is Old LP, inactive, hidden while “Show inactive” is off: no market "
        "maker is shown."
    ]
    assert "market_maker" not in at.query_params  # the page shows none


def test_a_links_filters_the_page_cannot_take_are_said_under_them_which_show_the_defaults(
    open_link, actors, market_makers
):
    at = open_link(actors.admin, {"mm_type": "XY", "mm_inactive": "maybe"})

    assert not at.exception
    assert at.segmented_control(key="mm_type_filter").value == "All"
    assert at.toggle(key="mm_show_inactive").value is False
    assert warned_under(at, "mm_type_filter") == [
        "The link's Type “XY” is not one of All, LP, AH: All is shown.",
        "The link's Show inactive “maybe” is not one of YES, NO: off is shown.",
    ]
    assert "mm_type" not in at.query_params and "mm_inactive" not in at.query_params  # at their defaults


def test_a_link_the_market_makers_page_can_take_opens_on_it_with_no_note(open_link, actors, market_makers):
    old = market_makers["old"]

    at = open_link(actors.analyst, {"mm_type": "lp", "mm_inactive": "yes", "market_maker": f" {old.id} "})

    assert not at.exception and not warnings(at)
    assert (at.segmented_control(key="mm_type_filter").value, at.toggle(key="mm_show_inactive").value) == ("LP", True)
    assert at.selectbox(key="mm_selected").value == old.id
