"""Which policies the worker's tick runs: due by their interval or their cron (UTC), never while disabled or
paused."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from core.liquidity_policies import pause_liquidity, run_policy
from core.policy_schedule import due_policies, next_due_at
from tests.policy_helpers import fund_market, policy


def _backdate_runs(db, seconds: int) -> None:
    db.execute(text("UPDATE liquidity_policy_runs SET created_at = now() - make_interval(secs => :s)"), {"s": seconds})
    db.commit()


def test_a_policy_that_never_ran_is_due_and_then_again_once_its_interval_has_passed(db, actors):
    fund_market(db, actors)
    policy(db, actors, interval_seconds=60)
    assert due_policies(db) == ["CEA"]

    run_policy(db, "CEA", user_id=actors.admin.id)
    assert due_policies(db) == []

    _backdate_runs(db, 61)
    assert due_policies(db) == ["CEA"]


def test_a_cron_policy_is_due_at_its_next_cron_time_after_its_last_run(db, actors):
    fund_market(db, actors)
    cea = policy(db, actors, cron="0 * * * *")  # on the hour
    run_policy(db, "CEA", user_id=actors.admin.id)
    last = datetime.now(UTC)

    due = next_due_at(cea, last)

    assert due > last and due.minute == 0 and due - last <= timedelta(hours=1)
    assert due_policies(db) == []
    _backdate_runs(db, 3601)
    assert due_policies(db) == ["CEA"]


def test_disabled_and_paused_policies_are_never_due(db, actors):
    fund_market(db, actors, certs=("CEA", "EUA"))
    policy(db, actors, "CEA", enabled=False)
    policy(db, actors, "EUA")
    assert due_policies(db) == ["EUA"]

    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")

    assert due_policies(db) == []
