"""Real PostgreSQL for the suite: one server, two migrated templates, a fresh database per test.

The server is ``TEST_DATABASE_URL`` (a role that may CREATE DATABASE) or an embedded one whose data
stays under the temp dir between runs. The templates' names carry a digest of alembic/ and sql/, so a
changed migration rebuilds them; cloning one takes ~0.2 s, done ahead while the previous test runs. A test
that asks for ``actors`` gets a clone of the second template, where the admin, the analyst and the trader
already exist (three argon2 hashes once per build, not once per test).
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core import users
from core.db import PROJECT_ROOT, make_session_factory, migrate, normalize_url, start_embedded_server, with_database
from tests.helpers import Actors, ClonePool, load_actors, make_actors
from tests.restartable import RestartableDatabase, restartable_database

TEMPLATE_LOCK = 7_300_001
E2E_DIR = Path(__file__).parent / "e2e"  # advisory lock id: one xdist worker builds the template, the others wait


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots", action="store_true", help="browser tests write their screenshots into docs/screenshots/"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests carry the ``e2e`` marker (``pytest -m "not e2e"`` skips them), and under xdist each worker
    starts with its share of them (``deal_browser_tests_first``)."""
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers > 1:
        items[:] = deal_browser_tests_first(items, workers)


RERUN_CAUSES: list[tuple[str, list[str]]] = []  # each rerun's test and its failure's first lines, as reported


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep why a test was run once more (the browser tests are, ``tests/e2e/conftest.py``): the rerun that passes
    hides the failure, and the summary's "RERUN" line names the test only. Here, not beside the browser tests: under
    xdist only the workers collect, and the controller, which reports, loads this conftest alone."""
    if report.outcome == "rerun":
        failed = [line for line in report.longreprtext.splitlines() if line.startswith("E ")]
        RERUN_CAUSES.append((report.nodeid, failed[:4] or report.longreprtext.splitlines()[-1:]))


def pytest_terminal_summary(terminalreporter) -> None:
    if RERUN_CAUSES:
        terminalreporter.section("why each rerun ran")
        for nodeid, lines in RERUN_CAUSES:
            terminalreporter.write_line(nodeid)
            for line in lines:
                terminalreporter.write_line(f"    {line}")


def deal_browser_tests_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The same tests, ordered so that xdist's work stealing gives every worker an even share of the browser tests
    and runs them first. Work stealing deals the collection out in contiguous chunks, worker i taking
    ``remaining // (workers - i)``, and an idle worker later steals from the *end* of the longest queue. Collected
    in file order, the 63 browser tests (10-30 s each, against ~0.3 s for the rest) all fell in the first worker's
    chunk: it ran them one after another while the others stole them late, one by one, and the last of them made the
    suite's tail (a run on 2 cores: 9 min 58 s). Each chunk now opens with its share of them; the quick tests
    behind fill the gaps and are what gets stolen. Every worker computes the same order, as xdist requires."""
    browser = [item for item in items if item.get_closest_marker("e2e")]
    rest = [item for item in items if not item.get_closest_marker("e2e")]
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for worker in range(workers):
        size = remaining // (workers - worker)
        remaining -= size
        share = browser[worker::workers]
        take = max(0, size - len(share))
        ordered += share + rest[:take]
        del rest[:take]
    return ordered + rest


def _schema_digest() -> str:
    h = hashlib.sha256()
    sources = [
        *PROJECT_ROOT.glob("alembic/versions/*.py"),
        *PROJECT_ROOT.glob("alembic/sql/*.sql"),
        PROJECT_ROOT / "alembic" / "env.py",
        PROJECT_ROOT / "core" / "schema.py",
        PROJECT_ROOT / "tests" / "helpers.py",  # make_actors fills the actors template
    ]
    for path in sorted(sources):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:12]


@pytest.fixture(scope="session", autouse=True)
def cheapest_password_hashes() -> Iterator[None]:
    """The tests hash passwords with argon2's cheapest parameters. At the app's (0.16 s of CPU a hash or a check)
    the suite spent over a minute of its two cores on them; what it proves is who may sign in and when, which no
    parameter changes. The app's own parameters are read in a process of their own (tests/integration/test_users.py).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_hasher", PasswordHasher.from_parameters(CHEAPEST))
        yield


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield normalize_url(url)
        return
    pgdata = Path(os.environ.get("CARBON_TEST_PGDATA", Path(tempfile.gettempdir()) / f"carbon-test-pg-{os.getuid()}"))
    server = start_embedded_server(pgdata, cleanup_mode="stop")
    url = server.get_uri("postgres", driver="psycopg")
    _skip_disk_flushes(url)
    yield url
    server.cleanup()


def _skip_disk_flushes(admin_url: str) -> None:
    """The suite's own server keeps nothing worth a power cut: no fsync, so a commit, a clone or a drop never waits
    for the disk. Everything else is as in production: the WAL is written and flushed (to the OS) the same way, and
    a backend killed mid-transaction is recovered from it. Never done to a TEST_DATABASE_URL server."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("ALTER SYSTEM SET fsync = off")
        conn.exec_driver_sql("SELECT pg_reload_conf()")
    admin.dispose()


@pytest.fixture(scope="session")
def template_name(pg_admin_url: str) -> str:
    """The migrated, empty template."""
    return _template(pg_admin_url, f"tmpl_{_schema_digest()}", with_actors=False)


@pytest.fixture(scope="session")
def actors_template_name(pg_admin_url: str) -> str:
    """The migrated template with the standard actors (``tests.helpers.make_actors``)."""
    return _template(pg_admin_url, f"tmpl_{_schema_digest()}_actors", with_actors=True)


def _template(pg_admin_url: str, name: str, with_actors: bool) -> str:
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": TEMPLATE_LOCK})
        try:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                # keep the newest few: a concurrent run on the same server may still be cloning an older one
                stale = conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\\_%' ORDER BY oid DESC OFFSET 8")
                ).scalars()
                for old in list(stale):
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                # a build that failed half-way (a broken migration) must not block the next attempt
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_build" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}_build"')
                build = create_engine(with_database(pg_admin_url, f"{name}_build"))
                migrate(build)
                if with_actors:
                    with make_session_factory(build)() as db:
                        make_actors(db)
                build.dispose()
                # renamed only once complete, so a half-built template is never cloned
                conn.exec_driver_sql(f'ALTER DATABASE "{name}_build" RENAME TO "{name}"')
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": TEMPLATE_LOCK})
    admin.dispose()
    return name


@pytest.fixture(scope="session")
def clone_pools(pg_admin_url: str) -> Iterator[dict[str, ClonePool]]:
    """One pool of clones made ahead per template, created when a test first asks for that template."""
    pools: dict[str, ClonePool] = {}
    yield pools
    for pool in pools.values():
        pool.close()


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, pg_admin_url: str, template_name: str, clone_pools: dict[str, ClonePool]
) -> Iterator[str]:
    """A fresh, migrated database for one test; with the standard actors in it when the test uses ``actors``."""
    template = request.getfixturevalue("actors_template_name") if "actors" in request.fixturenames else template_name
    if template not in clone_pools:
        clone_pools[template] = ClonePool(pg_admin_url, template)
    with clone_pools[template].database() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = create_engine(database_url, pool_size=10, max_overflow=20)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def actors(db: Session) -> Actors:
    """An admin, an analyst, and a trader with their firm (already in the cloned database)."""
    return load_actors(db)


@pytest.fixture
def restartable() -> Iterator[RestartableDatabase]:
    """A PostgreSQL of this test's own, to stop and start again under the app or a worker (tests/restartable.py)."""
    with restartable_database() as database:
        yield database
