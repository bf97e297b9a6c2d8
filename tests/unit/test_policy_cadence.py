"""When an interval policy is next due: on the intervals counted from its save, whenever within them its runs came."""

from datetime import UTC, datetime, timedelta

from core.policy_models import LiquidityPolicy
from core.policy_schedule import next_due_at

SAVED = datetime(2026, 12, 3, 9, 0, 3, 400_000, tzinfo=UTC)


def every(seconds: int) -> LiquidityPolicy:
    return LiquidityPolicy.model_construct(cron=None, interval_seconds=seconds, updated_at=SAVED)


def at(seconds: float) -> datetime:
    return SAVED + timedelta(seconds=seconds)


def test_a_policy_that_never_ran_is_due_when_it_was_saved():
    assert next_due_at(every(60), None) == SAVED


def test_a_run_that_came_a_tick_after_its_time_keeps_the_next_one_on_time():
    # the worker's tick comes every 5 s: the run due at 60 s ran at 64.9 s
    assert next_due_at(every(60), at(64.9)) == at(120)


def test_runs_that_each_came_late_do_not_drift():
    due, ran = [], at(0.05)
    for _ in range(5):
        due.append(next_due_at(every(60), ran))
        ran = due[-1] + timedelta(seconds=4.95)  # each taken by the first tick after its time

    assert due == [at(60), at(120), at(180), at(240), at(300)]


def test_a_run_long_overdue_is_followed_by_the_next_intervals_time_not_one_run_per_interval_missed():
    assert next_due_at(every(60), at(600.2)) == at(660)


def test_a_first_run_that_came_late_is_not_run_again_sooner_than_an_interval_less_a_tick():
    # a worker just starting took the 5 s policy 7.6 s after its save: the grid's 10 s would come 2.4 s later
    assert next_due_at(every(5), at(7.6), tick=timedelta(seconds=1)) == at(15)


def test_an_interval_as_short_as_the_tick_keeps_at_least_half_an_interval_between_runs():
    assert next_due_at(every(5), at(5.3), tick=timedelta(seconds=5)) == at(10)
    assert next_due_at(every(5), at(7.6), tick=timedelta(seconds=5)) == at(15)


def test_a_policy_saved_since_its_last_run_counts_its_new_interval_from_that_run():
    ran = SAVED - timedelta(seconds=20)

    assert next_due_at(every(60), ran) == ran + timedelta(seconds=60)
