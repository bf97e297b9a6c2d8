"""The matching engine's job: every worker tick, each book's inbox is drained of orders that wait with nobody to
match them (their submitter crashed after its order was accepted, and no order came to that book since), on the
worker's procrastinate App (core.jobs). While a book's matcher is at work the drain does nothing: that matcher, or
the next, takes the inbox."""

import logging

from sqlalchemy import text

from core.enums import CertificateType
from core.jobs import app, sessions, tick_cron
from core.wording import counted

log = logging.getLogger("carbon.engine")


@app.periodic(cron=tick_cron(), periodic_id="drain-order-inboxes")
@app.task(name="drain_order_inboxes", queueing_lock="drain_order_inboxes")
def drain_order_inboxes(timestamp: int) -> int:
    """Match the waiting orders of every book (``drain_order_inbox``); returns how many were placed."""
    placed = 0
    with sessions()() as db:
        for cert in CertificateType:  # each book in its own transaction
            placed += db.execute(text("SELECT drain_order_inbox(:c)"), {"c": cert.value}).scalar_one()
            db.commit()
    if placed:
        log.warning("matched %s left waiting by clients that went away", counted(placed, "order"))
    return placed
