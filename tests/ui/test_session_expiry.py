"""Sessions end on the server: the idle expiry follows the configured limit and slides with activity (at most once
a minute), a page view from the cookie resumes the session, and expiry, sign-out or deactivation sign the tab out
with a notice that says why, leaving nothing of the previous user behind."""

import hashlib
import time

import pytest
from sqlalchemy import text

from core import sessions
from core.config import get_settings
from tests.ui.conftest import sign_in_as, texts
from ui.session import SEEN_KEY, TOKEN_KEY, USER_KEY

EXPIRED = "Your session expired after inactivity. Please sign in again."


@pytest.fixture
def idle_limit(monkeypatch):
    def apply(minutes: int) -> None:
        monkeypatch.setenv("CARBON_SESSION_IDLE_MINUTES", str(minutes))
        get_settings.cache_clear()

    yield apply
    monkeypatch.delenv("CARBON_SESSION_IDLE_MINUTES", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def browser_cookie(monkeypatch):
    """The session cookie a (re)loading browser sends: AppTest has no browser, so the app is told directly."""

    def send(token: str | None) -> None:
        monkeypatch.setattr("ui.session.cookie_token", lambda: token)

    return send


def session_row(db, token: str) -> dict:
    row = db.execute(
        text("SELECT * FROM sessions WHERE token_hash = :h"), {"h": hashlib.sha256(token.encode()).digest()}
    )
    result = dict(row.mappings().one())
    db.rollback()
    return result


def idle_on_the_server(db, token: str, minutes: float) -> None:
    """As if nobody had used the session for ``minutes``: the server's clock moved on, its record did not."""
    db.execute(
        text(
            "UPDATE sessions SET created_at = created_at - make_interval(secs => :s), "
            "last_seen_at = last_seen_at - make_interval(secs => :s), "
            "expires_at = expires_at - make_interval(secs => :s) WHERE token_hash = :h"
        ),
        {"s": minutes * 60, "h": hashlib.sha256(token.encode()).digest()},
    )
    db.commit()


def test_a_session_expires_after_the_configured_idle_limit(app, actors, db, idle_limit):
    idle_limit(1)
    token = sessions.create(db, actors.admin.id)
    at = app
    sign_in_as(at, actors.admin, token)
    idle_on_the_server(db, token, 0.9)
    still_signed_in = at.run().session_state[USER_KEY]

    idle_on_the_server(db, token, 0.2)
    at.session_state[SEEN_KEY] = time.monotonic()  # and no activity slid it meanwhile
    at.run()

    assert still_signed_in == actors.admin
    assert USER_KEY not in at.session_state
    assert texts(at.info) == [EXPIRED]
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_activity_slides_the_expiry_once_a_minute_has_passed(open_app, actors, db):
    at = open_app(actors.admin)
    token = at.session_state[TOKEN_KEY]
    idle_on_the_server(db, token, 20)
    stale = session_row(db, token)

    at.session_state[SEEN_KEY] = time.monotonic() - 61  # the tab last slid the expiry over a minute ago
    at.run()
    slid = session_row(db, token)

    idle = get_settings().session_idle_minutes * 60
    assert slid["last_seen_at"] > stale["last_seen_at"]
    assert (slid["expires_at"] - slid["last_seen_at"]).total_seconds() == idle
    assert at.session_state[USER_KEY] == actors.admin


def test_activity_within_a_minute_does_not_write(open_app, actors, db):
    at = open_app(actors.admin, "pages/market_makers.py")
    before = session_row(db, at.session_state[TOKEN_KEY])

    for _ in range(3):
        at.run()

    assert session_row(db, at.session_state[TOKEN_KEY]) == before
    assert not at.exception


def test_an_expired_session_reaches_no_page(open_app, actors, db):
    at = open_app(actors.admin)
    idle_on_the_server(db, at.session_state[TOKEN_KEY], get_settings().session_idle_minutes + 1)

    at.run()

    assert not at.exception
    assert [b.label for b in at.form_submit_button] == ["Sign in"]
    with pytest.raises(ValueError):  # only the sign-in form is routed for a signed-out session
        at.switch_page("pages/market_makers.py")


def test_signing_out_forgets_everything_the_session_held(open_app, actors):
    at = open_app(actors.admin, "pages/market_makers.py")
    at.session_state["some_page_state"] = "belongs to the admin"

    at.sidebar.button(key="sign_out").click().run()

    assert USER_KEY not in at.session_state
    assert TOKEN_KEY not in at.session_state
    assert "some_page_state" not in at.session_state


def test_a_page_view_with_the_cookie_resumes_the_session(app, actors, db, browser_cookie):
    token = sessions.create(db, actors.analyst.id)
    browser_cookie(token)

    at = app.run()

    assert not at.exception
    assert at.session_state[USER_KEY] == actors.analyst
    assert "Sign out" in [b.label for b in at.sidebar.button]


@pytest.mark.parametrize(
    ("end", "notice"),
    [
        ("expire", [EXPIRED]),
        ("deactivate", ["Your account is deactivated. Ask an administrator if you need access."]),
        ("sign out", []),  # the user chose it: a reload simply shows the form
    ],
)
def test_a_page_view_with_an_ended_sessions_cookie_shows_the_form_saying_why(
    app, actors, db, browser_cookie, end, notice
):
    token = sessions.create(db, actors.analyst.id)
    if end == "expire":
        idle_on_the_server(db, token, get_settings().session_idle_minutes + 1)
    elif end == "deactivate":
        db.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": actors.analyst.id})
        db.commit()
    else:
        sessions.revoke(db, token)
    browser_cookie(token)

    at = app.run()

    assert not at.exception
    assert USER_KEY not in at.session_state
    assert texts(at.info) == notice
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_an_open_tab_is_signed_out_when_its_user_is_deactivated(open_app, actors, db):
    at = open_app(actors.trader)

    db.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": actors.trader.id})
    db.commit()
    at.run()

    assert USER_KEY not in at.session_state
    assert texts(at.info) == ["Your account is deactivated. Ask an administrator if you need access."]


def test_an_open_tab_is_told_when_it_was_signed_out_in_another_window(open_app, actors, db):
    at = open_app(actors.admin)

    sessions.revoke(db, at.session_state[TOKEN_KEY])
    at.run()

    assert texts(at.info) == ["You were signed out in another window. Please sign in again."]


def test_a_dead_cookie_is_looked_up_once_per_tab(app, actors, db, browser_cookie, monkeypatch):
    token = sessions.create(db, actors.admin.id)
    sessions.revoke(db, token)
    browser_cookie(token)
    lookups = []
    monkeypatch.setattr("core.sessions.resolve", lambda *a: lookups.append(a) or None)

    at = app.run()
    at.run()
    at.run()

    assert len(lookups) == 1
    assert not at.exception
