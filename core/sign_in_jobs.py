"""The sign-in job: every hour the worker forgets the failure counts of names nobody has failed on for
``CARBON_LOGIN_FAILURES_KEPT_HOURS`` (core.users.prune_login_failures), so names tried once, real or made up,
do not keep a row forever."""

import logging

from core.config import get_settings
from core.jobs import app, sessions
from core.users import prune_login_failures

log = logging.getLogger("carbon.sign_in")
PRUNE_CRON = "23 * * * *"  # hourly, off the hour and off the snapshots' pruning


@app.periodic(cron=PRUNE_CRON, periodic_id="prune-login-failures")
@app.task(name="prune_login_failures", queueing_lock="prune_login_failures")
def prune_login_failure_counts(timestamp: int) -> int:
    """Returns how many names' failure counts were forgotten."""
    with sessions()() as db:
        forgotten = prune_login_failures(db)
    if forgotten:
        log.info(
            "forgot the sign-in failures of %s names (none for %s h)",
            forgotten,
            get_settings().login_failures_kept_hours,
        )
    return forgotten
