"""The market-quality jobs: a snapshot of every book every ``CARBON_SNAPSHOT_SECONDS``, and an hourly pruning of
snapshots older than ``CARBON_SNAPSHOT_RETENTION_DAYS``, on the worker's procrastinate App (core.jobs).

procrastinate defers each periodic job once per period whichever workers run, and stamps it with the second it
was due: the snapshots are stamped with that second, so they fall on an even grid. A job that starts late (the
workers were busy or down) records nothing rather than the book of another moment.
"""

import logging
from datetime import UTC, datetime

from core.config import get_settings
from core.enums import CertificateType
from core.errors import Conflict, CoreError
from core.jobs import app, sessions
from core.market_quality import prune_snapshots, take_snapshot

log = logging.getLogger("carbon.quality")
# past this many periods, a snapshot job is too late to say what the book looked like at its time
LATE_AFTER_PERIODS = 1
PRUNE_CRON = "17 * * * *"  # hourly, off the hour


def snapshot_cron(seconds: int) -> str:
    """procrastinate's cron for a snapshot every ``seconds`` (a divisor of the minute, or whole minutes that
    divide the hour: the settings refuse anything else)."""
    if seconds < 60:
        return f"* * * * * */{seconds}"
    return f"*/{seconds // 60} * * * *"


@app.periodic(cron=snapshot_cron(get_settings().snapshot_seconds), periodic_id="book-snapshots")
@app.task(name="snapshot_books", queueing_lock="snapshot_books")
def snapshot_books(timestamp: int) -> int:
    """One snapshot of every book, stamped with the moment the job was due; returns how many were recorded."""
    due = datetime.fromtimestamp(timestamp, UTC)
    late = (datetime.now(UTC) - due).total_seconds()
    if late > LATE_AFTER_PERIODS * get_settings().snapshot_seconds:
        log.warning("snapshot due at %s started %.0f s late: skipped", due.isoformat(), late)
        return 0
    taken = 0
    with sessions()() as db:
        for cert in CertificateType:  # each book in its own transaction: one failing does not lose the other
            try:
                take_snapshot(db, cert, at=due)
            except Conflict:  # already taken for this moment (a retried job): nothing to add
                continue
            except CoreError as exc:
                log.warning("%s snapshot at %s refused: %s", cert, due.isoformat(), exc.message)
                continue
            taken += 1
    return taken


@app.periodic(cron=PRUNE_CRON, periodic_id="prune-book-snapshots")
@app.task(name="prune_book_snapshots", queueing_lock="prune_book_snapshots")
def prune_book_snapshots(timestamp: int) -> int:
    """Forget the snapshots older than the retention (whole UTC days); returns how many book snapshots went."""
    with sessions()() as db:
        deleted = prune_snapshots(db)
    if deleted:
        log.info("pruned %s book snapshots older than %s days", deleted, get_settings().snapshot_retention_days)
    return deleted
