"""Which policies the worker's tick runs: due by their interval or their cron (UTC), never while disabled or
paused."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from core.liquidity_policies import pause_liquidity, run_policy
from core.policy_schedule import due_policies, get_policy_statuses, next_due_at, run_due_policy
from core.users import create_user
from tests.helpers import PASSWORD
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


def test_a_stored_cron_that_never_comes_is_never_due_and_keeps_no_other_policy_from_running(db, actors):
    fund_market(db, actors, certs=("CEA", "EUA"))
    policy(db, actors, "CEA", cron="0 9 * * *")
    policy(db, actors, "EUA")
    # as a schedule saved before such schedules were refused: 31 April never comes
    db.execute(text("UPDATE liquidity_policies SET cron = '0 9 31 4 *' WHERE certificate_type = 'CEA'"))
    db.commit()

    due = due_policies(db)
    statuses = {s.policy.certificate_type: s for s in get_policy_statuses(db, user_id=actors.analyst.id)}

    assert due == ["EUA"]
    assert statuses["CEA"].schedule_never_comes and statuses["CEA"].next_due_at is None
    assert not statuses["EUA"].schedule_never_comes and statuses["EUA"].next_due_at is not None


def test_disabled_and_paused_policies_are_never_due(db, actors):
    fund_market(db, actors, certs=("CEA", "EUA"))
    policy(db, actors, "CEA", enabled=False)
    policy(db, actors, "EUA")
    assert due_policies(db) == ["EUA"]

    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")

    assert due_policies(db) == []


def test_a_run_queued_behind_another_does_nothing_once_the_policy_is_no_longer_due(db, actors):
    fund_market(db, actors)
    policy(db, actors, interval_seconds=60)

    first = run_due_policy(db, "CEA")
    queued_behind_it = run_due_policy(db, "CEA")
    forced = run_due_policy(db, "CEA", only_if_due=False)

    assert first.action == "placed" and queued_behind_it is None and forced.action == "none"
    assert db.execute(text("SELECT count(*) FROM liquidity_policy_runs")).scalar_one() == 2


def test_the_worker_acts_as_the_admin_who_saved_the_policy_and_records_why_when_they_no_longer_can(db, actors):
    fund_market(db, actors)
    policy(db, actors)
    create_user(db, "other.admin", PASSWORD, "ADMIN")  # the last active admin can never be switched off
    db.execute(text("UPDATE users SET is_active = false WHERE id = :a"), {"a": actors.admin.id})
    db.commit()

    run = run_due_policy(db, "CEA")

    assert run.action == "skipped" and "admin, who saved this policy, can no longer act" in run.reason
    assert db.execute(text("SELECT count(*) FROM orders")).scalar_one() == 0


def test_a_book_at_a_glance_says_whether_a_job_worker_is_running_to_make_its_scheduled_runs(db, actors):
    fund_market(db, actors)
    policy(db, actors)

    def status():
        (book,) = get_policy_statuses(db, user_id=actors.admin.id)
        return book.worker_running, book.worker_seen_at

    assert status() == (False, None)  # none has run: the card read "due now" and no run came
    db.execute(text("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '10 minutes')"))
    db.commit()
    running, seen = status()
    assert not running and seen is not None  # silent longer than CARBON_WORKER_STALLED_SECONDS: gone
    db.execute(text("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now())"))
    db.commit()
    assert status()[0]
