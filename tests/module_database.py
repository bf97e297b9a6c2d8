"""One cloned database shared by a whole test module, for tests that only ever prove that nothing changed.

Refusals change nothing, so hundreds of them can share one seeded database; each test still compares every
table before and after its own call.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from core.db import make_session_factory
from tests.helpers import cloned_database


@contextmanager
def cloned_session_factory(pg_admin_url: str, template_name: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a fresh clone of the migrated template, dropped afterwards."""
    with cloned_database(pg_admin_url, template_name, prefix="t_module") as url:
        engine = create_engine(url)
        try:
            yield make_session_factory(engine)
        finally:
            engine.dispose()
