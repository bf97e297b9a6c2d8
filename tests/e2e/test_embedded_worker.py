"""The embedded default as a newcomer runs it: `streamlit run app.py` alone, no DATABASE_URL. The app starts its
embedded PostgreSQL and one job worker beside itself; a saved policy runs with nothing else started; killing the
app stops the worker too."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from core.db import PROJECT_ROOT, make_session_factory, start_embedded_server
from core.liquidity_policies import save_policy
from tests.e2e.conftest import _free_port
from tests.worker_helpers import FAST_WORKER_ENV, wait_until

pytestmark = pytest.mark.e2e


def _worker_of(parent: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"core.worker" in cmdline and str(parent).encode() in cmdline:
                return int(entry.name)
    return None


def _gone(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0]) == "Z"
    except FileNotFoundError:
        return True


def test_streamlit_run_alone_keeps_policies_running_and_its_worker_stops_with_it(page, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(FAST_WORKER_ENV, CARBON_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    log = (tmp_path / "streamlit.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    pgdata = tmp_path / "data" / "pg"
    try:
        wait_until(lambda: _health(port), 60, "streamlit serves")
        page.goto(f"http://127.0.0.1:{port}")  # the first page view starts, migrates and seeds the database
        expect(page.get_by_label("Username")).to_be_visible(timeout=90_000)
        worker = wait_until(lambda: _worker_of(app.pid), 30, "the app starts its worker")

        server = start_embedded_server(pgdata, cleanup_mode=None)
        engine = create_engine(server.get_uri("carbon", driver="psycopg"))
        with make_session_factory(engine)() as db:
            admin = db.execute(text("SELECT id FROM users WHERE username = 'admin'")).scalar_one()
            save_policy(
                db, "EUA", user_id=admin, bid_depth_eur="20000", ask_depth_eur="20000", interval_seconds=5, enabled=True
            )
        with engine.connect() as conn:
            wait_until(
                lambda: (
                    conn.execute(text("SELECT action FROM liquidity_policy_runs")).scalar() == "placed"
                    or conn.rollback()
                ),
                40,
                "the worker beside the app runs the policy",
            )
        engine.dispose()

        app.send_signal(signal.SIGKILL)
        app.wait()
        wait_until(lambda: _gone(worker), 20, "the worker stops with the app")
    finally:
        if app.poll() is None:
            app.kill()
        log.close()
        _stop_postgres(pgdata)


def _first_run(engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT action FROM liquidity_policy_runs ORDER BY id LIMIT 1")).scalar()


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def _stop_postgres(pgdata: Path) -> None:
    """Fast shutdown of the embedded server the killed app left running (its handles were the killed processes)."""
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        os.kill(int(pid_file.read_text().splitlines()[0]), signal.SIGINT)
        deadline = time.monotonic() + 20
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
