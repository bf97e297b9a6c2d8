"""Liquidity Policies in a real browser: the cards with their depth against target, a refused edit, Run now, and
the kill switch confirmed with a reason (captured into docs/screenshots/liquidity-policies.png with
--screenshots)."""

import itertools
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from core.liquidity_policies import run_policy
from core.orders import place_order
from tests.e2e.conftest import click_until_shown, open_as, settle
from tests.policy_helpers import fund_market, policy, quote, resting, trader

pytestmark = pytest.mark.e2e


def _history(db, actors) -> None:
    """An hour of runs on both books: placed, taken and topped up, the market moved and refreshed."""
    fund_market(db, actors, certs=("CEA", "EUA"))
    policy(
        db, actors, "CEA", bid_depth_eur="40000", ask_depth_eur="30000", notes="Firm [pwn](http://example.invalid/x)"
    )
    policy(db, actors, "EUA", bid_depth_eur="60000", ask_depth_eur="60000", dynamic_spread=True, price_floor="60")
    taker = trader(db, actors)
    for cert in ("CEA", "EUA"):
        run_policy(db, cert, user_id=actors.admin.id)
    cea_ask = resting(db, policy_id=1, side="SELL")[0]
    place_order(db, taker, "CEA", "BUY", "LIMIT", 3 * cea_ask["remaining_quantity"], "14.06")
    run_policy(db, "CEA", user_id=actors.admin.id)
    quote(db, taker, "EUA", "BUY", "80.00")
    quote(db, taker, "EUA", "SELL", "84.00")
    for cert in ("EUA", "CEA", "EUA"):
        run_policy(db, cert, user_id=actors.admin.id)
    db.execute(
        text("UPDATE liquidity_policy_runs SET created_at = now() - make_interval(mins => (70 - 10 * id)::integer)")
    )
    db.commit()


def test_admin_reads_the_cards_edits_runs_and_pauses_everything_with_a_reason(db, actors, app_server, page, screenshot):
    _history(db, actors)
    open_as(page, app_server, actors.admin.username)
    page.get_by_role("link", name="Liquidity Policies").click()
    page.get_by_role("heading", name="Liquidity Policies").wait_for()
    cea = page.locator(".st-key-pol_card_CEA")
    expect(cea.get_by_text("Running")).to_be_visible()
    expect(cea.get_by_text("Notes: Firm [pwn](http://example.invalid/x)")).to_be_visible()  # as typed, no link
    expect(cea.get_by_role("link", name="pwn")).to_have_count(0)  # a bare URL may show as itself, nothing hidden
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(2, timeout=20_000)
    settle(page)

    cea.get_by_text("Edit policy").click()
    cea.get_by_text("On a cron (UTC)").click()  # the schedule's kind first: its field alone shows
    cea.get_by_role("textbox", name="Cron (UTC)").fill("every minute")
    click_until_shown(page, cea.get_by_role("button", name="Save policy"), cea.get_by_text("is not a cron schedule"))
    cea.get_by_text("Edit policy").click()  # fold the form away again
    settle(page)

    page.set_viewport_size({"width": 1440, "height": 2000})
    page.mouse.move(700, 400)
    page.wait_for_timeout(800)  # plotly draws after the element appears
    screenshot(page, "liquidity-policies.png", full_page=True)

    cea.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("CEA policy run:")).to_be_visible()
    settle(page)

    page.get_by_role("button", name="Pause all liquidity (2 running)").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Pause now").click()
    refusal = dialog.get_by_text("Say why liquidity is paused")
    expect(refusal).to_be_visible()
    reason = dialog.get_by_role("textbox", name="Reason")
    # right under the field, above the buttons (it sat below them)
    assert reason.bounding_box()["y"] < refusal.bounding_box()["y"] < pause_now_y(dialog)
    reason.fill("EUA feed frozen")
    reason.press("Enter")  # the dialog is a form: Enter pauses

    expect(page.get_by_text("EUA feed frozen").first).to_be_visible()
    expect(page.get_by_text("Paused").first).to_be_visible()
    resting_now = db.execute(text("SELECT count(*) FROM liquidity_policy_orders")).scalar_one()
    assert resting_now == 0

    page.get_by_role("button", name="Resume liquidity").first.click()  # asks first, naming what restarts
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile(r"^CEA: bids €"))).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"^EUA: bids €"))).to_be_visible()
    assert db.execute(text("SELECT paused FROM liquidity_kill_switch")).scalar_one()
    dialog.get_by_role("button", name="Resume now").click()
    expect(page.get_by_text(re.compile(r"Liquidity resumed: 2 policies re-enabled"))).to_be_visible()


def pause_now_y(dialog) -> float:
    return dialog.get_by_role("button", name="Pause now").bounding_box()["y"]


def _policy_form(page, app_server, actors, cert: str):
    """The book's policy form, open: its fields drawn (a click that went unanswered left it closed, and a test that
    measured the fields then found none)."""
    open_as(page, app_server, actors.admin.username)
    page.get_by_role("link", name="Liquidity Policies").click()
    page.get_by_role("heading", name="Liquidity Policies").wait_for()
    card = page.locator(f".st-key-pol_card_{cert}")
    click_until_shown(
        page, card.get_by_text(re.compile("(Create|Edit) policy")), card.get_by_test_id("stTextInput").first
    )
    settle(page)
    return card


def test_every_policy_form_label_fits_one_line_so_the_inputs_beside_each_other_line_up(
    db, actors, app_server, page, screenshot
):
    page.set_viewport_size({"width": 1440, "height": 1400})
    card = _policy_form(page, app_server, actors, "EUA")

    for width in (1440, 1280):  # one form, resized: the layout follows the window without a rerun
        page.set_viewport_size({"width": width, "height": 1400})
        page.wait_for_timeout(300)  # one layout pass (not an assertion)
        fields = [
            (field.get_by_test_id("stWidgetLabel").bounding_box(), field.locator("input").bounding_box())
            for field in card.get_by_test_id("stTextInput").all()
        ]

        screenshot(page, f"liquidity-policy-form-{width}.png")
        assert len({round(label["height"]) for label, _ in fields}) == 1, width  # no label wraps onto a second line
        for (label_a, input_a), (label_b, input_b) in itertools.combinations(fields, 2):
            if abs(label_a["y"] - label_b["y"]) < 2:  # side by side
                assert abs(input_a["y"] - input_b["y"]) < 2, width


def test_after_another_admins_save_and_after_a_save_the_fields_show_the_policy_as_stored(db, actors, app_server, page):
    policy(db, actors, "EUA", bid_depth_eur="10000", ask_depth_eur="10000")
    card = _policy_form(page, app_server, actors, "EUA")
    bid, ask = (
        card.get_by_role("textbox", name="BID target (EUR)"),
        card.get_by_role("textbox", name="ASK target (EUR)"),
    )
    save = card.get_by_role("button", name="Save policy")
    policy(db, actors, "EUA", bid_depth_eur="20000", ask_depth_eur="10000")  # another admin, meanwhile

    ask.fill("15000")
    click_until_shown(page, save, card.get_by_text("nothing was saved"))

    expect(bid).to_have_value("20000.00")  # what the other admin saved, not what this form was filled with
    expect(ask).to_have_value("10000.00")  # and not what was typed here

    ask.fill("€15000")
    click_until_shown(page, save, page.get_by_text("EUA policy saved"))

    expect(ask).to_have_value("15000.00")  # as saved, as the form shows a stored policy

    for width in (1280, 1440):  # the card reloaded after the save: its tiles stay above the lines under them
        page.set_viewport_size({"width": width, "height": 1400})
        page.reload()
        card = page.locator(".st-key-pol_card_EUA")
        next_run = card.get_by_text(re.compile("^Next run:"))
        next_run.wait_for()
        settle(page)
        tiles = [tile.bounding_box() for tile in card.get_by_test_id("stMetric").all()]
        assert len(tiles) == 4
        assert max(t["y"] + t["height"] for t in tiles) <= next_run.bounding_box()["y"], width
        assert max(t["height"] for t in tiles) < 200, width  # as tall as a figure and its note, not a stretched void


def test_choosing_a_cron_keeps_what_was_typed_shows_the_cron_field_alone_and_saves_the_policy_on_it(
    db, actors, app_server, page
):
    fund_market(db, actors, certs=("EUA",))
    card = _policy_form(page, app_server, actors, "EUA")
    card.get_by_role("textbox", name="BID target (EUR)").fill("10000")  # typed, not sent yet

    card.get_by_text("On a cron (UTC)").click()  # outside the form: the page runs again
    cron = card.get_by_role("textbox", name="Cron (UTC)")
    cron.wait_for()
    settle(page)

    expect(card.get_by_role("textbox", name="Run interval (seconds)")).to_have_count(0)
    expect(card.get_by_role("textbox", name="BID target (EUR)")).to_have_value("10000")  # not lost by the choice
    cron.fill("*/5 7-18 * * 1-5")
    click_until_shown(page, card.get_by_role("button", name="Save policy"), page.get_by_text("EUA policy saved"))
    expect(card.get_by_text("Runs on cron '*/5 7-18 * * 1-5' (UTC)")).to_be_visible()
    stored = db.execute(text("SELECT bid_depth_eur, interval_seconds, cron FROM liquidity_policies")).one()
    db.rollback()
    assert tuple(stored) == (10000, None, "*/5 7-18 * * 1-5")


def test_a_double_click_on_save_policy_saves_once_and_says_it_saved_not_that_another_save_came_first(
    db, actors, app_server, page
):
    card = _policy_form(page, app_server, actors, "CEA")
    card.get_by_role("textbox", name="BID target (EUR)").fill("10000")
    card.get_by_role("textbox", name="ASK target (EUR)").fill("10000")

    card.get_by_role("button", name="Save policy").dblclick()  # the second send is the same save: its outcome

    expect(page.get_by_text("CEA policy saved")).to_be_visible()
    settle(page)
    expect(card.get_by_text("nothing was saved")).to_have_count(0)  # it said so, of the save it had just made
    saves = db.execute(text("SELECT count(*) FROM ticket_logs WHERE action = 'SAVE_LIQUIDITY_POLICY'")).scalar()
    db.rollback()
    assert saves == 1


def test_a_pause_made_in_another_window_first_closes_this_one_s_dialog_and_says_so_over_the_switch_as_it_is(
    db, actors, app_server, page
):
    policy(db, actors, "CEA", bid_depth_eur="10000", ask_depth_eur="10000")
    open_as(page, app_server, actors.admin.username, "/liquidity-policies")
    page.get_by_role("heading", name="Liquidity Policies").wait_for()
    settle(page)
    page.locator(".st-key-ks_pause_page").get_by_role("button").click()
    dialog = page.get_by_role("dialog")
    reason = dialog.get_by_role("textbox", name="Reason")
    reason.wait_for()
    other = page.context.new_page()  # this admin's other window pauses first
    other.goto(app_server.url + "/liquidity-policies")
    other.locator(".st-key-ks_pause_page").get_by_role("button").click()
    other.get_by_role("dialog").get_by_role("textbox", name="Reason").fill("Drill")
    other.get_by_role("dialog").get_by_role("textbox", name="Reason").press("Enter")
    expect(other.get_by_role("dialog")).to_be_hidden()

    reason.fill("Feed frozen")
    reason.press("Enter")  # it stayed open, red, offering Pause now again over a page that read "1 running"

    expect(dialog).to_be_hidden()
    expect(page.get_by_text(re.compile(r"^Liquidity is already paused .*: Drill$"))).to_be_visible()
    expect(page.locator(".st-key-ks_resume_page")).to_be_visible()


def test_a_run_the_worker_makes_shows_in_the_runs_table_without_a_reload(db, actors, app_server, page):
    fund_market(db, actors)
    policy(db, actors, "CEA")
    run_policy(db, "CEA", user_id=actors.admin.id)
    open_as(page, app_server, actors.analyst.username)
    page.get_by_role("link", name="Liquidity Policies").click()
    expect(page.get_by_text("Page 1 of 1 · 1 run")).to_be_visible()
    settle(page)

    run_policy(db, "CEA", user_id=actors.admin.id)  # as the worker would, while the page stays open

    # both refresh every 10 s; the table stayed at the page's load while the card told of the newer run
    expect(page.get_by_text("Page 1 of 1 · 2 runs")).to_be_visible(timeout=25_000)
