"""Worker processes for tests: ``python -m core.worker`` on a test database, with a fast tick and heartbeat."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.db import PROJECT_ROOT

# what workers write all the time on their own, whatever else happens: procrastinate's tables (prefix) and the
# market-quality snapshots with their rollups (core.quality_jobs)
WORKER_TABLE_PREFIX = "procrastinate_"
SNAPSHOT_TABLES = frozenset(
    {"book_snapshots", "market_maker_snapshots", "book_snapshot_rollups", "book_spread_rollups", "market_maker_rollups"}
)

# a tick every second, a heartbeat every second, a worker silent for 3 s counts as gone
FAST_WORKER_ENV = {
    "CARBON_WORKER_TICK_SECONDS": "1",
    "CARBON_WORKER_HEARTBEAT_SECONDS": "1",
    "CARBON_WORKER_STALLED_SECONDS": "3",
}


def start_worker(database_url: str, log: Path, *args: str, **env: str) -> subprocess.Popen:
    """``python -m core.worker`` against ``database_url``, its output in ``log``."""
    environment = {**os.environ, **FAST_WORKER_ENV, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **env}
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "core.worker", "--verbose", *args],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen) -> int:
    """SIGTERM, and SIGKILL if it does not stop within 15 s; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> object:
    """Poll ``condition`` until it returns something truthy (returned) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)
    return result
