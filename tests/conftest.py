"""Real PostgreSQL for the suite: one server, one migrated template, a fresh database per test.

The server is ``TEST_DATABASE_URL`` (a role that may CREATE DATABASE) or an embedded one whose data
stays under the temp dir between runs. The template's name carries a digest of alembic/ and sql/, so a
changed migration rebuilds it; cloning it takes ~0.15 s.
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.db import PROJECT_ROOT, make_session_factory, migrate, normalize_url, start_embedded_server, with_database
from tests.helpers import Actors, cloned_database, make_actors

TEMPLATE_LOCK = 7_300_001
E2E_DIR = Path(__file__).parent / "e2e"  # advisory lock id: one xdist worker builds the template, the others wait


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests carry the ``e2e`` marker (``pytest -m "not e2e"`` skips them)."""
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _schema_digest() -> str:
    h = hashlib.sha256()
    for path in sorted([*PROJECT_ROOT.glob("alembic/versions/*.py"), *PROJECT_ROOT.glob("sql/*.sql")]):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:12]


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield normalize_url(url)
        return
    pgdata = Path(os.environ.get("CARBON_TEST_PGDATA", Path(tempfile.gettempdir()) / f"carbon-test-pg-{os.getuid()}"))
    server = start_embedded_server(pgdata, cleanup_mode="stop")
    yield server.get_uri("postgres", driver="psycopg")
    server.cleanup()


@pytest.fixture(scope="session")
def template_name(pg_admin_url: str) -> str:
    name = f"tmpl_{_schema_digest()}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": TEMPLATE_LOCK})
        try:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                # keep the newest few: a concurrent run on the same server may still be cloning an older one
                stale = conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\\_%' ORDER BY oid DESC OFFSET 4")
                ).scalars()
                for old in list(stale):
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
                # a build that failed half-way (a broken migration) must not block the next attempt
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_build" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}_build"')
                build = create_engine(with_database(pg_admin_url, f"{name}_build"))
                migrate(build)
                build.dispose()
                # renamed only once complete, so a half-built template is never cloned
                conn.exec_driver_sql(f'ALTER DATABASE "{name}_build" RENAME TO "{name}"')
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": TEMPLATE_LOCK})
    admin.dispose()
    return name


@pytest.fixture
def database_url(pg_admin_url: str, template_name: str) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    with cloned_database(pg_admin_url, template_name) as url:
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
    """An admin, an analyst, and a trader with their firm."""
    return make_actors(db)
