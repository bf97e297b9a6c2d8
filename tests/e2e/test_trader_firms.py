"""Onboarding a client in a real browser: an admin creates a trader firm, funds it, adds its trader, and the trader
signs in with the one-time password the admin was shown, chooses their own, and reaches the Cash Market."""

import re

from playwright.sync_api import expect
from sqlalchemy import text

from core.entities import fund_entity
from tests.e2e.conftest import open_as, settle, sign_in


def test_an_admin_onboards_a_firm_and_its_trader_signs_in_with_the_password_shown_and_chooses_their_own(
    db, actors, app_server, page, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_as(page, app_server, actors.admin.username, "/users")
    settle(page)
    page.get_by_test_id("stDataFrame").first.hover()  # the table's toolbar shows above it, clear of the button
    expect(page.get_by_test_id("stElementToolbar").first).to_be_visible()
    page.wait_for_timeout(500)  # it slides into place as it fades in (measured mid-way, it sat 8 px higher)
    toolbar = page.get_by_test_id("stElementToolbar").first.bounding_box()
    button = page.get_by_role("button", name="Add user").bounding_box()
    assert toolbar["y"] >= button["y"] + button["height"] + 4, (toolbar, button)  # they touched: a click hit both
    page.goto(app_server.url + "/trader-firms")
    expect(page.get_by_role("heading", name="Trader Firms")).to_be_visible()

    page.get_by_role("button", name="Create trader firm").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Name").fill("Zephyr Carbon AB")
    dialog.get_by_role("textbox", name="Name").press("Enter")
    expect(dialog).to_be_hidden(timeout=20_000)
    firm = page.get_by_role("combobox", name="Trader firm")
    expect(firm).to_have_value("Zephyr Carbon AB · 0 active traders")  # chosen in the details

    page.get_by_role("button", name="Fund").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Amount").fill("250000.00")
    dialog.get_by_role("textbox", name="Amount").press("Enter")
    dialog.get_by_text("Fund Zephyr Carbon AB with €250,000.00?").wait_for()  # Enter only asks
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden(timeout=20_000)
    expect(page.get_by_test_id("stMetricValue").filter(has_text="€250,000.00")).to_be_visible()

    page.get_by_role("button", name="Add trader").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Username").fill("nordic.desk")
    dialog.get_by_role("button", name="Add trader").click()
    password = dialog.locator("[data-testid=stCode] code").inner_text(timeout=20_000).strip()
    screenshot(page, "trader-firms-password.png")
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()

    expect(firm).to_have_value("Zephyr Carbon AB · 1 active trader")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()  # the old session's cookie is gone
    sign_in(page, app_server, "nordic.desk", password, path="/cash-market")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("One-time password").fill(password)
    page.get_by_label("New password", exact=True).fill("nordic")
    page.get_by_label("Repeat new password").fill("nordic")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("A password must be at least 8 characters long; this one has 6")).to_be_visible()
    screenshot(page, "trader-firms-choose-password.png")

    page.get_by_label("New password", exact=True).fill("fjord lantern quietly")
    page.get_by_label("Repeat new password").fill("fjord lantern quietly")
    page.get_by_role("button", name="Change password").dblclick()  # the second send is the same change: dropped
    expect(page.get_by_role("heading", name="Cash Market")).to_be_visible()  # the page its link asked for
    settle(page)
    wrong_password = re.compile("current password|one-time password you were given", re.IGNORECASE)
    expect(page.get_by_text(wrong_password)).to_have_count(0)
    # with its sidebar open, not collapsed. The sidebar's own button: under the full suite's load, the choose-password
    # page's Sign out was seen twice still drawn, stale, once the run had ended (a Streamlit double-click race, left
    # undone in this stop's note); what this test proves is the sidebar
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()

    # on Change Password, a double click's two sends run at once in two threads: the second is the first's change
    page.get_by_role("link", name="Change Password").click()
    page.get_by_role("heading", name="Change Password").wait_for()
    settle(page)
    page.get_by_label("Current password").fill("fjord lantern quietly")
    page.get_by_label("New password", exact=True).fill("harbor violet engine")
    page.get_by_label("Repeat new password").fill("harbor violet engine")
    page.get_by_role("button", name="Change password").dblclick()
    expect(page.get_by_label("New password", exact=True)).to_have_value("", timeout=20_000)
    settle(page)
    expect(page.get_by_text("This is not your current password")).to_have_count(0)
    failures = db.execute(text("SELECT count(*) FROM login_failures")).scalar()
    db.rollback()
    assert failures == 0  # the second send counted a failed sign-in


def test_every_column_of_the_firms_table_fits_from_a_laptop_to_a_wide_screen(db, actors, app_server, page, screenshot):
    fund_entity(db, actors.entity.id, "EUR", "250000.00", actors.admin.id)
    open_as(page, app_server, actors.admin.username, "/trader-firms")
    expect(page.get_by_role("heading", name="Trader firms")).to_be_visible()
    expect(page.locator("[data-testid=stDataFrame] th").filter(has_text="Created").first).to_be_attached(timeout=20_000)

    overflow = {}
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(500)  # one layout pass (not an assertion)
        overflow[width] = page.evaluate(
            "() => { const g = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');"
            " return g.scrollWidth - g.clientWidth; }"
        )
        screenshot(page, f"trader-firms-{width}.png")

    assert overflow == {1280: 0, 1920: 0}  # Created was cut at 1,280
