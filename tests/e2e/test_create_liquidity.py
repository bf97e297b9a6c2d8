"""Create Liquidity in a real browser: preview the plan, execute it, find the orders on the Cash Market."""

import re
from decimal import Decimal

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.market_makers import create_market_maker
from tests.e2e.conftest import RunningApp, ask_with_enter, open_as, settle, sign_out_in_another_window
from tests.liquidity_helpers import make_holders, make_providers


def open_create_liquidity(page: Page, app_server: RunningApp, username: str) -> None:
    open_as(page, app_server, username, "/create-liquidity")
    page.get_by_role("heading", name="Create Liquidity").wait_for()
    settle(page)  # an Enter that lands while the page's first run is still drawing it is dropped (tests/e2e/conftest)


def preview_bid(page: Page, app_server: RunningApp, username: str, eur: str) -> Locator:
    """The preview dialog of a BID of ``eur`` on the EUA book, as an admin opens it with Enter."""
    open_create_liquidity(page, app_server, username)
    bid = page.get_by_role("textbox", name="BID liquidity (EUR)", exact=True)
    bid.fill(eur)
    bid.press("Enter")
    return page.get_by_role("dialog")


def deposits(db: Session) -> list[Decimal]:
    amounts = db.execute(text("SELECT amount FROM asset_transactions ORDER BY id")).scalars().all()
    db.rollback()
    return list(amounts)


def test_admin_previews_and_executes_liquidity_then_sees_the_orders_on_the_cash_market(
    db, actors, app_server, page, screenshot
):
    make_providers(db, actors.admin, 2, eur="250000.00", prefix="Atlas Liquidity")
    make_holders(db, actors.admin, 2, certificates=3000, cert="EUA", prefix="Cedar Carbon")
    open_as(page, app_server, actors.admin.username)
    page.get_by_role("link", name="Create Liquidity").click()
    page.get_by_role("heading", name="Create Liquidity").wait_for()
    expect(page.get_by_text("Configured default price")).to_be_visible()
    settle(page)  # an Enter that lands while the page's first run is still drawing it is dropped (tests/e2e/conftest)

    page.get_by_role("textbox", name="BID liquidity (EUR)").fill("100000")
    page.get_by_role("textbox", name="ASK liquidity (EUR)").fill("80000")
    page.get_by_role("textbox", name="ASK liquidity (EUR)").press("Enter")  # previews, as the button does

    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("BID side · buy orders")).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"2 liquidity providers · 6 orders"))).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"2 asset holders · 6 orders"))).to_be_visible()
    # EUA on an empty market: the default €81.00; the innermost bid floors to €80.83, the ask ceils to €81.17
    expect(dialog.get_by_text("€81.00").first).to_be_visible()
    # the grids are canvases: wait until their accessible copies hold the rows before the screenshot
    for name in ("Atlas Liquidity 2", "Cedar Carbon 2", "80.83", "81.17"):
        expect(dialog.get_by_text(name, exact=True).first).to_be_attached()
    page.wait_for_timeout(500)  # one paint of the canvases (not an assertion)
    page.set_viewport_size({"width": 1440, "height": 1100})
    screenshot(page, "create-liquidity.png", full_page=True)

    dialog.get_by_role("button", name="Confirm & execute").click()

    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Liquidity created on the EUA book.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^TKT-\d{4}-\d{6}$")).first).to_be_visible()

    page.get_by_role("link", name="See the orders on the Cash Market").click()
    page.get_by_role("heading", name="Cash Market").wait_for()  # it opens on EUA
    # the order book grid is a canvas; its accessible copy carries the prices
    expect(page.get_by_text(re.compile(r"^80\.83$")).first).to_be_attached(timeout=20_000)
    expect(page.get_by_text(re.compile(r"^81\.17$")).first).to_be_attached(timeout=20_000)


def test_once_executed_the_targets_are_empty_in_the_browser_and_preview_cannot_place_them_again(
    db, actors, app_server, page
):
    make_providers(db, actors.admin, 1)
    open_create_liquidity(page, app_server, actors.admin.username)
    page.get_by_role("textbox", name="Notes (optional)").fill("morning depth")
    bid = page.get_by_role("textbox", name="BID liquidity (EUR)", exact=True)
    bid.fill("5000")
    bid.press("Enter")
    dialog = page.get_by_role("dialog")

    dialog.get_by_role("button", name="Confirm & execute").click()

    expect(page.get_by_text("Liquidity created on the EUA book.")).to_be_visible()
    # only forgotten by the server, the fields still showed the amounts just placed, and Preview then Confirm placed
    # them a second time (AppTest, which has no browser, read them empty)
    for field in ("BID liquidity (EUR)", "ASK liquidity (EUR)", "Notes (optional)"):
        expect(page.get_by_role("textbox", name=field, exact=True)).to_have_value("")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Enter a BID or ASK liquidity amount above zero (one side alone is fine)")).to_be_visible()
    expect(dialog).to_be_hidden()


def test_amounts_typed_and_not_yet_previewed_stay_while_the_other_mode_is_shown_and_back(db, actors, app_server, page):
    make_providers(db, actors.admin, 1, eur="250000.00")
    make_holders(db, actors.admin, 1, certificates=3000, cert="EUA")
    open_create_liquidity(page, app_server, actors.admin.username)
    mode = page.locator(".st-key-liq_cert")

    page.get_by_role("textbox", name="BID liquidity (EUR)", exact=True).fill("1200")  # typed, not previewed
    mode.get_by_text("Both certificates", exact=True).click()
    cea_bid = page.get_by_role("textbox", name="CEA BID liquidity (EUR)")
    expect(cea_bid).to_be_visible()
    expect(page.get_by_role("textbox", name="BID liquidity (EUR)", exact=True)).to_have_count(0)  # one mode shown
    cea_bid.fill("1000")
    page.get_by_role("textbox", name="EUA ASK liquidity (EUR)").fill("500")
    mode.get_by_text("EUA", exact=True).click()

    bid = page.get_by_role("textbox", name="BID liquidity (EUR)", exact=True)
    expect(bid).to_have_value("1200")  # it came back empty
    mode.get_by_text("Both certificates", exact=True).click()
    expect(page.get_by_role("textbox", name="EUA ASK liquidity (EUR)")).to_have_value("500")
    expect(cea_bid).to_have_value("1000")
    page.get_by_role("textbox", name="EUA ASK liquidity (EUR)").press("Enter")  # previews what both books hold

    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Both books are placed in one step, or neither")).to_be_visible()
    expect(dialog.get_by_role("heading", name="CEA book")).to_be_visible()
    expect(dialog.get_by_role("heading", name="EUA book")).to_be_visible()


# how far each grid of the preview dialog reaches past its box (a canvas grid scrolls sideways then), in px
DIALOG_OVERFLOW = """() => [...document.querySelectorAll('[role=dialog] [data-testid=stDataFrame] .dvn-scroller')]
    .map(grid => grid.scrollWidth - grid.clientWidth)"""


def test_a_preview_short_of_funds_shows_every_column_of_its_tables_whole_at_1280_px(
    db, actors, app_server, page, screenshot
):
    for name, eur in (("Atlas Liquidity", "500000.00"), ("Boreal Capital", "350000.00")):  # the demo's
        create_market_maker(db, name, "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=eur)
    page.set_viewport_size({"width": 1280, "height": 900})

    dialog = preview_bid(page, app_server, actors.admin.username, "1,000,000.00")

    expect(dialog.get_by_text("1 liquidity provider is short by €149,823.49: its orders need")).to_be_visible()
    expect(dialog.get_by_text("Boreal Capital", exact=True).first).to_be_attached()  # the grids' accessible copies
    page.wait_for_timeout(500)  # one layout pass of the canvases (not an assertion)
    screenshot(page, "create-liquidity-short-1280.png")
    assert page.evaluate(DIALOG_OVERFLOW) == [0, 0, 0]  # levels, market makers, shortfall: Order value was cut


def test_a_double_click_on_provision_and_its_confirm_funds_the_amount_typed_once_and_never_the_suggestion_that_follows(
    db, actors, app_server, page
):
    make_providers(db, actors.admin, 2, eur="1000.00")
    dialog = preview_bid(page, app_server, actors.admin.username, "500000")
    dialog.get_by_role("textbox", name="Amount (EUR)").fill("1000")

    dialog.get_by_role("button", name="Provision").dblclick()  # asks first: nothing moves yet
    expect(dialog.get_by_text("Deposit €1,000.00: LP 1 €500.00 and LP 2 €500.00?")).to_be_visible()
    # the second send reached a page whose shortfall the first had shrunk, and funded the new suggestion too
    dialog.get_by_role("button", name="Confirm", exact=True).dblclick()

    expect(page.get_by_text(re.compile("^Provisioned 2 market makers"))).to_be_visible()
    settle(page)
    assert deposits(db) == [Decimal("1000.00"), Decimal("1000.00"), Decimal("500.00"), Decimal("500.00")]


def test_while_a_provisioning_asks_its_amount_is_greyed_at_the_amount_asked_and_back_gives_it_back_as_typed(
    db, actors, app_server, page
):
    make_providers(db, actors.admin, 2, eur="1000.00")
    dialog = preview_bid(page, app_server, actors.admin.username, "500000")
    amount = dialog.get_by_role("textbox", name="Amount (EUR)")
    amount.fill("1,000")

    amount.press("Enter")
    page.keyboard.type("5")  # as the question appears: a watch that withdrew the question at a keystroke could miss it

    expect(dialog.get_by_text("Deposit €1,000.00: LP 1 €500.00 and LP 2 €500.00?")).to_be_visible()
    settle(page)  # the run drawn whole: until then the field it replaces by its greyed copy is on the page too
    expect(amount).to_be_disabled()
    expect(amount).to_have_value("1,000")  # what the question asks about, whatever landed before it
    amount.click(force=True)
    page.keyboard.type("2000")  # a greyed field takes no focus: Confirm beside a field of 2000 deposited €1,000
    expect(amount).to_have_value("1,000")
    dialog.get_by_role("button", name="Back").click()
    settle(page)
    expect(amount).to_be_enabled()
    expect(amount).to_have_value("1,000")  # as typed, to change it
    amount.fill("2,000")
    amount.press("Enter")
    expect(dialog.get_by_text("Deposit €2,000.00: LP 1 €1,000.00 and LP 2 €1,000.00?")).to_be_visible()
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text(re.compile("^Provisioned 2 market makers"))).to_be_visible()
    settle(page)
    assert deposits(db) == [Decimal("1000.00"), Decimal("1000.00"), Decimal("1000.00"), Decimal("1000.00")]


def test_escape_closes_the_preview_while_provision_asks_depositing_nothing(db, actors, app_server, page):
    make_providers(db, actors.admin, 2, eur="1000.00")
    dialog = preview_bid(page, app_server, actors.admin.username, "500000")
    question = dialog.get_by_text("Deposit €1,000.00: LP 1 €500.00 and LP 2 €500.00?")
    ask_with_enter(page, dialog.get_by_role("textbox", name="Amount (EUR)"), "1,000", question)  # the field greys

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    settle(page)
    assert deposits(db) == [Decimal("1000.00"), Decimal("1000.00")]  # the providers' own


def test_confirm_in_a_preview_signed_out_in_another_window_places_nothing_and_says_why(db, actors, app_server, page):
    make_providers(db, actors.admin, 2, eur="250000.00")
    confirm = preview_bid(page, app_server, actors.admin.username, "10000").get_by_role(
        "button", name="Confirm & execute"
    )
    confirm.wait_for()
    sign_out_in_another_window(page, app_server, "/create-liquidity")  # ends the session this page belongs to

    confirm.click()  # a click in the dialog reruns the dialog alone: app.py never saw the session had ended

    expect(page.get_by_text("You were signed out in another window. Please sign in again.")).to_be_visible()
    settle(page)
    operations = db.execute(text("SELECT count(*) FROM liquidity_operations")).scalar()
    db.rollback()
    assert operations == 0
