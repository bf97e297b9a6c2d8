"""The job worker as operators run it: ``python -m core.worker`` processes on the database (procrastinate's
tables come from our migrations), stopped by a signal or by the death of the app that started them."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from core.db import PROJECT_ROOT, with_database
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


def test_a_worker_started_before_its_database_is_there_waits_for_it_then_runs(pg_admin_url, template_name, tmp_path):
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = with_database(pg_admin_url, name)
    log = tmp_path / "worker.log"
    worker = start_worker(url, log)  # no such database yet: as when the worker starts before the database's server
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    try:
        wait_until(lambda: log.read_text().count("the database is not reachable") >= 2, 30, "the worker retries")
        assert worker.poll() is None  # it waits: it used to exit with a trace

        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
        engine = create_engine(url)
        wait_until(lambda: _registered_workers(engine) == 1, 30, "the worker registers once the database is there")
        engine.dispose()
    finally:
        code = stop(worker)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    assert code == 0, log.read_text()
    assert f'database "{name}" does not exist' in log.read_text()  # why it waited, said in the driver's words
    assert "Traceback" not in log.read_text()


def _beating_workers(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '2 seconds'")
            ).scalar_one()
    finally:
        engine.dispose()


def test_a_worker_whose_database_server_restarts_runs_again_once_it_is_back(restartable, tmp_path):
    url = restartable.migrated_database()
    log = tmp_path / "worker.log"
    worker = start_worker(url, log)
    try:
        wait_until(lambda: _beating_workers(url) == 1, 30, "the worker registers")

        restartable.stop()
        wait_until(lambda: "the worker stopped with its database" in log.read_text(), 60, "procrastinate stops it")
        restartable.start()

        # procrastinate had stopped it cleanly, and the process ended with status 0: no worker until someone noticed
        wait_until(lambda: _beating_workers(url) == 1, 30, "the same process works again")
        assert worker.poll() is None
    finally:
        code = stop(worker)

    assert code == 0, log.read_text()
