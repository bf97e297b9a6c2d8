"""Sign-in through app.py: the form, refusals with core's message, lockout, sign-out, idle expiry, routing."""

import time

import pytest

from core.config import get_settings
from tests.helpers import PASSWORD
from tests.ui.conftest import texts
from ui.session import SEEN_KEY, USER_KEY

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
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_an_admin_signs_in_and_may_open_market_makers(app, actors):
    at = app.run()

    submit(at, "admin", PASSWORD)
    at.switch_page(MARKET_MAKERS).run()

    assert not at.exception
    assert at.session_state[USER_KEY].id == actors.admin.id
    assert "Sign out" in [b.label for b in at.sidebar.button]
    assert [t.value for t in at.title] == ["Market makers"]


def test_an_analyst_may_open_market_makers(open_app, actors):
    at = open_app(actors.analyst, MARKET_MAKERS)

    assert not at.exception
    assert [t.value for t in at.title] == ["Market makers"]


def test_repeated_failures_lock_the_account_even_against_the_right_password(app, actors):
    at = app.run()
    for _ in range(get_settings().login_max_failures):
        submit(at, "admin", "wrong guess")

    locked_message = texts(at.error)
    submit(at, "admin", PASSWORD)

    assert locked_message and locked_message[0].startswith("Too many failed sign-in attempts")
    assert texts(at.error)[0].startswith("Too many failed sign-in attempts")
    assert USER_KEY not in at.session_state


def test_signing_out_returns_to_the_form_with_a_notice(open_app, actors):
    at = open_app(actors.admin)

    at.sidebar.button(key="sign_out").click().run()

    assert not at.exception
    assert USER_KEY not in at.session_state
    assert texts(at.info) == ["You are signed out."]
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_an_idle_session_expires_back_to_the_form(open_app, actors):
    at = open_app(actors.admin)
    at.session_state[SEEN_KEY] = time.monotonic() - get_settings().session_idle_minutes * 60 - 1

    at.run()

    assert USER_KEY not in at.session_state
    assert texts(at.info) == ["Your session expired after inactivity. Please sign in again."]


def test_a_role_without_pages_is_told_so_instead_of_seeing_an_empty_app(open_app, actors, monkeypatch):
    # the trader gets the Cash Market soon; an empty page list stands in for any role without pages
    monkeypatch.setattr("ui.navigation.PAGES", ())

    at = open_app(actors.trader)

    assert not at.exception
    assert texts(at.info) == ["No pages are open to the trader role yet. Ask an administrator if you need access."]


def test_a_trader_is_not_routed_to_the_market_makers_page(open_app, actors):
    at = open_app(actors.trader)

    # st.navigation only registers the pages of the trader's role
    with pytest.raises(ValueError):
        at.switch_page(MARKET_MAKERS)
    assert "Market makers" not in [t.value for t in at.title]
