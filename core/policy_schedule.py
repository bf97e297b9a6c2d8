"""Schedules of the liquidity policies: when each is due (its interval, or its cron in UTC), which are due now for
the worker's tick, the worker's run (acting as the admin who saved the policy), and each book at a glance."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.config import get_settings
from core.enums import CertificateType, Role
from core.errors import NotFound, PermissionDenied
from core.kill_switch import kill_switch_state
from core.liquidity_policies import next_cron_time, policies_now, run_policy
from core.liquidity_service import market_volatility
from core.policy_models import KILL_SWITCH_ACTIONS, LiquidityPolicy, PolicyRun, PolicyStatus
from core.sqlcall import unit_of_work
from core.validation import parse_enum

READERS = (Role.ADMIN, Role.ANALYST)


def next_due_at(
    policy: LiquidityPolicy, last_run_at: datetime | None, tick: timedelta | None = None
) -> datetime | None:
    """When the policy's next run is due: the next cron time (UTC) after its last run (or its last save), else the
    next of its intervals counted from its last save (at once if it never ran). None for a cron that never comes (a
    day no month it names has, saved before such schedules were refused): never due, and never in the way of the
    others.

    Intervals are counted from the save, not from each run: the worker's ``tick`` (its setting by default) comes
    every few seconds, and counted from the run, every run came that much after its time (a 60 s policy ran every
    65 s). But a run is never followed sooner than an interval less a tick (at most half an interval): after a run
    that came late (the worker was down, or just starting) the next time on the grid is skipped if it is nearer
    than that, so a 5 s policy first run 7.6 s after its save is not run again 2.4 s later."""
    if policy.cron:
        return next_cron_time(policy.cron, last_run_at or policy.updated_at)
    if last_run_at is None:
        return policy.updated_at
    every = timedelta(seconds=policy.interval_seconds)
    if last_run_at < policy.updated_at:  # saved since its last run: the new interval counts from that run
        return last_run_at + every
    tick = timedelta(seconds=get_settings().worker_tick_seconds) if tick is None else tick
    earliest = last_run_at + every - min(tick, every / 2)
    return policy.updated_at + every * -((policy.updated_at - earliest) // every)


def _last_runs(db: Session) -> dict[int, tuple[PolicyRun, datetime | None]]:
    """Each policy's newest run, with when its newest run of its own was: what its schedule counts from (the kill
    switch's records of what it withdrew and of the resume are no runs of the policy: after a resume the policy runs
    when it would have). One read: the card's last run and its next run were read by two."""
    rows = db.execute(
        text(
            "SELECT r.*, (SELECT o.created_at FROM liquidity_policy_runs o WHERE o.policy_id = p.id "
            "AND o.action <> ALL (:switch) ORDER BY o.id DESC LIMIT 1) AS scheduled_from "
            "FROM liquidity_policies p CROSS JOIN LATERAL (SELECT * FROM liquidity_policy_runs r "
            "WHERE r.policy_id = p.id ORDER BY r.id DESC LIMIT 1) r"
        ),
        {"switch": list(KILL_SWITCH_ACTIONS)},
    ).mappings()
    return {r["policy_id"]: (PolicyRun.model_validate(r), r["scheduled_from"]) for r in rows}


def due_policies(db: Session) -> list[CertificateType]:
    """The books whose enabled policy is due now (none while liquidity is paused): for the worker's tick."""
    with unit_of_work(db):
        if kill_switch_state(db).paused:
            return []
        now = db.execute(text("SELECT clock_timestamp()")).scalar_one()
        last = _last_runs(db)
        return [
            p.certificate_type
            for p in policies_now(db)
            if p.enabled and (due := next_due_at(p, last[p.id][1] if p.id in last else None)) is not None and due <= now
        ]


def run_due_policy(db: Session, certificate_type: object, only_if_due: bool = True) -> PolicyRun | None:
    """The worker's run: acting as the admin who saved the policy last. If they can no longer act (deactivated,
    no longer an admin), the run is recorded as skipped with that reason.

    ``only_if_due``: None, and nothing recorded, when the policy is no longer due (a run queued by one worker's
    tick while another's was running: the lock let it start only once that run was recorded)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    if only_if_due and cert not in due_policies(db):
        return None
    with unit_of_work(db):
        policies = policies_now(db, cert)
    if not policies:
        raise NotFound(f"There is no {cert} liquidity policy")
    policy = policies[0]
    try:
        return run_policy(db, cert, user_id=policy.updated_by)
    except PermissionDenied as exc:
        reason = (
            f"Not run: {policy.updated_by_username}, who saved this policy, can no longer act ({exc.message}). "
            "An active admin must save it again."
        )
        with unit_of_work(db):
            row = db.execute(
                text(
                    "SELECT * FROM record_policy_run(:p, 'skipped', :why, NULL, 0, 0, NULL, NULL, 1, NULL, NULL, NULL, "
                    "NULL)"
                ),
                {"p": policy.id, "why": reason},
            ).mappings()
            return PolicyRun.model_validate(row.one())


def get_policy_statuses(db: Session, *, user_id: int) -> list[PolicyStatus]:
    """Each book's policy at a glance (admins and analysts): targets, what rests now, the last run and its reason,
    when the next run is due, the volatility and spread multiplier the next placement would use, and whether a job
    worker is running to make that run (the card read "due now" for as long as none was)."""
    with unit_of_work(db):
        require_role(db, user_id, READERS, "view liquidity policies")
        paused = kill_switch_state(db).paused
        last = _last_runs(db)
        resting = {
            (r["policy_id"], r["side"]): r
            for r in db.execute(
                text(
                    "SELECT policy_id, side, sum(resting_eur) AS eur, count(*) AS orders "
                    "FROM liquidity_policy_orders GROUP BY policy_id, side"
                )
            ).mappings()
        }
        seen, now = db.execute(text("SELECT max(last_heartbeat), clock_timestamp() FROM procrastinate_workers")).one()
        running = seen is not None and now - seen <= timedelta(seconds=get_settings().worker_stalled_seconds)
        statuses = []
        for p in policies_now(db):
            sigma, multiplier = market_volatility(db, p.certificate_type)
            bid, ask = resting.get((p.id, "BUY")), resting.get((p.id, "SELL"))
            run, scheduled_from = last.get(p.id, (None, None))
            statuses.append(
                PolicyStatus(
                    policy=p,
                    bid_resting_eur=bid["eur"] if bid else Decimal(0),
                    ask_resting_eur=ask["eur"] if ask else Decimal(0),
                    resting_orders=(bid["orders"] if bid else 0) + (ask["orders"] if ask else 0),
                    last_run=run,
                    next_due_at=None if paused or not p.enabled else next_due_at(p, scheduled_from),
                    schedule_never_comes=bool(p.cron) and next_cron_time(p.cron, datetime.now(UTC)) is None,
                    volatility=sigma,
                    spread_multiplier=multiplier if p.dynamic_spread else Decimal(1),
                    worker_running=running,
                    worker_seen_at=seen,
                )
            )
        return statuses
