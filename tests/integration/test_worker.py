"""The job worker as operators run it: ``python -m core.worker`` processes on the database (procrastinate's
tables come from our migrations), stopped by a signal or by the death of the app that started them."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.db import PROJECT_ROOT
from tests.helpers import cloned_database
from tests.worker_helpers import FAST_WORKER_ENV, start_worker, stop, wait_until


def _registered_workers(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()


def _gone(pid: int) -> bool:
    """Exited (or exited and not yet reaped by whoever adopted it)."""
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_worker_runs_the_periodic_tick_and_stops_cleanly_on_sigterm(database_url, engine, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(database_url, log)
    try:
        wait_until(lambda: _registered_workers(engine) == 1, 30, "the worker registers")
        wait_until(lambda: "fail_stalled_jobs" in log.read_text() and "Success" in log.read_text(), 30, "a tick ran")
    finally:
        code = stop(worker)

    assert code == 0, log.read_text()
    assert _registered_workers(engine) == 0  # it unregistered: a graceful stop


def test_a_worker_beside_the_app_stops_by_itself_when_the_app_is_killed(database_url, engine, tmp_path):
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from core.worker import spawn_beside_app\n"
            "print(spawn_beside_app(sys.argv[1]).pid, flush=True)\n"
            "time.sleep(300)\n",
            database_url,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, **FAST_WORKER_ENV},
        stdout=subprocess.PIPE,
        text=True,
    )
    worker_pid = int(parent.stdout.readline())
    wait_until(lambda: _registered_workers(engine) == 1, 30, "the worker beside the app registers")

    parent.send_signal(signal.SIGKILL)  # no atexit, no cleanup: only the worker's own watch can stop it
    parent.wait()

    wait_until(lambda: _gone(worker_pid), 20, "the worker notices the app is gone and stops")
    assert _registered_workers(engine) == 0


def test_a_worker_refuses_a_database_that_is_not_migrated(pg_admin_url, tmp_path):
    with cloned_database(pg_admin_url, "template0") as empty_url:
        log = tmp_path / "worker.log"
        worker = start_worker(empty_url, log)
        code = worker.wait(timeout=60)

    assert code == 2
    assert "alembic upgrade head" in log.read_text()
