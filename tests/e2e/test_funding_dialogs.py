"""The Fund and Withdraw dialogs in a real browser, where the keyboard and a second admin are: Escape while a dialog
asks to confirm, and a Confirm refused because the balance moved under it."""

import re

from playwright.sync_api import expect
from sqlalchemy import text

from core.entities import fund_entity, withdraw_entity
from core.market_makers import create_market_maker, withdraw_market_maker
from tests.e2e.conftest import ask_with_enter, open_as, settle

LEDGER_ROWS = "SELECT count(*) FROM asset_transactions"


def ledger_rows(db) -> int:
    count = db.execute(text(LEDGER_ROWS)).scalar_one()
    db.rollback()
    return count


def test_escape_closes_a_fund_dialog_asking_to_confirm_moving_nothing_and_it_reopens_at_the_amount(
    db, actors, app_server, page
):
    open_as(page, app_server, actors.admin.username, "/trader-firms")
    settle(page)
    before = ledger_rows(db)
    page.get_by_role("button", name="Fund").click()
    dialog = page.get_by_role("dialog")
    settle(page)  # the dialog drawn whole before typing
    question = dialog.get_by_text("Fund Trader Firm with €1,000.50?")
    ask_with_enter(page, dialog.get_by_role("textbox", name="Amount"), "1000.50", question)  # the field greys

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()  # it stayed open, asking, whatever Escape was pressed
    assert ledger_rows(db) == before
    page.get_by_role("button", name="Fund").click()  # at once: the browser still held the amount, and put it back
    expect(dialog.get_by_role("textbox", name="Amount")).to_have_value("")  # a fresh start at the amount
    expect(dialog.get_by_role("button", name="Confirm")).to_have_count(0)
    page.keyboard.press("Escape")  # at the amount, too (the focus is still on the button that opened it)
    expect(dialog).to_be_hidden()


def test_a_fund_dialog_asking_shows_its_amount_greyed_as_asked_whatever_was_typed_as_it_asked_and_back_gives_it_back(
    db, actors, app_server, page
):
    open_as(page, app_server, actors.admin.username, "/trader-firms")
    settle(page)
    page.get_by_role("button", name="Fund").click()
    dialog = page.get_by_role("dialog")
    settle(page)  # the dialog drawn whole before typing
    amount = dialog.get_by_role("textbox", name="Amount")
    amount.fill("1000")

    amount.press("Enter")
    page.keyboard.type("5")  # as the question appears: greyed in place, the field showed "10005" beside it

    expect(dialog.get_by_text("Fund Trader Firm with €1,000.00?")).to_be_visible()
    settle(page)  # the run drawn whole: until then the field it replaces by its greyed copy is on the page too
    expect(amount).to_be_disabled()
    expect(amount).to_have_value("1000")
    dialog.get_by_role("button", name="Back").click()
    settle(page)
    expect(amount).to_be_enabled()
    expect(amount).to_have_value("1000")


def test_escape_closes_a_create_market_maker_dialog_asking_to_confirm_creating_nothing(db, actors, app_server, page):
    open_as(page, app_server, actors.admin.username, "/market-makers")
    settle(page)
    page.get_by_role("button", name="Create market maker").click()
    dialog = page.get_by_role("dialog")
    settle(page)  # the dialog drawn whole before typing
    dialog.get_by_role("textbox", name="Name").fill("Atlas Liquidity")
    dialog.get_by_role("textbox", name="Initial EUR balance").fill("250000")
    dialog.get_by_role("textbox", name="Initial EUR balance").press("Enter")
    expect(dialog.get_by_text("Create liquidity provider Atlas Liquidity with €250,000.00?")).to_be_visible()
    settle(page)

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    created = db.execute(text("SELECT count(*) FROM market_maker_clients")).scalar_one()
    db.rollback()
    assert created == 0


def test_a_withdrawal_refused_at_confirm_after_another_admin_took_everything_leaves_the_page_telling_the_truth(
    db, actors, app_server, page
):
    fund_entity(db, actors.entity.id, "EUR", "1000.00", actors.admin.id)
    open_as(page, app_server, actors.admin.username, "/trader-firms")
    settle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text="EUR available")
    expect(metric).to_contain_text("€1,000.00")
    page.get_by_role("button", name="Withdraw").click()
    dialog = page.get_by_role("dialog")
    settle(page)  # the dialog drawn whole before typing
    dialog.get_by_role("textbox", name="Amount").fill("1000")
    dialog.get_by_role("textbox", name="Amount").press("Enter")
    expect(dialog.get_by_text("Withdraw €1,000.00 from Trader Firm?")).to_be_visible()
    withdraw_entity(db, actors.entity.id, "EUR", "1000.00", actors.admin.id)  # another admin, in another tab

    dialog.get_by_role("button", name="Confirm").click()

    expect(dialog.get_by_text(re.compile(r"Cannot withdraw €1,000\.00 .* only €0\.00 is available"))).to_be_visible()
    expect(dialog.get_by_text("It holds nothing to withdraw any more.")).to_be_visible()
    expect(metric).to_contain_text("€0.00")  # it said €1,000.00 behind the refusal
    expect(page.get_by_role("button", name="Withdraw")).to_be_disabled()
    assert ledger_rows(db) == 2  # the deposit and the other admin's withdrawal


def test_a_withdrawal_refused_at_confirm_shows_the_market_maker_s_balance_as_it_is_behind_the_dialog(
    db, actors, app_server, page
):
    atlas = create_market_maker(
        db, "Atlas Liquidity", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="5000"
    )
    open_as(page, app_server, actors.admin.username, "/market-makers")
    settle(page)
    page.get_by_role("button", name="Withdraw").click()
    dialog = page.get_by_role("dialog")
    settle(page)  # the dialog drawn whole before typing
    dialog.get_by_role("textbox", name="Amount").fill("3000")
    dialog.get_by_role("textbox", name="Amount").press("Enter")
    expect(dialog.get_by_text("Withdraw €3,000.00 from Atlas Liquidity?")).to_be_visible()
    withdraw_market_maker(db, atlas.id, "EUR", "4000", actors.admin.id)  # another admin, in another tab

    dialog.get_by_role("button", name="Confirm").click()

    expect(dialog.get_by_text(re.compile(r"only €1,000\.00 is available"))).to_be_visible()
    available = page.get_by_test_id("stMetric").filter(has_text="EUR available")  # the page's total, and Atlas's
    expect(available).to_have_count(2)
    for n in range(2):
        expect(available.nth(n)).to_contain_text("€1,000.00")  # €5,000.00 behind the refusal
