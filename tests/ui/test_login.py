"""Sign-in through app.py: the form, refusals with core's message, lockout, the server-side session it opens and
hands to the browser's cookie, sign-out, idle expiry, and routing by role."""

import pytest
from sqlalchemy import text

from core import sessions
from core.config import get_settings
from tests.helpers import PASSWORD
from tests.ui.conftest import field_errors, texts
from ui.session import TOKEN_KEY, USER_KEY

MARKET_MAKERS = "pages/market_makers.py"


def submit(at, username: str, password: str):
    at.text_input(key="login_username").set_value(username)
    at.text_input(key="login_password").set_value(password)
    at.button(key="FormSubmitter:login_form-Sign in").click()
    return at.run()


def test_a_signed_out_visitor_sees_the_sign_in_form(app):
    at = app.run()

    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_a_wrong_password_shows_the_core_message_and_signs_nobody_in(app, actors):
    at = app.run()

    submit(at, "admin", "not the password")

    assert not at.exception
    assert texts(at.error) == ["Wrong username or password"]
    assert USER_KEY not in at.session_state
    assert TOKEN_KEY not in at.session_state
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_signing_in_opens_a_server_side_session_and_hands_its_token_to_the_cookie_route(app, actors, db):
    at = app.run()

    submit(at, "admin", PASSWORD)

    assert not at.exception
    token = at.session_state[TOKEN_KEY]
    assert sessions.resolve(db, token).id == actors.admin.id
    assert texts(at.success) == ["Signed in as admin. Opening the app…"]
    [hand_over] = [html for html in texts(at.html) if "<form" in html]  # beside the sign-in page's style
    assert 'method="post" action="/session/cookie"' in hand_over
    assert f'name="token" value="{token}"' in hand_over


def test_an_admin_signs_in_and_may_open_market_makers(app, actors):
    at = app.run()

    submit(at, "admin", PASSWORD)
    at.run()  # the browser comes back from the cookie route; AppTest simply reruns
    at.switch_page(MARKET_MAKERS).run()

    assert not at.exception
    assert at.session_state[USER_KEY].id == actors.admin.id
    assert "Sign out" in [b.label for b in at.sidebar.button]
    assert [t.value for t in at.title] == ["Market Makers"]


def test_an_analyst_may_open_market_makers(open_app, actors):
    at = open_app(actors.analyst, MARKET_MAKERS)

    assert not at.exception
    assert [t.value for t in at.title] == ["Market Makers"]


def test_repeated_failures_lock_the_account_even_against_the_right_password(app, actors):
    at = app.run()
    for _ in range(get_settings().login_max_failures):
        submit(at, "admin", "wrong guess")

    locked_message = texts(at.error)
    submit(at, "admin", PASSWORD)

    assert locked_message and locked_message[0].startswith("Too many failed sign-in attempts")
    assert texts(at.error)[0].startswith("Too many failed sign-in attempts")
    assert USER_KEY not in at.session_state


def test_an_unknown_name_locks_on_the_form_like_a_real_one(app, actors):
    at = app.run()
    answers = {}
    for name in ("admin", "nobody"):
        for _ in range(get_settings().login_max_failures + 1):
            submit(at, name, "wrong guess")
        answers[name] = texts(at.error)

    assert answers["admin"] == answers["nobody"]
    assert answers["nobody"][0].startswith("Too many failed sign-in attempts: try again in about")


def test_signing_out_returns_to_the_form_with_a_notice_and_ends_the_session(open_app, actors, db):
    at = open_app(actors.admin)
    token = at.session_state[TOKEN_KEY]

    at.sidebar.button(key="sign_out").click().run()

    assert not at.exception
    assert USER_KEY not in at.session_state
    assert sessions.resolve(db, token) is None
    assert texts(at.info) == ["You are signed out."]
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_a_role_without_pages_is_told_so_instead_of_seeing_an_empty_app(open_app, actors, monkeypatch):
    # the trader gets the Cash Market soon; an empty page list stands in for any role without pages
    monkeypatch.setattr("ui.navigation.PAGES", ())

    at = open_app(actors.trader)

    assert not at.exception
    assert texts(at.info) == ["No pages are open to the trader role yet. Ask an administrator if you need access."]


def test_a_trader_is_not_routed_to_the_market_makers_page(open_app, actors):
    at = open_app(actors.trader)

    # st.navigation registers only the trader's own pages as page files; Market Makers' URL answers a refusal
    with pytest.raises(ValueError):
        at.switch_page(MARKET_MAKERS)
    assert "Market Makers" not in [t.value for t in at.title]


def test_enter_in_the_username_before_the_password_asks_for_it_under_its_field_and_counts_no_failure(app, actors, db):
    at = app.run()

    submit(at, "admin", "")

    assert not at.exception
    assert not at.error  # it said "Wrong username or password", and counted a failed sign-in towards the lock
    assert field_errors(at) == ["Type your password"]
    failures = db.execute(text("SELECT count(*) FROM login_failures")).scalar()
    db.rollback()
    assert failures == 0
    assert USER_KEY not in at.session_state
