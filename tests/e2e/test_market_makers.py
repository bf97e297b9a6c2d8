"""Market makers in a real browser: an admin creates a liquidity provider with EUR, funds it, sees the balance, and
withdraws from it with Enter, each movement of money confirmed first."""

import re

from playwright.sync_api import expect
from sqlalchemy import text

from core.market_makers import (
    create_market_maker,
    deactivate_market_maker,
    get_market_makers,
    withdraw_market_maker,
)
from core.orders import place_order
from tests.e2e.conftest import open_as, settle, sign_out_in_another_window
from tests.trading import fund_trader


def open_market_makers(page) -> None:
    """Through the menu when there is one (with a single page, Streamlit shows none and opens it)."""
    link = page.get_by_role("link", name="Market Makers")
    if link.count():
        link.click()
    page.get_by_role("heading", name="Market Makers").wait_for()


def eur_available_cell(page, name: str):
    """The available EUR cell (headed "EUR") of one row of the market makers table (the canvas grid's accessible DOM
    copy), found by its header: which columns the table shows depends on what it lists (Status only with an inactive
    one)."""
    table = page.locator("[data-testid=stDataFrame]").first
    header = table.locator("th").filter(has_text=re.compile(r"^EUR$")).first
    column = header.get_attribute("aria-colindex", timeout=20_000)
    return table.locator("tr", has_text=name).locator(f"td[aria-colindex='{column}']")


def test_admin_creates_a_liquidity_provider_with_eur_and_funds_it(db, actors, app_server, page, screenshot):
    # An asset holder already exists, so the table shows both badges.
    create_market_maker(
        db, "Cedar Carbon", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 40000, "EUA": 6000}
    )
    open_as(page, app_server, actors.admin.username)
    open_market_makers(page)
    # .streamlit/config.toml: no developer chrome for backoffice users
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    expect(page.locator("[data-testid=stMainMenu]")).to_have_count(0)

    page.get_by_role("button", name="Create market maker").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Name").fill("Atlas Liquidity")
    dialog.get_by_role("textbox", name="Initial EUR balance").fill("250000.00")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_text("Create liquidity provider Atlas Liquidity with €250,000.00?")).to_be_visible()
    dialog.get_by_role("button", name="Confirm").click()

    # the toast shows for a few seconds only: the long timeout covers a slow rerun, polling catches it meanwhile
    created = page.get_by_text("Created liquidity provider Atlas Liquidity with €250,000.00")
    expect(created).to_be_visible(timeout=20_000)
    expect(dialog).to_be_hidden()
    expect(eur_available_cell(page, "Atlas Liquidity")).to_have_text(re.compile(r"^250000(\.00?)?$"))

    page.get_by_role("button", name="Fund").click()
    dialog = page.get_by_role("dialog")
    ledger_rows = "SELECT count(*) FROM asset_transactions"
    before = db.execute(text(ledger_rows)).scalar_one()
    dialog.get_by_role("textbox", name="Amount").fill("1000.50")
    dialog.get_by_role("button", name="Fund").click()
    expect(dialog.get_by_text("Fund Atlas Liquidity with €1,000.50?")).to_be_visible()
    assert db.execute(text(ledger_rows)).scalar_one() == before  # asked, nothing moved
    dialog.get_by_role("button", name="Confirm").dblclick()  # the second send is the same confirmation: moved once

    expect(page.get_by_text(re.compile(r"Funded Atlas Liquidity with €1,000\.50 \(TKT-"))).to_be_visible(timeout=20_000)
    expect(dialog).to_be_hidden()
    assert db.execute(text(ledger_rows)).scalar_one() == before + 1
    expect(eur_available_cell(page, "Atlas Liquidity")).to_have_text(re.compile(r"^251000\.50?$"))
    # the ledger grid's accessible copy is in the DOM but not "visible" (the grid itself is a canvas)
    expect(page.get_by_text("€250,000.00 → €251,000.50")).to_be_attached()

    # Streamlit scrolls inside its own container: a whole-page shot needs a viewport tall enough for it.
    page.set_viewport_size({"width": 1440, "height": 1100})
    screenshot(page, "market-makers.png", full_page=True)


def test_a_name_pasted_longer_than_allowed_is_refused_saying_so_instead_of_being_dropped(db, actors, app_server, page):
    open_as(page, app_server, actors.admin.username)
    open_market_makers(page)
    page.get_by_role("button", name="Create market maker").click()
    dialog = page.get_by_role("dialog")
    name = dialog.get_by_role("textbox", name="Name")

    name.fill("Atlas Liquidity " + "x" * 284)  # 300 characters at once, as a paste arrives
    dialog.get_by_role("textbox", name="Initial EUR balance").fill("1000.00")
    dialog.get_by_role("button", name="Create").click()

    expect(dialog.get_by_text("Market maker name: at most 200 characters, got 300")).to_be_visible()
    expect(name).to_have_value("Atlas Liquidity " + "x" * 284)  # what was pasted stays there, to shorten
    assert db.execute(text("SELECT count(*) FROM market_maker_clients")).scalar_one() == 0


def test_an_admin_withdraws_with_enter_and_a_refusal_shows_right_under_the_amount(
    db, actors, app_server, page, screenshot
):
    atlas = create_market_maker(
        db, "Atlas Liquidity", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="250000"
    )
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 100, "10.00", market_maker_id=atlas.id)  # locks €1,000
    open_as(page, app_server, actors.admin.username)
    open_market_makers(page)

    page.get_by_role("button", name="Withdraw").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Available now: €249,000.00 · locked in open orders: €1,000.00")).to_be_visible()
    amount = dialog.get_by_role("textbox", name="Amount")
    amount.fill("250000")
    amount.press("Enter")  # more than is available: refused at once, nothing to confirm

    refusal = dialog.get_by_text(
        'Cannot withdraw €250,000.00 from market maker "Atlas Liquidity": only €249,000.00 is available; '
        "the other €1,000.00 is locked in open orders until they are cancelled or filled"
    )
    expect(refusal).to_be_visible()
    field, said, button = (e.bounding_box() for e in (amount, refusal, dialog.get_by_role("button", name="Withdraw")))
    assert field["y"] + field["height"] <= said["y"] < button["y"]  # under the amount, above the button
    screenshot(page, "market-makers-withdraw-refused.png")

    expect(dialog.get_by_text(re.compile(r"Withdraw .* from Atlas Liquidity\?"))).to_have_count(0)
    amount.fill("1000.50")
    amount.press("Enter")
    expect(dialog.get_by_text("Withdraw €1,000.50 from Atlas Liquidity?")).to_be_visible()
    settle(page)  # the run drawn whole: until then the field it replaces by its greyed copy is on the page too
    expect(amount).to_be_disabled()  # what Confirm moves is what the sentence says
    withdraw_market_maker(db, atlas.id, "EUR", "248000", actors.admin.id)  # another admin, before this Confirm
    dialog.get_by_role("button", name="Confirm").click()

    expect(dialog.get_by_text(re.compile(r"only €1,000\.00 is available"))).to_be_visible()
    # the dialog reruns alone: it said "Available now: €249,000.00" beside that refusal
    expect(dialog.get_by_text("Available now: €1,000.00 · locked in open orders: €1,000.00")).to_be_visible()
    settle(page)  # the field back in place of its greyed copy
    expect(amount).to_have_value("1000.50")  # as typed, to correct
    amount.fill("1000")
    amount.press("Enter")
    dialog.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text(re.compile(r"Withdrew €1,000\.00 from Atlas Liquidity \(TKT-"))).to_be_visible(
        timeout=20_000
    )
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("€1,000.00 → €0.00")).to_be_attached()


# how far the market makers table's columns reach past its box (the canvas grid scrolls sideways then), in px
TABLE_OVERFLOW = """() => {
    const grid = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');  // the first: the table
    return grid.scrollWidth - grid.clientWidth;
}"""


def test_every_column_of_the_table_fits_with_the_inactive_shown_from_a_laptop_to_a_wide_screen(
    db, actors, app_server, page, screenshot
):
    for name, eur in (("Atlas Liquidity", "500000.00"), ("Boreal Capital", "350000.00")):  # the demo's
        create_market_maker(db, name, "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=eur)
    for name, cea, eua in (("Cedar Carbon", 40000, 6000), ("Delta Allowances", 25000, 4000)):
        create_market_maker(db, name, "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": cea, "EUA": eua})
    retired = create_market_maker(db, "Old Liquidity", "LIQUIDITY_PROVIDER", actors.admin.id)
    deactivate_market_maker(db, retired.id, actors.admin.id)
    open_as(page, app_server, actors.admin.username)
    open_market_makers(page)
    page.get_by_text("Show inactive", exact=True).click()
    expect(eur_available_cell(page, "Old Liquidity")).to_be_attached(timeout=20_000)  # the Status column is drawn

    overflow = {}
    for width in (1280, 1920):  # one page, resized: the layout follows the window without a rerun
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(500)  # one layout pass (not an assertion)
        overflow[width] = page.evaluate(TABLE_OVERFLOW)
        screenshot(page, f"market-makers-inactive-{width}.png")

    assert overflow == {1280: 0, 1920: 0}  # Orders was cut by about 40 px at 1,280


LEDGER_OVERFLOW = """() => {
    const grid = document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')[1];  // the second: the ledger
    return grid.scrollWidth - grid.clientWidth;
}"""


def test_every_column_of_the_ledger_fits_with_a_fill_and_its_order_from_a_laptop_to_a_wide_screen(
    db, actors, app_server, page, screenshot
):
    cedar = create_market_maker(db, "Cedar Carbon", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 40000})
    asked = place_order(db, actors.admin.id, "CEA", "SELL", "LIMIT", 711, "14.03", market_maker_id=cedar.id)
    fund_trader(db, actors, eur="250000.00")
    place_order(db, actors.trader.id, "CEA", "BUY", "MARKET", 100)  # a fill: a trade credit and a trade debit
    open_as(page, app_server, actors.admin.username)
    open_market_makers(page)
    expect(page.get_by_text(f"Order {asked.id} · trade").first).to_be_attached(timeout=20_000)  # which fill

    overflow = {}
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1100})
        page.wait_for_timeout(500)  # one layout pass (not an assertion)
        overflow[width] = page.evaluate(LEDGER_OVERFLOW)
        screenshot(page, f"market-makers-ledger-{width}.png")

    assert overflow == {1280: 0, 1920: 0}  # the ticket was cut to "TKT-2026-00" at 1,280


def test_deactivating_from_a_dialog_signed_out_in_another_window_changes_nothing_and_says_why(
    db, actors, app_server, page
):
    create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000.50")
    open_as(page, app_server, actors.admin.username, "/market-makers")
    page.get_by_role("heading", name="Market Makers").wait_for()
    settle(page)
    page.get_by_role("button", name="Deactivate").click()
    confirm = page.get_by_role("dialog").get_by_role("button", name="Deactivate")
    confirm.wait_for()
    sign_out_in_another_window(page, app_server, "/market-makers")  # ends the session this page belongs to

    confirm.click()  # a click in the dialog reruns the dialog alone: app.py never saw the session had ended

    expect(page.get_by_text("You were signed out in another window. Please sign in again.")).to_be_visible()
    settle(page)
    assert [m.name for m in get_market_makers(db, include_inactive=False, user_id=actors.admin.id)] == ["Atlas"]
