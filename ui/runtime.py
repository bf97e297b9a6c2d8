"""The database behind the UI: started, migrated and (embedded only) seeded once per process; and, with
``DATABASE_READ_URL`` set, the read replica that the analysts' pages (Operations, Market Quality) read through.

``db_session()`` is for everything that writes (and for every page that does not read through the replica);
``read_session()`` is for reads only, and is the primary database itself when no replica is configured.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.db import (
    embedded_url,
    is_embedded,
    make_engine,
    make_session_factory,
    migrate,
    normalize_url,
)
from core.errors import DatabaseUnavailable
from core.limits import notes_max_length
from core.schema import SchemaDriftError, head_problems
from core.seed import database_is_empty, seed_demo_data
from core.worker import spawn_beside_app


@st.cache_resource(show_spinner=False)  # the served app prepares it at start (ui/serving.py), before any page
def _session_factory(database_url: str | None) -> sessionmaker[Session]:
    if database_url is None:
        url = embedded_url()
        engine = make_engine(url)
        try:
            migrate(engine)
        except SchemaDriftError as exc:
            raise DatabaseUnavailable(str(exc)) from None
        factory = make_session_factory(engine)
        with factory() as db:
            if database_is_empty(db):
                passwords = seed_demo_data(db)
                lines = "\n".join(f"    {user:8} {password}" for user, password in passwords.items())
                print(f"\nDemo data loaded. Sign in with (shown once, not stored):\n{lines}\n", flush=True)
        # the embedded default runs its own job worker (liquidity policies), stopped with this process;
        # with DATABASE_URL, operators run `python -m core.worker` themselves, as many as they like
        spawn_beside_app(url)
        return factory
    engine = make_engine(normalize_url(database_url))
    if (problem := head_problems(engine)) is not None:
        engine.dispose()
        raise DatabaseUnavailable(problem)
    return make_session_factory(engine)


# a resource, not data: an int needs no copy per caller, and app.py's launcher imports this module before the
# runtime exists, where a cache_data decoration logs "No runtime found" on the console of every start
@st.cache_resource(ttl="1h", show_spinner=False)
def notes_limit() -> int:
    """The longest note or reason a form accepts (SQL's ``notes_max_length()``, which the tables enforce)."""
    with db_session() as db:
        return notes_max_length(db)


def notes_help() -> str:
    """A notes field's help: its limit, said before anything is typed. Not ``max_chars``: Streamlit ignores a change
    past it, so a longer paste would vanish whole and say nothing; core refuses it, saying how long it may be, and
    the text stays to be shortened."""
    return f"At most {notes_limit():,} characters"


def session_factory() -> sessionmaker[Session]:
    return _session_factory(None if is_embedded() else os.environ["DATABASE_URL"])


@contextmanager
def db_session() -> Iterator[Session]:
    """A session for one script run; closed (and rolled back if need be) afterwards."""
    session = session_factory()()
    try:
        yield session
    finally:
        session.close()


READ_URL_VARIABLE = "DATABASE_READ_URL"


@st.cache_resource(show_spinner="Connecting to the read replica…")
def _read_session_factory(read_url: str) -> sessionmaker[Session]:
    """Sessions on the replica: its schema must be at head like the primary's (a replica that lags behind a
    migration is refused, not misread); every transaction is read-only, so no write can ever land there."""
    engine = make_engine(normalize_url(read_url))
    if (problem := head_problems(engine)) is not None:
        engine.dispose()
        raise DatabaseUnavailable(f"The read replica is not usable: {problem}")
    return make_session_factory(engine.execution_options(postgresql_readonly=True))


def read_session_factory() -> sessionmaker[Session]:
    """The replica's sessions when ``DATABASE_READ_URL`` is set, otherwise the primary's."""
    read_url = os.environ.get(READ_URL_VARIABLE)
    if not read_url:
        return session_factory()
    session_factory()  # the primary first: migrated (embedded) and checked before anything reads
    return _read_session_factory(read_url)


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only session for one script run, on the replica when one is configured."""
    session = read_session_factory()()
    try:
        yield session
    finally:
        session.close()
