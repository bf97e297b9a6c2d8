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
import subprocess
import sys
import threading

from core.config import get_settings
from core.db import PROJECT_ROOT, is_embedded, make_engine, migrate, resolve_database_url
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


async def _parent_gone(parent_pid: int) -> None:
    """Returns once the process that started this worker is gone (this process is then re-parented)."""
    while os.getppid() == parent_pid:
        await asyncio.sleep(PARENT_POLL_SECONDS)
    log.info("the app (pid %s) is gone: stopping", parent_pid)


async def serve(concurrency: int, parent_pid: int | None = None) -> None:
    """Run the worker until SIGINT/SIGTERM, or until ``parent_pid`` is gone; running jobs finish first."""
    from core.jobs import app

    settings = get_settings()
    async with app.open_async():
        worker = asyncio.create_task(
            app.run_worker_async(
                concurrency=concurrency,
                update_heartbeat_interval=settings.worker_heartbeat_seconds,
                stalled_worker_timeout=settings.worker_stalled_seconds,
            )
        )
        watched = {worker}
        if parent_pid is not None:
            watched.add(asyncio.create_task(_parent_gone(parent_pid)))
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        for task in watched - {worker}:
            task.cancel()
        if not worker.done():
            worker.cancel()  # procrastinate stops gracefully: running jobs end, the worker unregisters
        with contextlib.suppress(asyncio.CancelledError):
            await worker


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
    if (problem := _database_ready()) is not None:
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


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    sys.exit(main())
