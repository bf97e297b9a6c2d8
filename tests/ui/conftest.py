"""AppTest fixtures: the real app.py on this test's database, signed out or already signed in.

Reuse ``open_app`` for page tests::

    def test_x(open_app, actors):
        at = open_app(actors.admin, "pages/market_makers.py")

A signed-in AppTest holds a real server-side session (core.sessions), as a browser would after signing in. The
standard actors' sessions are made before the test body runs, so a test's own ``snapshot(db)`` already holds them,
and opening the app changes nothing in the database.
"""

import functools
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from streamlit.components.v2 import manifest_scanner
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.testing.v1.element_tree import Column
from streamlit.util import calc_hash

from core import sessions
from core.db import PROJECT_ROOT, make_session_factory
from core.models import User
from ui.format import ZERO_WIDTH_SPACE
from ui.session import SEEN_KEY, TOKEN_KEY, USER_KEY

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT = 30  # seconds per run: the first run of a test builds an engine and imports pandas/plotly


@pytest.fixture(scope="session", autouse=True)
def component_packages_scanned_once() -> Iterator[None]:
    """Each new AppTest scans every installed distribution's metadata for Streamlit components on its first run: 0.34 s
    of CPU, half of what a page test costs in all. Nothing is installed while the tests run, so one scan serves all."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests)
        )
        yield


def wait_for_the_run(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
    """``require_widgets_deltas`` as Streamlit writes it, woken by the run's end instead of looking for it every
    millisecond through all the run's events so far: that look took 11% of the page tests' CPU, beside the run it
    kept waking up from."""
    ended = threading.Event()

    def on_event(_sender: object, event: ScriptRunnerEvent, **_data: object) -> None:
        if event == ScriptRunnerEvent.SHUTDOWN:
            ended.set()

    runner.on_event.connect(on_event, weak=False)
    try:
        if runner.script_stopped() or ended.wait(timeout):
            return
    finally:
        runner.on_event.disconnect(on_event)
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


@pytest.fixture(scope="session", autouse=True)
def runs_awaited_without_polling() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local_script_runner, "require_widgets_deltas", wait_for_the_run)
        yield


def route_through_app_py(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run of an AppTest goes through app.py, as when served. Before each run AppTest forgets whether the app
    routes with ``st.navigation``, and Streamlit then takes our ``pages/`` folder for an old-style (v1) page list: a
    page whose URL path is its file's name (``operations``, ``market_quality``...) ran by itself, without app.py's
    session check, its sidebar or its error box, so a page test passed where the served page would not have run
    the same. app.py turns the old-style list off when served; this does it before each run of a test."""
    build = PagesManager.__init__

    def routed(self: PagesManager, *args: object, **kwargs: object) -> None:
        PagesManager.uses_pages_directory = False
        build(self, *args, **kwargs)

    monkeypatch.setattr(PagesManager, "__init__", routed)


@pytest.fixture
def app_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the app at this test's database, every run routed by app.py (``route_through_app_py``); forget its
    engine afterwards (the database is dropped)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    route_through_app_py(monkeypatch)
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def actor_sessions(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """A live session token per standard actor (user id → token) when the test uses ``actors``, else none.

    An AppTest given a user under ``USER_KEY`` but no token (the way tests signed in before sessions lived in the
    database) gets that user's token on its first run.
    """
    if "actors" not in request.fixturenames:
        return {}
    db: Session = request.getfixturevalue("db")
    actors = request.getfixturevalue("actors")
    tokens = {user.id: sessions.create(db, user.id) for user in (actors.admin, actors.analyst, actors.trader)}
    run = AppTest.run

    def run_with_session(self: AppTest, *args: object, **kwargs: object) -> AppTest:
        user = self.session_state[USER_KEY] if USER_KEY in self.session_state else None  # noqa: SIM401 (no .get)
        if user is not None and TOKEN_KEY not in self.session_state and user.id in tokens:
            self.session_state[TOKEN_KEY] = tokens[user.id]
        return run(self, *args, **kwargs)

    monkeypatch.setattr(AppTest, "run", run_with_session)
    return tokens


@pytest.fixture
def open_link(app_env: None, actor_sessions: dict[int, str]) -> Callable[[User, str, dict[str, str]], AppTest]:
    """A factory: ``/<url_path>`` opened by ``user`` on a URL holding ``params``, in a new session, as a reload (F5)
    or a shared link opens it."""

    def _open(user: User, url_path: str, params: dict[str, str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        sign_in_as(at, user, actor_sessions[user.id])
        at.query_params.update(params)
        return open_url(at, url_path)

    return _open


@pytest.fixture
def app(app_env: None) -> AppTest:
    """The app, signed out and not run yet."""
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


@pytest.fixture
def open_app(app_env: None, database_url: str, actor_sessions: dict[int, str]) -> Callable[..., AppTest]:
    """A factory: the app run once as ``user`` (signed in as ui.session does), on ``page`` if given.

    ``page`` is the page's file path relative to app.py, e.g. ``"pages/market_makers.py"``.
    """

    def _open(user: User, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        sign_in_as(at, user, actor_sessions.get(user.id) or new_session(database_url, user))
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


def grid_texts(grid, column: str) -> list[str]:
    """A column of a grid drawn from a Styler as the page writes it (the display text the Styler sends), row by
    row: what a reader sees where the grid's value holds the number it sorts by."""
    arrow = grid.proto.arrow_data if grid.proto.arrow_data.data else grid.proto.lazy_data.initial_chunk
    return convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)[column].tolist()


def header_sort_of(grid) -> dict[str, object]:
    """Whether a click on a header of ``grid`` (or Sort in its column menu) would sort its rows in the browser, and
    what its visible headers say on hover (ui.grids.paged_grid). The browser sorts any table but a data editor that
    adds rows ("dynamic"); disabled, that one edits and adds nothing."""
    columns = json.loads(grid.proto.columns)
    shown = [c for c in grid.value.columns if not columns.get(str(c), {}).get("hidden")]
    return {
        "sorts": not (grid.editing_mode == "dynamic" and grid.proto.disabled),
        "says": {columns.get(str(c), {}).get("help") for c in shown},
    }


def pinned_columns(grid) -> list[str]:
    """The columns of ``grid`` pinned to its left edge, which Streamlit draws faded (ui.grids)."""
    return [name for name, config in json.loads(grid.proto.columns).items() if (config or {}).get("pinned")]


def field_errors(at) -> list[str]:
    """The refusals shown under fields (ui.feedback.field_error), as a reader sees them."""
    return [shown(str(c.value)) for c in at.caption if str(c.value).startswith(":red[")]


def drawn(node: object) -> Iterator[object]:
    """Every element under ``node`` in the order the page draws them, blocks walked through."""
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield from drawn(child)
        else:
            yield child


def refusal_under(at: AppTest, key: str) -> str | None:
    """The refusal (ui.feedback.field_error) drawn right below the widget ``key``, as a reader sees it; None when
    what comes next is anything else. (The whole tree: a dialog is drawn outside ``at.main``.)"""
    elements = list(drawn(at._tree))
    position = next(i for i, e in enumerate(elements) if getattr(e, "key", None) == key)
    after = elements[position + 1] if position + 1 < len(elements) else None
    text = str(getattr(after, "value", ""))
    return shown(text) if getattr(after, "type", None) == "caption" and text.startswith(":red[") else None


def warned_under(at: AppTest, key: str) -> list[str]:
    """The warnings (ui.feedback.field_warning) drawn right under the widget ``key``, or under the row or box holding
    it: in what is drawn next to it, or else next to the nearest block around it that is followed by warnings, as a
    reader sees them (a link's value the page did not take is said there)."""
    path = _path_to(at.main, key)
    for parent, child in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
        siblings = list(parent.children.values())
        following = siblings[siblings.index(child) + 1 : siblings.index(child) + 2]
        said = [shown(str(e.value)) for n in following for e in (list(drawn(n)) or [n]) if _is_warning(e)]
        if said:
            return said
    return []


def _is_warning(element: object) -> bool:
    return getattr(element, "type", None) == "caption" and str(element.value).startswith(":orange[")


def _path_to(node: object, key: str) -> list[object]:
    """The blocks from ``node`` down to the widget ``key``, and the widget (empty when there is none)."""
    if getattr(node, "key", None) == key:
        return [node]
    for child in getattr(node, "children", {}).values():
        if path := _path_to(child, key):
            return [node, *path]
    return []


def said_under(at: AppTest, key: str) -> list[str]:
    """The captions drawn below the widget ``key`` of a row of columns: in the next row of columns, the column under
    the middle of the widget's own, as a reader sees them (a refusal or a note)."""
    rows = [b for b in _blocks(at.main) if b.children and all(isinstance(c, Column) for c in b.children.values())]
    for here, below in itertools.pairwise(rows):
        for (start, end), column in _spans(here):
            if any(getattr(e, "key", None) == key for e in drawn(column)):
                middle = (start + end) / 2
                (under,) = [c for (a, b), c in _spans(below) if a <= middle < b]
                return [shown(str(e.value)) for e in drawn(under) if getattr(e, "type", None) == "caption"]
    raise LookupError(f"no widget {key!r} in a row of columns followed by another")


def said_from_under_to_the_edge(at: AppTest, key: str) -> list[str]:
    """The captions drawn below the widget ``key`` of a row of columns, in the rows of columns that follow it in the
    same block, in a cell that starts where the widget starts and runs to the right edge: a message given the room
    from its field to the edge, as a reader sees it."""
    for block in _blocks(at.main):
        siblings = [c for c in block.children.values() if _is_row(c)]
        for n, here in enumerate(siblings):
            starts = [
                a for (a, _), column in _spans(here) if any(getattr(e, "key", None) == key for e in drawn(column))
            ]
            if starts:
                return [
                    shown(str(e.value))
                    for below in siblings[n + 1 :]
                    for (a, b), cell in _spans(below)
                    if math.isclose(a, starts[0]) and math.isclose(b, 1)
                    for e in drawn(cell)
                    if getattr(e, "type", None) == "caption"
                ]
    raise LookupError(f"no widget {key!r} in a row of columns")


def _holds(node: object, key: str) -> bool:
    return any(getattr(e, "key", None) == key for e in drawn(node))


def _is_row(node: object) -> bool:
    children = getattr(node, "children", None)
    return bool(children) and all(isinstance(c, Column) for c in children.values())


def _blocks(node: object) -> Iterator[object]:
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield child
            yield from _blocks(child)


def _spans(row: object) -> list[tuple[tuple[float, float], Column]]:
    """Each column of a row with the share of the row's width it starts and ends at."""
    columns = list(row.children.values())
    total, start, spans = sum(c.weight for c in columns), 0.0, []
    for column in columns:
        spans.append(((start, start + column.weight / total), column))
        start += column.weight / total
    return spans


def linkable(markup: str) -> bool:
    """Would Markdown make a link of it: [text](url), or a bare URL or e-mail address left unbroken?"""
    unbroken = f"(?!{ZERO_WIDTH_SPACE})"
    return re.search(rf"\]\(|:{unbroken}//|www{unbroken}|@{unbroken}", markup) is not None


def sign_in_as(at: AppTest, user: User, token: str) -> None:
    """Put a signed-in session into an AppTest not run yet, as ui.session.sign_in leaves it."""
    at.session_state[TOKEN_KEY] = token
    at.session_state[USER_KEY] = user
    at.session_state[SEEN_KEY] = time.monotonic()


def open_url(at: AppTest, url_path: str) -> AppTest:
    """Run the app as a browser that opens ``/<url_path>`` does.

    ``AppTest.switch_page`` only reaches page files; a URL selects the page whose identity is the hash of that URL
    path (how ``st.Page`` names its pages), which also reaches the sign-in form and refusals a URL can show.
    """
    at._page_hash = calc_hash(url_path)
    return at.run()


def new_session(database_url: str, user: User) -> str:
    """A live session for a user other than the standard actors."""
    engine = create_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return sessions.create(db, user.id)
    finally:
        engine.dispose()


def texts(elements: object) -> list[str]:
    """What a person reads in every element of an AppTest element list (errors, infos, toasts, markdown...)."""
    return [shown(str(e.value)) for e in elements]


def drawn_button(at: AppTest, key: str) -> object:
    """The one button drawn under ``ui.clicks.drawn_key(key, ...)``: its key changes with what it shows."""
    (button,) = [b for b in at.button if (b.key or "").startswith(f"{key}_")]
    return button


def drawn_buttons(at: AppTest, key: str) -> list[object]:
    """Every button drawn under ``ui.clicks.drawn_key(key, ...)``: none, or the one."""
    return [b for b in at.button if (b.key or "").startswith(f"{key}_")]
