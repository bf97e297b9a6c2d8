"""A PostgreSQL of a test's own that the test stops and starts again under a running app or worker (not the
suite's shared server): a fast shutdown (SIGINT to the postmaster, which disconnects every client), then a start on
the same data directory and socket, so every URL to it stays valid. The ``restartable`` fixture (tests/conftest.py)
gives one."""

import contextlib
import os
import shutil
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine

from core.db import ensure_database, migrate, start_embedded_server


@dataclass
class RestartableDatabase:
    pgdata: Path
    server: object

    def stop(self) -> None:
        pid = int((self.pgdata / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGINT)  # fast shutdown: clients are disconnected, nothing waits for them
        deadline = time.monotonic() + 30
        while True:  # polling until the postmaster is gone
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            assert time.monotonic() < deadline, "PostgreSQL did not stop"
            time.sleep(0.1)

    def start(self) -> None:
        self.server.start()  # the same data directory and socket: the app's URL stays valid

    def migrated_database(self, name: str = "carbon") -> str:
        """A database on this server at head; its URL."""
        ensure_database(self.server.get_uri("postgres", driver="psycopg"), name)
        url = self.server.get_uri(name, driver="psycopg")
        engine = create_engine(url)
        migrate(engine)
        engine.dispose()
        return url


@contextlib.contextmanager
def restartable_database() -> Iterator[RestartableDatabase]:
    # under /tmp with default permissions: the server runs as its own system user when we are root
    pgdata = Path("/tmp") / f"carbon-restart-{uuid.uuid4().hex[:8]}"
    database = RestartableDatabase(pgdata, start_embedded_server(pgdata, cleanup_mode=None))
    try:
        yield database
    finally:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            database.stop()
        shutil.rmtree(pgdata, ignore_errors=True)
