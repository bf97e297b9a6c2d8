"""The database goes away while the app runs: the page says so plainly, and comes back by itself once the
database is back, without anyone reloading it.

Each test owns its PostgreSQL (``restartable``, tests/restartable.py), which it stops and starts again.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine

from core.db import make_session_factory
from core.market_makers import create_market_maker
from core.users import create_user
from tests.e2e.conftest import RunningApp, sign_in, streamlit_run
from tests.helpers import PASSWORD
from tests.restartable import RestartableDatabase

pytestmark = pytest.mark.e2e


@pytest.fixture
def database_url(restartable: RestartableDatabase) -> str:
    """Overrides the suite's database for app_server: a migrated, seeded database on the restartable server."""
    url = restartable.migrated_database()
    engine = create_engine(url)
    with make_session_factory(engine)() as db:
        admin = create_user(db, "admin", PASSWORD, "ADMIN")
        create_market_maker(db, "Atlas Liquidity", "LIQUIDITY_PROVIDER", admin.id, initial_eur_balance=1000)
    engine.dispose()
    return url


@pytest.fixture
def app_server(own_app_server: RunningApp) -> RunningApp:
    """The app in a process of its own, on the restartable server's database (not the worker's served app)."""
    return own_app_server


def open_page(page, title: str) -> None:
    """Navigate inside the app (the sidebar link keeps the signed-in session; a browser reload would not)."""
    page.get_by_role("link", name=title).click()


def test_the_page_reports_the_database_down_and_recovers_by_itself(page, app_server, restartable, screenshot):
    sign_in(page, app_server, "admin", PASSWORD)
    open_page(page, "Market Makers")
    market_makers = page.get_by_role("heading", name="Market Makers")
    expect(market_makers).to_be_visible()
    open_page(page, "Operations")

    restartable.stop()
    open_page(page, "Market Makers")

    unavailable = page.get_by_text("Database unavailable")
    expect(unavailable).to_be_visible(timeout=30_000)
    screenshot(page, "database-unavailable.png")

    restartable.start()

    expect(unavailable).to_be_hidden(timeout=30_000)
    # the page itself, not a cell of its table: grid cells sit in a hidden accessibility layer
    expect(market_makers).to_be_visible(timeout=30_000)


def test_a_live_page_reports_the_database_down_without_any_click_and_recovers(
    page, app_server, restartable, screenshot
):
    sign_in(page, app_server, "admin", PASSWORD)
    open_page(page, "Cash Market")
    expect(page.get_by_text("Sign out")).to_be_visible()

    restartable.stop()

    unavailable = page.get_by_text("Database unavailable")
    expect(unavailable.first).to_be_visible(timeout=30_000)
    screenshot(page, "database-unavailable-live.png")
    restartable.start()
    expect(unavailable).to_have_count(0, timeout=30_000)


def test_signing_in_while_the_database_is_down_says_so_and_the_form_comes_back(page, app_server, restartable):
    page.goto(app_server.url)
    page.get_by_label("Username").wait_for()  # the app has reached the database once: the form is up
    restartable.stop()

    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    unavailable = page.get_by_text("Database unavailable")
    expect(unavailable).to_be_visible(timeout=30_000)
    restartable.start()
    expect(unavailable).to_be_hidden(timeout=30_000)
    sign_in(page, app_server, "admin", PASSWORD)


def test_the_app_started_while_its_database_is_down_says_so_and_comes_back_by_itself(
    page, database_url, restartable, tmp_path
):
    restartable.stop()  # as when the app's container starts before the database's

    with streamlit_run(database_url, tmp_path / "streamlit.log") as app:  # it starts: it used to exit with a trace
        page.goto(app.url)
        unavailable = page.get_by_text("Database unavailable")
        expect(unavailable).to_be_visible(timeout=30_000)
        restartable.start()
        expect(unavailable).to_be_hidden(timeout=30_000)
        sign_in(page, app, "admin", PASSWORD)

    started = app.log.read_text().split("\n\n", 3)[2].splitlines()[0]  # the line the start left, before any page's
    assert started.startswith("the database is not reachable: connection is bad: connection to server"), started
