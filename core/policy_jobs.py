"""The liquidity policies' jobs: a periodic tick that defers a run of every policy that is due, and the run.

Each run job carries a procrastinate queueing lock and lock per book: at most one run of a book waits in the
queue and at most one runs at a time, whatever the number of workers. (The run's own database locks make two
runs at the same moment end as one effect anyway; the job locks keep workers from queueing up behind them.)
"""

import logging

from procrastinate import exceptions
from procrastinate.utils import sync_to_async

from core.errors import CoreError
from core.jobs import app, sessions, tick_cron
from core.policy_schedule import due_policies, run_due_policy

log = logging.getLogger("carbon.policies")


def policy_lock(certificate_type: str) -> str:
    return f"liquidity-policy-{certificate_type}"


@app.task(name="run_liquidity_policy")
def run_liquidity_policy(certificate_type: str) -> str:
    """One run of the book's policy, acting as the admin who saved it; returns what it did."""
    with sessions()() as db:
        try:
            run = run_due_policy(db, certificate_type)
        except CoreError as exc:  # the database is down, the policy was removed: the next tick tries again
            log.warning("%s policy run refused: %s", certificate_type, exc.message)
            return f"refused: {exc.message}"
    log.info("%s policy run: %s — %s", certificate_type, run.action, run.reason)
    return run.action


def _due() -> list[str]:
    with sessions()() as db:
        return [c.value for c in due_policies(db)]


@app.periodic(cron=tick_cron(), periodic_id="liquidity-policies")
@app.task(name="liquidity_policy_tick", queueing_lock="liquidity_policy_tick")
async def liquidity_policy_tick(timestamp: int) -> list[str]:
    """Defer a run of every due policy; a book whose run is already queued is left alone."""
    deferred = []
    for cert in await sync_to_async(_due):
        lock = policy_lock(cert)
        try:
            await run_liquidity_policy.configure(queueing_lock=lock, lock=lock).defer_async(certificate_type=cert)
        except exceptions.AlreadyEnqueued:
            continue
        deferred.append(cert)
    return deferred
