"""Market Quality in a real browser: an analyst reads a day of both books (charts, depth map), measures slippage
after a careless amount is refused next to its field, tightens the scorecard until a market maker with a hostile
name fails (shown exactly as typed, no link), and the page is captured (docs/screenshots/market-quality.png with
--screenshots)."""

import pytest
from playwright.sync_api import expect

from core.market_quality import take_snapshot
from tests.e2e.conftest import open_as, settle
from tests.quality_helpers import a_day_of_quotes, holder, provider, quote

pytestmark = pytest.mark.e2e
HOSTILE = "MM [pwn](http://example.invalid/x)"


def test_an_analyst_reads_the_books_health_slippage_and_scorecard(db, actors, app_server, page, screenshot):
    a_day_of_quotes(db, actors, names=("Nordic LP", HOSTILE))

    open_as(page, app_server, actors.analyst.username)
    page.get_by_role("link", name="Market Quality").click()
    page.get_by_role("heading", name="Market Quality").wait_for()
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(4, timeout=20_000)
    expect(page.get_by_text("Two-sided", exact=True)).to_be_visible()
    settle(page)

    filters = page.locator(".st-key-mq_filters")
    filters.get_by_text("CEA", exact=True).click()
    settle(page)
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(4, timeout=20_000)
    filters.get_by_text("EUA", exact=True).click()
    settle(page)

    amount = page.get_by_label("Your amount (€)")
    amount.fill("ten grand")
    amount.press("Enter")
    expect(page.get_by_text("Your amount must be a number, got 'ten grand'")).to_be_visible(timeout=20_000)
    amount.fill("250,000")
    amount.press("Enter")
    settle(page)
    expect(page.get_by_text("Your amount must be a number")).to_have_count(0)

    presence = page.get_by_label("Required presence (%)")
    presence.fill("80")
    presence.press("Enter")
    settle(page)
    expect(page.get_by_text(f"Below it: {HOSTILE}", exact=True)).to_be_visible(timeout=20_000)
    expect(page.get_by_role("link", name="pwn")).to_have_count(0)  # no hidden link (a bare URL shows as itself)
    expect(page.get_by_text("3 of 4", exact=True)).to_be_visible()

    page.set_viewport_size({"width": 1440, "height": 2600})
    page.get_by_text("Market-maker scorecard").scroll_into_view_if_needed()
    page.mouse.move(700, 400)
    page.wait_for_timeout(1500)  # the grids and plotly draw after their elements appear
    page.evaluate("document.querySelector('.stMain').scrollTop = 0")
    page.wait_for_timeout(500)
    screenshot(page, "market-quality.png", full_page=True)


def test_every_headline_figure_and_label_is_shown_whole_at_desktop_widths(db, actors, app_server, page):
    quote(db, actors, provider(db, actors, "Deep LP"), "EUA", "80.95", 1_957)  # €158,419.15 of bids within ±1 %
    quote(db, actors, holder(db, actors, "Deep AH"), "EUA", "81.05", 1_850)
    take_snapshot(db, "EUA")
    open_as(page, app_server, actors.analyst.username, "/market-quality")
    expect(page.get_by_text("€158,419.15", exact=True)).to_be_attached(timeout=20_000)

    for width in (1440, 1280):  # one page, resized: the layout follows the window without a rerun
        page.set_viewport_size({"width": width, "height": 900})
        settle(page)
        # an ellipsis is text wider than its box: any such element in a metric is a figure or label cut short
        cut = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stMetric] *')]
                .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
        )
        assert (width, cut) == (width, [])
        assert len(page.locator("[data-testid=stMetric]").all()) == 6


def test_every_period_is_shown_whole_on_a_phone(db, actors, app_server, page):
    page.set_viewport_size({"width": 390, "height": 900})
    open_as(page, app_server, actors.analyst.username, "/market-quality?mq_period=Custom")
    filters = page.locator(".st-key-mq_filters")
    expect(filters.get_by_text("From (UTC)")).to_be_visible(timeout=20_000)
    settle(page)

    options = filters.locator(".st-key-mq_period button")
    for _ in range(10):  # looked at until the layout has settled (a loaded CI machine once measured it mid-way)
        box = filters.bounding_box()
        shown = [(b.inner_text(), b.bounding_box()) for b in options.all()]
        cut = [text for text, b in shown if b["x"] < box["x"] or b["x"] + b["width"] > box["x"] + box["width"]]
        if not cut:
            break
        page.wait_for_timeout(500)

    # one row scrolling sideways: "Last 24 h" scrolled out of sight, left of the filters, while "Custom" was chosen
    assert [text for text, _ in shown] == ["Last 24 h", "Last 7 days", "Last 30 days", "Custom"]
    assert cut == []
