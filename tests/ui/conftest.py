"""AppTest fixtures: the real app.py on this test's database, signed out or already signed in.

Reuse ``open_app`` for page tests::

    def test_x(open_app, actors):
        at = open_app(actors.admin, "pages/market_makers.py")
"""

import re
import time
from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.db import PROJECT_ROOT
from core.models import User
from ui.format import ZERO_WIDTH_SPACE
from ui.session import SEEN_KEY, USER_KEY

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT = 30  # seconds per run: the first run of a test builds an engine and imports pandas/plotly


@pytest.fixture
def app_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the app at this test's database; forget its engine afterwards (the database is dropped)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(app_env: None) -> AppTest:
    """The app, signed out and not run yet."""
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


@pytest.fixture
def open_app(app_env: None) -> Callable[..., AppTest]:
    """A factory: the app run once as ``user`` (signed in as ui.session does), on ``page`` if given.

    ``page`` is the page's file path relative to app.py, e.g. ``"pages/market_makers.py"``.
    """

    def _open(user: User, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state[USER_KEY] = user
        at.session_state[SEEN_KEY] = time.monotonic()
        at.run()
        if page is not None:
            at.switch_page(page).run()
        return at

    return _open


def shown(markup: str) -> str:
    """Markdown source as a reader sees it: escapes dropped, Streamlit colour and icon directives unwrapped."""
    plain = re.sub(r":material/[a-z_]+: ", "", markup.replace(ZERO_WIDTH_SPACE, ""))
    plain = re.sub(r"^:[a-z]+\[(.*)\]$", r"\1", plain, flags=re.S)
    return re.sub(r"\\(.)", r"\1", plain)


def linkable(markup: str) -> bool:
    """Would Markdown make a link of it: [text](url), or a bare URL or e-mail address left unbroken?"""
    unbroken = f"(?!{ZERO_WIDTH_SPACE})"
    return re.search(rf"\]\(|:{unbroken}//|www{unbroken}|@{unbroken}", markup) is not None


def texts(elements: object) -> list[str]:
    """What a person reads in every element of an AppTest element list (errors, infos, toasts, markdown...)."""
    return [shown(str(e.value)) for e in elements]
