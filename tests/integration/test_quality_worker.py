"""The worker snapshots every book on its own: a real ``python -m core.worker`` process on a test database
records snapshots of both books every ``CARBON_SNAPSHOT_SECONDS``, on whole seconds; a job started too late
records nothing."""

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from core.market_quality import market_health
from core.quality_jobs import snapshot_books
from tests.quality_helpers import holder, provider, quote
from tests.worker_helpers import start_worker, stop, wait_until

PERIOD = 2  # seconds between snapshots: a loaded machine starts a job a second late, within one period


def _snapshots(engine) -> list[tuple[str, datetime]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT certificate_type::text, taken_at FROM book_snapshots"))]


def _rounds_of_both_books(engine) -> int:
    taken = _snapshots(engine)
    return min(sum(1 for cert, _ in taken if cert == book) for book in ("CEA", "EUA"))


def test_a_running_worker_snapshots_both_books_every_period_on_its_own(db, actors, database_url, engine, tmp_path):
    lp, ah = provider(db, actors, "LP"), holder(db, actors, "AH")
    quote(db, actors, lp, "EUA", "80.00", 100)
    quote(db, actors, ah, "EUA", "80.40", 100)
    log = tmp_path / "worker.log"
    # the worker may take the period due just before it started (late by less than a period)
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=PERIOD)

    worker = start_worker(database_url, log, CARBON_SNAPSHOT_SECONDS=str(PERIOD))  # a loaded machine starts jobs late
    try:
        wait_until(lambda: _rounds_of_both_books(engine) >= 3, 90, "three rounds of snapshots of both books")
    finally:
        assert stop(worker) == 0, log.read_text()

    taken = _snapshots(engine)
    assert {cert for cert, _ in taken} == {"CEA", "EUA"}
    assert all(at.microsecond == 0 and at.second % PERIOD == 0 and at >= since for _, at in taken)  # due seconds
    health = market_health(db, "EUA", user_id=actors.analyst.id, start=since, end=datetime.now(UTC))
    assert health.snapshots >= 3 and health.two_sided_pct == 100
    assert {q.market_maker_id for q in health.points[0].market_makers} == {lp.id, ah.id}


def test_a_snapshot_job_that_starts_late_records_nothing(database_url, engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    long_ago = int(time.time()) - 120

    assert snapshot_books(long_ago) == 0
    assert snapshot_books(int(time.time())) == 2  # one per book
    assert len(_snapshots(engine)) == 2
