"""Sessions driven in lock-step, as PostgreSQL's isolation tester drives its specs: each session is its own
connection; a step that must wait is started in the background and seen waiting on a lock before the next step
runs, so an interleaving is reproduced exactly instead of hoped for by a thread storm."""

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from time import monotonic, sleep
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

STEP_SECONDS = 20  # a step that should not wait, or a waiting step once released, finishes well within this


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL of a test database as a plain libpq URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Session:
    """One connection (autocommit: BEGIN / COMMIT are steps like any other) and the thread that runs its steps."""

    def __init__(self, url: str, name: str) -> None:
        self.name = name
        self.conn = psycopg.connect(libpq_url(url), autocommit=True)
        self.pid = self.conn.info.backend_pid
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def start(self, sql: str, params: tuple | list | None = None) -> Future:
        """Run a step in the background (it may wait on a lock); its result is the first row, if any."""
        return self._worker.submit(self._execute, sql, params)

    def run(self, sql: str, params: tuple | list | None = None) -> Any:
        """Run a step that must not wait: its first row (or None), within STEP_SECONDS."""
        return self.start(sql, params).result(timeout=STEP_SECONDS)

    def _execute(self, sql: str, params: tuple | list | None) -> Any:
        cursor = self.conn.execute(sql, params)
        return cursor.fetchone() if cursor.description else None

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self.conn.close()


class Observer:
    """A connection that watches the others: which of them waits on a lock."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(libpq_url(url), autocommit=True)

    def wait_event(self, session: Session) -> tuple[str | None, str | None]:
        row = self.conn.execute(
            "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s", (session.pid,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def until_waiting(self, session: Session, step: Future) -> str:
        """Block until ``session``'s step waits on a lock (failing if it finishes instead); the lock it waits on."""
        deadline = monotonic() + STEP_SECONDS
        while True:
            kind, event = self.wait_event(session)
            if kind == "Lock":
                return event or ""
            assert not step.done(), f"{session.name} finished without waiting: {step.result()!r}"
            assert monotonic() < deadline, f"{session.name} never waited on a lock"
            sleep(0.01)

    def close(self) -> None:
        self.conn.close()


@contextmanager
def sessions(url: str, *names: str) -> Iterator[tuple[Observer, ...]]:
    """An observer and one session per name; all closed afterwards (a session still in a transaction rolls back)."""
    observer = Observer(url)
    opened = [Session(url, name) for name in names]
    try:
        yield (observer, *opened)
    finally:
        for s in opened:
            if not s.conn.closed:
                s.close()
        observer.close()
