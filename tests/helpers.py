"""Shared test helpers: actors, and a snapshot of every table to prove a refusal changed nothing."""

import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from core.db import with_database
from core.entities import create_entity, get_entity
from core.models import Entity, User
from core.users import create_user, get_user

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Actors:
    admin: User
    analyst: User
    trader: User
    entity: Entity


def make_actors(db: Session) -> Actors:
    admin = create_user(db, "admin", PASSWORD, "ADMIN")
    analyst = create_user(db, "analyst", PASSWORD, "ANALYST")
    entity = create_entity(db, "Trader Firm", admin.id)
    trader = create_user(db, "trader", PASSWORD, "TRADER", entity_id=entity.id)
    return Actors(admin=admin, analyst=analyst, trader=trader, entity=entity)


def load_actors(db: Session) -> Actors:
    """The actors ``make_actors`` created in a database (the actors template holds them)."""
    users = {u.username: u for u in (get_user(db, uid) for uid in _user_ids(db))}
    trader = users["trader"]
    return Actors(
        admin=users["admin"],
        analyst=users["analyst"],
        trader=trader,
        entity=get_entity(db, trader.entity_id, user_id=users["admin"].id),
    )


def _user_ids(db: Session) -> list[int]:
    ids = list(db.execute(text("SELECT id FROM users WHERE username IN ('admin', 'analyst', 'trader')")).scalars())
    db.rollback()
    return ids


@contextmanager
def cloned_database(pg_admin_url: str, template: str, prefix: str = "t") -> Iterator[str]:
    """A new database cloned from ``template`` (~0.15 s), yielded as a URL and dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield with_database(pg_admin_url, name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class ClonePool:
    """Databases cloned ahead of the tests that take them, and dropped behind them. A clone costs ~0.2 s and a drop
    0.02-5 s (it waits for the connections a test left open to end, and for the disk), both mostly waiting: one
    background thread makes the next clone while a test runs and drops each database once its test is over, so a
    test waits for neither. A drop that failed is raised when the pool closes."""

    def __init__(self, pg_admin_url: str, template: str, prefix: str = "t") -> None:
        self._admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
        self._url = pg_admin_url
        self._template = template
        self._prefix = prefix
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"clone-{template}")
        self._next: Future[str] = self._thread.submit(self._clone)
        self._drops: list[Future[None]] = []

    def _clone(self) -> str:
        name = f"{self._prefix}_{uuid.uuid4().hex[:16]}"
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        return name

    def _drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh clone, yielded as a URL and dropped behind the test; the next one starts cloning at once."""
        name = self._next.result()
        self._next = self._thread.submit(self._clone)
        try:
            yield with_database(self._url, name)
        finally:
            self._drops = [drop for drop in self._drops if not drop.done() or drop.exception()]
            self._drops.append(self._thread.submit(self._drop, name))

    def close(self) -> None:
        """Drop the clone made ahead that no test took, once every drop behind the tests is done."""
        try:
            self._drop(self._next.result())
            for drop in self._drops:
                drop.result()
        finally:
            self._thread.shutdown()
            self._admin.dispose()


def snapshot(db: Session) -> dict[str, list[tuple]]:
    """Every row of every table (ordered), to compare before and after a refused call."""
    tables = sorted(
        db.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
        ).scalars()
    )
    # every table in one round trip: a script of SELECTs, read result set by result set
    with db.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute("; ".join(f'SELECT * FROM "{t}" ORDER BY 1' for t in tables))
        result = {}
        for table in tables:
            result[table] = [tuple(r) for r in cursor.fetchall()]
            cursor.nextset()
    db.rollback()
    return result
