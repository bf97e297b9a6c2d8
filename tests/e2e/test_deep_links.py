"""Deep links in a real browser: every page's URL opens that page for a role that may use it, asks a signed-out
visitor to sign in and then opens it, and explains a refusal to anyone else; never "Page not found"."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, submit_sign_in
from tests.helpers import PASSWORD


def test_a_signed_in_user_who_opens_a_page_url_lands_on_that_page(actors, app_server, page):
    sign_in(page, app_server, actors.trader.username, PASSWORD)

    for path, heading in (("/cash-market", "Cash Market"), ("/", "Cash Market")):
        page.goto(app_server.url + path)

        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        # the first page keeps its own URL, with the market, side and type it shows
        expect(page).to_have_url(re.compile(rf"^{re.escape(app_server.url)}/cash-market(\?.*)?$"))
        expect(page.get_by_text("Page not found")).to_have_count(0)


def test_a_signed_out_visitor_signs_in_and_lands_on_the_page_they_opened(actors, app_server, page, screenshot):
    page.goto(f"{app_server.url}/create-liquidity")
    expect(page.get_by_text("Sign in to open Create Liquidity.")).to_be_visible()
    screenshot(page, "deep-link-sign-in.png")

    submit_sign_in(page, actors.admin.username, PASSWORD)

    expect(page.get_by_role("heading", name="Create Liquidity")).to_be_visible()
    expect(page).to_have_url(f"{app_server.url}/create-liquidity")


def test_signing_in_at_a_page_the_role_may_not_use_gives_a_clear_refusal(actors, app_server, page, screenshot):
    page.goto(f"{app_server.url}/create-liquidity")

    submit_sign_in(page, actors.analyst.username, PASSWORD)

    expect(page.get_by_text("Create Liquidity is for admins; you are signed in as an analyst.")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("textbox", name="BID liquidity (EUR)")).to_have_count(0)  # the page itself never ran
    screenshot(page, "deep-link-refused.png")


def test_a_signed_in_user_at_a_forbidden_url_is_refused_and_can_go_to_their_own_page(actors, app_server, page):
    sign_in(page, app_server, actors.trader.username, PASSWORD)

    page.goto(f"{app_server.url}/market-makers")

    expect(page.get_by_text("Market Makers is for admins and analysts; you are signed in as a trader.")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_role("link", name="Go to Cash Market").click()
    expect(page.get_by_role("heading", name="Cash Market")).to_be_visible()
