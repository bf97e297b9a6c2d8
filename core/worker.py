"""The job worker: ``python -m core.worker`` runs procrastinate's worker for ``core.jobs.app``.

    python -m core.worker                    # against DATABASE_URL, or the embedded server under ./.data/
    python -m core.worker --concurrency 4    # more jobs at once (each policy still runs one at a time)

Run as many as you like, on any machines that reach the database: procrastinate hands each job to one worker,
periodic ticks are deferred once per period whichever workers are up, and a policy's runs hold a lock per
certificate. With the embedded default, the app starts one worker beside itself (``spawn_beside_app``), which
exits when the app's process is gone, even after a hard kill.
"""

import argparse
import asyncio
import atexit
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import psycopg
from procrastinate.exceptions import ConnectorException
from psycopg_pool import PoolTimeout
from sqlalchemy.exc import DBAPIError

from core.config import get_settings
from core.db import PROJECT_ROOT, is_embedded, make_engine, migrate, resolve_database_url
from core.errors import unreachable_reason
from core.schema import head_problems

log = logging.getLogger("carbon.worker")
PARENT_POLL_SECONDS = 1.0


def _database_ready() -> str | None:
    """Why the worker cannot start on this database (None when it can). The embedded database is migrated
    first, as the app does; any other must already be at head."""
    engine = make_engine(resolve_database_url())
    try:
        if is_embedded():
            migrate(engine)
            return None
        return head_problems(engine)
    finally:
        engine.dispose()


def _wait_for_database(parent_pid: int | None) -> str | None:
    """``_database_ready``, tried again every heartbeat while the database cannot be reached (its server still
    starting, as when containers start together, or restarting): the worker waits, saying so, instead of exiting with
    a trace. A database it reaches that is not at head is a problem for an operator, returned at once. The worker
    exits if ``parent_pid`` is gone while it waits (the app that started it stopped)."""
    retry = get_settings().worker_heartbeat_seconds
    while True:
        try:
            return _database_ready()
        except DBAPIError as exc:
            log.warning("the database is not reachable (%s): trying again in %g s", unreachable_reason(exc), retry)
        if parent_pid is not None and os.getppid() != parent_pid:
            log.info("the app (pid %s) is gone: stopping", parent_pid)
            sys.exit(0)
        time.sleep(retry)


async def _parent_gone(parent_pid: int) -> None:
    """Returns once the process that started this worker is gone (this process is then re-parented)."""
    while os.getppid() == parent_pid:
        await asyncio.sleep(PARENT_POLL_SECONDS)
    log.info("the app (pid %s) is gone: stopping", parent_pid)


async def serve(concurrency: int, parent_pid: int | None = None) -> None:
    """Run the worker until SIGINT/SIGTERM, or until ``parent_pid`` is gone; running jobs finish first.

    procrastinate stops a worker whose database goes away (its listener's connection fails), cleanly, and the
    process then ended with status 0: a restart of the database server left policies and snapshots without a
    worker, and a supervisor that restarts only failures did nothing. It is started again here once the database
    is back."""
    from core.jobs import app

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    watchers = {asyncio.create_task(stop.wait())}
    if parent_pid is not None:
        watchers.add(asyncio.create_task(_parent_gone(parent_pid)))
    try:
        while True:
            await _run_until_stopped(app, concurrency, watchers)
            if any(watcher.done() for watcher in watchers):
                return
            log.warning("the worker stopped with its database: starting again once the database is back")
            if not await _database_back(watchers):
                return
    finally:
        for watcher in watchers:
            watcher.cancel()


async def _run_until_stopped(app: Any, concurrency: int, watchers: set[asyncio.Task]) -> None:
    """One run of procrastinate's worker, until it stops by itself or a watcher ends (then it is stopped: running
    jobs end, the worker unregisters)."""
    settings = get_settings()
    try:
        async with app.open_async():
            worker = asyncio.create_task(
                app.run_worker_async(
                    concurrency=concurrency,
                    update_heartbeat_interval=settings.worker_heartbeat_seconds,
                    stalled_worker_timeout=settings.worker_stalled_seconds,
                    install_signal_handlers=False,  # serve's: a stop asked for is told from one by itself
                )
            )
            await asyncio.wait({worker, *watchers}, return_when=asyncio.FIRST_COMPLETED)
            if not worker.done():
                worker.cancel()  # procrastinate stops gracefully: running jobs end, the worker unregisters
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    except (ConnectorException, PoolTimeout, psycopg.OperationalError) as exc:  # lost while starting or stopping
        log.warning("the worker's database went away: %s", unreachable_reason(exc))


async def _database_back(watchers: set[asyncio.Task]) -> bool:
    """Wait, trying every heartbeat, until the database is reachable again; False if a watcher ends first. A
    database back but no longer at head (migrated by a newer release while it was away) stops the worker."""
    retry = get_settings().worker_heartbeat_seconds
    while not any(watcher.done() for watcher in watchers):
        await asyncio.wait(watchers, timeout=retry)
        try:
            problem = await asyncio.to_thread(_database_ready)
        except DBAPIError as exc:
            log.warning("the database is not reachable (%s): trying again in %g s", unreachable_reason(exc), retry)
            continue
        if problem is not None:
            log.error("%s", problem)
            return False
        return not any(watcher.done() for watcher in watchers)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.worker", description="Run the background job worker")
    parser.add_argument("--concurrency", type=int, default=2, help="jobs run at once (default 2: both books)")
    parser.add_argument("--parent-pid", type=int, default=None, help="stop when this process is gone")
    parser.add_argument("--verbose", action="store_true", help="log every job (procrastinate at INFO)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.INFO if args.verbose else logging.WARNING)
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    if (problem := _wait_for_database(args.parent_pid)) is not None:
        print(problem, file=sys.stderr)
        return 2
    log.info("worker started (pid %s, concurrency %s)", os.getpid(), args.concurrency)
    asyncio.run(serve(args.concurrency, args.parent_pid))
    log.info("worker stopped")
    return 0


_beside_app: subprocess.Popen | None = None
_beside_app_lock = threading.Lock()


def spawn_beside_app(database_url: str) -> subprocess.Popen:
    """Start one worker process (``python -m core.worker``) beside this process, once per process.

    The worker gets ``database_url`` (the embedded server this process started) and this process's pid: it
    stops when this process exits (``atexit`` terminates it) and, after a hard kill, by itself, once it sees
    it has been re-parented. Returns the running worker (the same one on every later call while it runs).
    """
    global _beside_app
    with _beside_app_lock:
        if _beside_app is not None and _beside_app.poll() is None:
            return _beside_app
        _beside_app = subprocess.Popen(
            [sys.executable, "-m", "core.worker", "--parent-pid", str(os.getpid())],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        atexit.register(_stop, _beside_app)
        log.info("started the job worker beside the app (pid %s)", _beside_app.pid)
        return _beside_app


def stop_beside_app() -> None:
    """Stop the worker ``spawn_beside_app`` started, if it runs (the app's shutdown)."""
    with _beside_app_lock:
        if _beside_app is not None:
            _stop(_beside_app)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    sys.exit(main())
