"""Operations in a real browser: an admin reads the operations table, opens one operation's detail with its
chart, and the page is captured (into docs/screenshots/operations.png with --screenshots)."""

import pytest
from playwright.sync_api import expect

from core.liquidity_service import withdraw_liquidity
from core.operations import get_operation_detail
from tests.e2e.conftest import open_as, settle, sign_out_in_another_window
from tests.operations_helpers import create_operation, fund_market_makers, trader_buys, trader_sells

pytestmark = pytest.mark.e2e  # conftest's pytestmark marks only conftest itself


def choose(page, label: str, option: str) -> None:
    """Pick a selectbox option by typing part of it (a rerun landing meanwhile can close an open list)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    box.press("Enter")


def test_admin_reads_the_operations_and_opens_one_with_its_levels_against_the_book(
    db, actors, app_server, page, screenshot
):
    fund_market_makers(db, actors)
    withdrawn = create_operation(db, actors, "EUA", bid="6000.00", ask="3000.00")
    trader_buys(db, actors, "EUA", 20)
    withdraw_liquidity(db, withdrawn.id, actors.admin.id)
    traded = create_operation(db, actors, "CEA", bid="12000.00", ask="8000.00")
    trader_sells(db, actors, "CEA", 150)
    trader_buys(db, actors, "CEA", 60)
    create_operation(db, actors, "CEA", bid="5000.00", ask="5000.00")

    open_as(page, app_server, actors.admin.username)
    page.get_by_role("link", name="Operations").click()
    page.get_by_role("heading", name="Operations").wait_for()
    expect(page.get_by_text("Page 1 of 1 · 3 operations")).to_be_visible()
    settle(page)

    choose(page, "Operation details", traded.ticket_id)

    expect(page.get_by_role("heading", name=f"{traded.ticket_id} · CEA")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Withdraw remaining liquidity")).to_be_enabled()
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(1, timeout=20_000)
    settle(page)

    page.set_viewport_size({"width": 1440, "height": 2300})
    page.mouse.move(700, 400)
    page.wait_for_timeout(500)  # plotly draws after the element appears
    screenshot(page, "operations.png", full_page=True)

    page.get_by_text("Charts", exact=True).click()
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(3, timeout=20_000)
    settle(page)
    page.get_by_text("Audit log", exact=True).click()
    expect(page.get_by_text("tickets, newest first")).to_be_visible(timeout=20_000)
    settle(page)
    ticket = page.get_by_role("textbox", name="Ticket id")
    ticket.fill(traded.ticket_id)
    ticket.press("Enter")
    expect(page.get_by_text("1 ticket, newest first")).to_be_visible(timeout=20_000)
    settle(page)

    page.reload()  # a new session under the same sign-in: the URL keeps the view (it came back as Operations)
    expect(page.get_by_text("1 ticket, newest first")).to_be_visible(timeout=20_000)  # and its filters: a ticket
    expect(ticket).to_have_value(traded.ticket_id)
    assert "ops_view=Audit+log" in page.url and f"audit_ticket={traded.ticket_id}" in page.url


# what is drawn wider than its box in a filters row: the date range's fields, or a text field's placeholder (measured
# in the field's own font, as an empty field shows it)
CUT_FILTERS = """(row) => {
    const canvas = document.createElement('canvas').getContext('2d');
    const cut = [...document.querySelectorAll(`${row} [data-testid=stDateInputFieldsScroller]`)]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
    for (const field of document.querySelectorAll(`${row} [data-testid=stTextInput] input`)) {
        const style = getComputedStyle(field);
        canvas.font = style.font;
        // less a few pixels: Chromium clipped "TKT-2026-000123 or part of it", though measured 3 px inside its room
        const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 4;
        if (field.placeholder && canvas.measureText(field.placeholder).width > room) cut.push(field.placeholder);
    }
    return cut;
}"""


def test_every_filters_placeholder_is_shown_whole_at_desktop_widths(db, actors, app_server, page):
    fund_market_makers(db, actors)
    create_operation(db, actors, "EUA")
    open_as(page, app_server, actors.analyst.username, "/operations")
    expect(page.get_by_text("Page 1 of 1 · 1 operation")).to_be_visible(timeout=20_000)

    cut = {}
    for view, row in (("Operations", ".st-key-ops_filters"), ("Audit log", ".st-key-audit_filters")):
        page.get_by_text(view, exact=True).first.click()
        page.locator(row).wait_for()
        settle(page)
        for width in (1280, 1920):  # one page, resized: the layout follows the window without a rerun
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(300)
            cut[view, width] = page.evaluate(CUT_FILTERS, row)

    assert cut == {(view, width): [] for view in ("Operations", "Audit log") for width in (1280, 1920)}

    page.locator(".st-key-ops_view").get_by_text("Operations", exact=True).click()  # a page that is none, then a filter
    settle(page)
    box = page.get_by_role("textbox", name="Page", exact=True)
    note = page.get_by_text("There is no page 99999999999999")  # echoed as typed
    box.fill("99999999999999")
    box.press("Enter")
    expect(note).to_be_visible()
    expect(box).to_have_value("1")
    choose(page, "Rows per page", "25")
    settle(page)
    expect(note).to_have_count(0)  # the page shown is the one the box says: nothing left to explain

    box.fill("99999999999999")  # typed again, and left for another filter without Enter
    page.locator(".st-key-ops_cert").get_by_text("EUA", exact=True).click()
    settle(page)
    expect(box).to_have_value("1")
    expect(note).to_have_count(0)
    expect(page.get_by_text("Page 1 of 1 · 1 operation")).to_be_visible()

    # a whole-number field cut 2.5 to 2 in the browser ("There is no page 2"); a number field read 1e3 as 1000
    for typed in ("2.5", "1.5", "1e3", "abc"):
        box.fill(typed)
        box.press("Enter")
        expect(page.get_by_text(f"Page is a whole number, got '{typed}'")).to_be_visible()
        expect(page.get_by_text("There is no page")).to_have_count(0)
        expect(box).to_have_value(typed)  # the refused text, to be corrected: "1" under it read as already fixed

    box.fill("1")
    box.press("Enter")
    settle(page)
    expect(page.get_by_text("Page is a whole number")).to_have_count(0)


def test_withdrawing_from_a_tab_signed_out_in_another_window_withdraws_nothing_and_says_why(
    db, actors, app_server, page
):
    fund_market_makers(db, actors)
    operation = create_operation(db, actors, "CEA")
    open_as(page, app_server, actors.admin.username, "/operations")
    page.get_by_role("heading", name="Operations").wait_for()
    settle(page)
    choose(page, "Operation details", operation.ticket_id)
    page.get_by_role("button", name="Withdraw remaining liquidity").click()
    confirm = page.get_by_role("button", name="Confirm withdrawal")
    confirm.wait_for()
    sign_out_in_another_window(page, app_server, "/operations")  # ends the session this page belongs to

    confirm.click()  # its callback runs before app.py looks at the session

    expect(page.get_by_text("You were signed out in another window. Please sign in again.")).to_be_visible()
    settle(page)
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_hidden()  # a ">>" with nothing behind it
    assert get_operation_detail(db, operation.id, user_id=actors.admin.id).summary.open_orders > 0


def test_no_header_click_nor_column_menu_re_sorts_the_page_of_operations_on_screen(db, actors, app_server, page):
    # a click on a header sorted the 50 rows on screen alone, while Sort by and the pager order every operation
    fund_market_makers(db, actors)
    tickets = [create_operation(db, actors, cert).ticket_id for cert in ("CEA", "EUA", "CEA")]
    open_as(page, app_server, actors.analyst.username, "/operations")
    grid = page.locator("[data-testid=stDataFrame]").first  # the operations: no detail is open
    expect(grid.locator("[role=row]")).to_have_count(4)  # the header and three operations
    settle(page)
    box = grid.bounding_box()

    def tickets_shown() -> list[str]:
        # the Ticket, the second column (Time first): a row's cells as drawn, in the columns' order
        return [grid.locator("[role=row]").nth(n).locator("[role=gridcell]").nth(1).inner_text() for n in (1, 2, 3)]

    page.mouse.click(box["x"] + 285, box["y"] + 17)  # "Certificate": a sortable grid puts both CEA first at once
    settle(page)
    orders = tickets_shown()
    for x in range(20, 200, 4):  # along the first headers until a column menu opens at its button
        page.mouse.move(box["x"] + x, box["y"] + 17)
        page.mouse.click(box["x"] + x, box["y"] + 17)
        if page.get_by_text("Pin column").count():
            break

    assert orders == tickets[::-1]  # newest first, as Sort by says
    expect(page.get_by_text("Pin column")).to_be_visible()  # the column menu is open...
    expect(page.get_by_text("Sort ascending")).to_have_count(0)  # ...and offers no sort of the page alone


def test_a_reload_reopens_the_operation_whose_detail_was_open_and_a_links_unknown_one_is_said(
    db, actors, app_server, page
):
    fund_market_makers(db, actors)
    operation = create_operation(db, actors, "CEA")
    create_operation(db, actors, "EUA")
    open_as(page, app_server, actors.analyst.username, "/operations")
    page.get_by_role("heading", name="Operations").wait_for()
    settle(page)
    choose(page, "Operation details", operation.ticket_id)
    heading = page.get_by_role("heading", name=f"{operation.ticket_id} · CEA")
    expect(heading).to_be_visible()
    settle(page)

    page.reload()  # the detail was lost: the URL kept the filters and the page, not the operation

    expect(heading).to_be_visible()
    assert f"ops_detail={operation.id}" in page.url
    page.goto(f"{app_server.url}/operations?ops_detail=abc")
    expect(page.get_by_text("The link's operation “abc” is no operation id")).to_be_visible()
    expect(heading).to_have_count(0)
