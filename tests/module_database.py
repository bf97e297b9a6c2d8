"""One cloned database shared by a whole test module, for tests that only ever prove that nothing changed.

Refusals change nothing, so hundreds of them can share one seeded database; each test still compares every
table before and after its own call.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core.db import make_session_factory


@contextmanager
def cloned_database(pg_admin_url: str, template_name: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a fresh clone of the migrated template, dropped afterwards."""
    name = f"t_module_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    engine = create_engine(make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False))
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
