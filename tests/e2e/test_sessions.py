"""Sessions in a real browser: a reload keeps the user signed in on the same page, signing out ends it for good,
and a session left idle past its expiry signs the page out by itself, saying why."""

import hashlib

from playwright.sync_api import expect
from sqlalchemy import text

from core import sessions
from tests.e2e.conftest import sign_in, submit_sign_in
from tests.helpers import PASSWORD
from ui.session import COOKIE

EXPIRED = "Your session expired after inactivity. Please sign in again."


def session_cookie(page) -> dict:
    [cookie] = [c for c in page.context.cookies() if c["name"] == COOKIE]
    return cookie


def test_a_reload_keeps_the_user_signed_in_on_the_same_page(db, actors, app_server, page, screenshot):
    sign_in(page, app_server, actors.admin.username, PASSWORD)
    page.get_by_role("link", name="Market Makers").click()
    heading = page.get_by_role("heading", name="Market Makers")
    expect(heading).to_be_visible()

    page.reload()

    expect(heading).to_be_visible()
    expect(page).to_have_url(f"{app_server.url}/market-makers")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    cookie = session_cookie(page)
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["expires"]) == (True, "Strict", -1)
    assert sessions.resolve(db, cookie["value"]).id == actors.admin.id
    screenshot(page, "session-after-reload.png")


def test_after_signing_out_a_reload_stays_signed_out(db, actors, app_server, page):
    sign_in(page, app_server, actors.analyst.username, PASSWORD)
    token = session_cookie(page)["value"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.reload()

    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert sessions.resolve(db, token) is None


def test_an_idle_session_past_its_expiry_signs_the_page_out_with_a_notice(db, actors, app_server, page, screenshot):
    sign_in(page, app_server, actors.analyst.username, PASSWORD, path="/market-makers")
    expect(page.get_by_role("heading", name="Market Makers")).to_be_visible()
    token = session_cookie(page)["value"]

    db.execute(  # as if nobody had touched the page for longer than the idle limit
        text(
            "UPDATE sessions SET created_at = now() - interval '2 hours', last_seen_at = now() - interval '1 hour', "
            "expires_at = now() - interval '1 second' WHERE token_hash = :h"
        ),
        {"h": hashlib.sha256(token.encode()).digest()},
    )
    db.commit()

    notice = page.get_by_text(EXPIRED)
    expect(notice).to_be_visible(timeout=30_000)  # the open page checks by itself, without a click
    expect(page.get_by_text("Sign in to open Market Makers.")).to_be_visible()
    screenshot(page, "session-expired.png")
    page.reload()
    expect(notice).to_be_visible()  # the cookie's session stays ended
    submit_sign_in(page, actors.analyst.username, PASSWORD)
    expect(page.get_by_role("heading", name="Market Makers")).to_be_visible()
