"""Background jobs: the one procrastinate App, on the app's own database (``DATABASE_URL`` or the embedded server).

Importing this module connects to nothing: the connection is resolved when a worker (or a caller deferring a
job) opens the App. Tasks and periodic tasks live in the modules of ``TASK_MODULES``; a worker imports them all
(``import_paths``), so a new periodic job is one module and one line below.

Workers run with ``python -m core.worker`` (see core/worker.py): as many as you like, on any machine. A worker
killed without warning (SIGKILL, power loss) leaves its job in 'doing'; ``fail_stalled_jobs`` below marks such
jobs failed once their worker has missed its heartbeats, so their locks free up and the next tick runs again.
"""

import logging
from functools import lru_cache
from typing import Any

from procrastinate import App, PsycopgConnector
from procrastinate.jobs import Status
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core.config import get_settings
from core.db import make_engine, make_session_factory, resolve_database_url

log = logging.getLogger("carbon.jobs")

# every module that registers tasks on ``app`` (imported by each worker at start)
TASK_MODULES: tuple[str, ...] = (
    "core.jobs",
    "core.engine_jobs",
    "core.policy_jobs",
    "core.quality_jobs",
    "core.sign_in_jobs",
)


def libpq_url(sqlalchemy_url: str) -> str:
    """The same database as a libpq URL (procrastinate's psycopg pool does not read SQLAlchemy's dialect names)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class AppDatabaseConnector(PsycopgConnector):
    """procrastinate's psycopg connector, pointed at the app's database each time it is opened (so importing
    core.jobs starts no embedded server, and a test that points ``DATABASE_URL`` elsewhere is followed)."""

    def __init__(self) -> None:
        # a connection is waited for 10 s, not psycopg_pool's 30: with the database gone, a job's end could not be
        # recorded, and the worker waited that long before it stopped and could start again (core.worker.serve)
        super().__init__(min_size=1, max_size=4, timeout=10)

    def _resolve(self) -> None:
        self._pool_args["conninfo"] = libpq_url(resolve_database_url())

    async def open_async(self, pool: Any = None) -> None:
        if pool is None:
            self._resolve()
        await super().open_async(pool)

    def get_sync_connector(self) -> Any:
        if self._async_pool is None and self._sync_connector is None:
            self._resolve()
        return super().get_sync_connector()


app = App(
    connector=AppDatabaseConnector(),
    import_paths=TASK_MODULES,
    # successful jobs leave no row behind (a tick every few seconds would grow the table forever);
    # failed ones stay for inspection
    worker_defaults={"delete_jobs": "successful"},
)


@lru_cache(maxsize=4)
def _sessions_for(url: str) -> sessionmaker[Session]:
    return make_session_factory(make_engine(url))


def sessions() -> sessionmaker[Session]:
    """SQLAlchemy sessions on the same database as the jobs, for the tasks' core calls."""
    return _sessions_for(resolve_database_url())


def tick_cron() -> str:
    """procrastinate's cron for the periodic tick: a sixth field of seconds, every ``worker_tick_seconds``."""
    return f"* * * * * */{get_settings().worker_tick_seconds}"


@app.periodic(cron=tick_cron(), periodic_id="fail-stalled-jobs")
@app.task(name="fail_stalled_jobs", queueing_lock="fail_stalled_jobs", pass_context=True)
async def fail_stalled_jobs(context: Any, timestamp: int) -> int:
    """Jobs left in 'doing' by a worker that stopped sending heartbeats (killed, frozen, its machine gone) are
    marked failed: their transaction died with their connection, so nothing of them persists, and their lock
    no longer holds back the next run of the same policy."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=get_settings().worker_stalled_seconds)
    for job in stalled:
        log.warning("job %s (%s) stalled: its worker stopped; marking it failed", job.id, job.task_name)
        await manager.finish_job(job, status=Status.FAILED, delete_job=False)
    return len(stalled)
