"""Sessions end: idle expiry follows the configured limit, activity keeps a session alive, and signing out or
expiring leaves nothing of the previous user behind (tests/ui/test_login.py covers the basic sign-out and expiry)."""

import time

import pytest

from core.config import get_settings
from tests.ui.conftest import texts
from ui.session import SEEN_KEY, USER_KEY

EXPIRED = "Your session expired after inactivity. Please sign in again."


@pytest.fixture
def idle_limit(monkeypatch):
    def apply(minutes: int) -> None:
        monkeypatch.setenv("CARBON_SESSION_IDLE_MINUTES", str(minutes))
        get_settings.cache_clear()

    yield apply
    monkeypatch.delenv("CARBON_SESSION_IDLE_MINUTES", raising=False)
    get_settings.cache_clear()


def idle_for(at, seconds: float) -> None:
    at.session_state[SEEN_KEY] = time.monotonic() - seconds


def test_the_idle_limit_follows_the_configuration(open_app, actors, idle_limit):
    idle_limit(1)
    at = open_app(actors.admin)
    idle_for(at, 61)

    at.run()

    assert USER_KEY not in at.session_state
    assert texts(at.info) == [EXPIRED]


def test_activity_within_the_limit_keeps_the_session_and_restarts_its_clock(open_app, actors, idle_limit):
    idle_limit(1)
    at = open_app(actors.admin)
    idle_for(at, 50)
    stale = at.session_state[SEEN_KEY]

    at.run()

    assert at.session_state[USER_KEY].id == actors.admin.id
    assert at.session_state[SEEN_KEY] > stale
    assert EXPIRED not in texts(at.info)


def test_an_expired_session_reaches_no_page(open_app, actors):
    at = open_app(actors.admin)
    idle_for(at, get_settings().session_idle_minutes * 60 + 1)

    at.run()

    assert not at.exception
    assert [b.label for b in at.form_submit_button] == ["Sign in"]
    with pytest.raises(ValueError):  # only the sign-in page is routed for a signed-out session
        at.switch_page("pages/market_makers.py")


def test_signing_out_forgets_everything_the_session_held(open_app, actors):
    at = open_app(actors.admin, "pages/market_makers.py")
    at.session_state["some_page_state"] = "belongs to the admin"

    at.sidebar.button(key="sign_out").click().run()

    assert USER_KEY not in at.session_state
    assert "some_page_state" not in at.session_state
    assert SEEN_KEY not in at.session_state
