"""Browser tests: the real app on a fresh test database, driven by Chromium.

Each test's database is seeded through core by the test (``seeded``), and served by the app's server of this
test worker (``ServedApp``); a test that needs ``streamlit run app.py`` itself, in a process of its own, asks for
``own_app_server``.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, make_url, text

from core import sessions
from core.db import PROJECT_ROOT, make_session_factory, with_database
from tests.e2e.served_app import FORGET_ROUTE
from ui.session import COOKIE

# Debian's chromium-headless-shell: the same Blink as chromium, without the desktop browser around it. The browser
# tests spent 393 s of CPU in chromium in a full run, 21% less in the shell, on the same tests, all passing.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
# a page answers a click with a rerun of its script: on a busy 2-core machine that can take several seconds, so the
# assertions wait as long as the actions do (the page's default timeout below) instead of Playwright's 5 s
expect.set_options(timeout=20_000)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


@pytest.hookimpl(trylast=True)  # after tests/conftest.py's hook has marked the browser tests e2e
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test that fails is run once more (pytest-rerunfailures; the summary lists it as rerun, R). Under
    the full suite's load, Streamlit can drop an interaction that lands while a part of the page reruns on its
    timer, or while the page is still coming back from its sign-in: in three full runs on this 2-core machine, two
    had browser tests fail that way (two of 25 in one, one in the other), a different one each time, each passing
    alone."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.flaky(reruns=1))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    url: str
    log: Path
    database_url: str


def _start_streamlit(command: list[str], env: dict[str, str], log: Path, url: str) -> subprocess.Popen:
    """Start the app's server with ``command``; return once it answers its health check."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, *command],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop(proc)
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()}") from None
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def streamlit_run(database_url: str, log: Path) -> Iterator[RunningApp]:
    """``streamlit run app.py`` against ``database_url``, in a process of its own, stopped on leaving."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = ["-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1"]
    proc = _start_streamlit(command, {"DATABASE_URL": database_url}, log, url)
    try:
        yield RunningApp(url=url, log=log, database_url=database_url)
    finally:
        _stop(proc)


@pytest.fixture
def own_app_server(database_url: str, tmp_path: Path) -> Iterator[RunningApp]:
    """``streamlit run app.py`` against this test's database, started for this test alone and stopped after it:
    for a test that needs the real command or its own process (its database server restarted under it)."""
    with streamlit_run(database_url, tmp_path / "streamlit.log") as app:
        yield app


class ServedApp:
    """One server of the app for all the browser tests of this worker, on a database whose name stays; each test's
    fresh clone takes that name (``serve``). Starting a server per test cost ~3 s of CPU each, a fifth of the
    browser tests' time. The server's connections to the last test's database are cut by its drop, and its pool
    replaces them on their next use (``pool_pre_ping``); its data caches are emptied at each swap (served_app.py)."""

    def __init__(self, pg_admin_url: str, template: str, log: Path) -> None:
        self.database = f"served_{uuid.uuid4().hex[:12]}"
        self.database_url = with_database(pg_admin_url, self.database)
        self._admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:  # at head, for the server's check at start
            conn.exec_driver_sql(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        command = ["-m", "tests.e2e.served_app", str(port)]
        self._proc = _start_streamlit(command, {"DATABASE_URL": self.database_url}, log, self.url)

    def serve(self, clone_url: str) -> RunningApp:
        """Put the database at ``clone_url`` in the served one's place, and empty the server's data caches."""
        clone = make_url(clone_url).database
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{self.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'ALTER DATABASE "{clone}" RENAME TO "{self.database}"')
        request = urllib.request.Request(self.url + FORGET_ROUTE, method="POST")
        with urllib.request.urlopen(request, timeout=30) as resp:
            assert resp.status == 200, f"the served app did not empty its caches: {resp.status}"
        return RunningApp(url=self.url, log=self.log, database_url=self.database_url)

    def close(self) -> None:
        _stop(self._proc)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin.dispose()


@pytest.fixture(scope="session")
def served_app(pg_admin_url: str, template_name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    served = ServedApp(pg_admin_url, template_name, tmp_path_factory.mktemp("served") / "streamlit.log")
    yield served
    served.close()


@pytest.fixture
def database_url(database_url: str, served_app: ServedApp) -> str:
    """The suite's fresh database for this test (tests/conftest.py), as the served app's database."""
    return served_app.serve(database_url).database_url


@pytest.fixture
def app_server(database_url: str, served_app: ServedApp) -> RunningApp:
    """The app, served on this test's fresh database (``ServedApp``)."""
    return RunningApp(url=served_app.url, log=served_app.log, database_url=database_url)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium-headless-shell (see .ci/run)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, tmp_path: Path):
    """``screenshot(page, "name.png", **playwright_options)``: into ``docs/screenshots/`` only on request
    (``pytest --screenshots``), otherwise into the test's temporary directory, so a plain test run never
    rewrites tracked files."""
    target = SCREENSHOTS if request.config.getoption("--screenshots") else tmp_path

    def take(page, name: str, **options: object) -> Path:
        target.mkdir(parents=True, exist_ok=True)
        path = target / name
        page.screenshot(path=str(path), **options)
        return path

    return take


def sign_in(page, app: RunningApp, username: str, password: str, path: str = "/") -> None:
    """Open the app at ``path`` and sign in through the login form.

    Returns once the browser is back from putting the session into its cookie and the page shows signed in.
    """
    page.goto(app.url + path)
    submit_sign_in(page, username, password)


def open_as(page, app: RunningApp, username: str, path: str = "/") -> None:
    """Open the app at ``path`` signed in as ``username``, as the sign-in form leaves a browser: a session made in
    the database and its token in the session cookie. One page load where the form takes three (its own, the
    sign-in's run, the cookie's redirect); the tests of signing in itself go through the form (``sign_in``)."""
    engine = create_engine(app.database_url)
    try:
        with make_session_factory(engine)() as db:
            user_id = db.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar_one()
            token = sessions.create(db, user_id)
    finally:
        engine.dispose()
    cookie = {"name": COOKIE, "value": token, "url": app.url, "httpOnly": True, "sameSite": "Strict"}
    page.context.add_cookies([cookie])
    page.goto(app.url + path)
    page.get_by_role("button", name="Sign out").wait_for()


def sign_out_in_another_window(page, app: RunningApp, path: str) -> None:
    """Sign out in another window of ``page``'s browser, at ``path``: the session ``page`` belongs to ends, while
    ``page`` still shows what it drew before (a dialog asking to confirm, a button to click)."""
    other = page.context.new_page()
    other.goto(app.url + path)
    other.get_by_role("button", name="Sign out").click()
    other.get_by_role("button", name="Sign in").wait_for()


def submit_sign_in(page, username: str, password: str) -> None:
    """Fill and send the sign-in form already on the page; wait until the page shows signed in."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def settle(page) -> None:
    """Wait until the script runs triggered by the last interaction have finished: the running indicator gone and
    staying gone for a second (it shows only once a run has lasted a moment, and one interaction can ask for two
    runs, a fragment's and then the page's)."""
    status = page.get_by_test_id("stStatusWidget")
    for _ in range(4):  # four looks a quarter of a second apart, each finding no run (or waiting for it to end)
        page.wait_for_timeout(250)
        expect(status).to_have_count(0, timeout=20_000)


def ask_with_enter(page, field, typed: str, question) -> None:
    """Type ``typed`` into a dialog's form ``field`` and send it with Enter; return once the dialog asks ``question``
    (a locator) and that run has been drawn whole."""
    field.fill(typed)
    field.press("Enter")
    expect(question).to_be_visible()
    settle(page)


def click_until_shown(page, button, shown, tries: int = 3) -> None:
    """Click ``button`` until ``shown`` is on the page, at most ``tries`` times. A click can go unanswered when it
    lands while a part of the page reruns on its timer (seen in CI under load: the form still held what was typed,
    with neither its refusal nor its saved note); a person clicks again, and so does the test."""
    for _ in range(tries - 1):
        button.click()
        settle(page)
        if shown.count():
            break
    else:
        button.click()
    expect(shown).to_be_visible()
