"""Two runs of one policy at the same moment, driven step by step: both wait on the locks, then one places and
the other sees it and places nothing. Never double depth."""

import threading
import time

import pytest
from sqlalchemy import text

from core.errors import Conflict, CoreError
from core.liquidity_policies import get_policies, run_policy, save_policy
from core.users import create_user
from tests.helpers import PASSWORD
from tests.policy_helpers import fund_market, healthy, policy, resting


def _waiting_on_locks(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()


@pytest.mark.parametrize("second_admin", [False, True], ids=["same admin", "two admins"])
def test_two_runs_at_the_same_moment_end_as_one_effect(db, actors, engine, session_factory, second_admin):
    fund_market(db, actors)
    cea = policy(db, actors)
    acting = [actors.admin.id, create_user(db, "admin2", PASSWORD, "ADMIN").id if second_admin else actors.admin.id]
    results: list[object] = [None, None]

    def run(i: int) -> None:
        with session_factory() as session:
            try:
                results[i] = run_policy(session, "CEA", user_id=acting[i])
            except CoreError as exc:
                results[i] = exc

    with engine.connect() as holder:
        holder.execute(text("SELECT 1 FROM markets WHERE certificate_type = 'CEA' FOR UPDATE"))  # step 1: hold the book
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks(engine) < 2:  # step 2: both runs are queued on the locks
            assert time.monotonic() < deadline, "the runs never queued on the locks"
            time.sleep(0.05)
        holder.rollback()  # step 3: let them go
    for t in threads:
        t.join(timeout=60)

    assert sorted(r.action for r in results) == ["none", "placed"], results
    assert len(resting(db, cea.id)) == 12
    assert healthy(db)


def test_a_save_that_waited_for_another_admins_save_of_the_same_version_is_refused(db, actors, engine, session_factory):
    shown = policy(db, actors, "EUA")  # both admins' forms were filled from this version
    outcome: list[object] = []

    def save_as_shown() -> None:
        with session_factory() as session:
            try:
                outcome.append(policy_save(session, actors, expected_updated_at=shown.updated_at))
            except CoreError as exc:
                outcome.append(exc)

    with engine.connect() as other:  # step 1: another admin's save, not yet committed, holds the policy row
        other.execute(text("UPDATE liquidity_policies SET bid_depth_eur = 20000, updated_at = clock_timestamp() "
                           "WHERE certificate_type = 'EUA'"))  # fmt: skip
        saver = threading.Thread(target=save_as_shown)
        saver.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks(engine) < 1:  # step 2: this save waits on the row, its version check not yet made
            assert time.monotonic() < deadline, "the save never waited on the policy row"
            time.sleep(0.05)
        other.commit()  # step 3: the other save lands
    saver.join(timeout=60)

    (result,) = outcome
    assert isinstance(result, Conflict), result
    (kept,) = get_policies(db, user_id=actors.admin.id)
    assert (kept.bid_depth_eur, kept.ask_depth_eur) == (20000, 10000)


def policy_save(session, actors, **check: object) -> object:
    return save_policy(session, "EUA", user_id=actors.admin.id, bid_depth_eur="10000", ask_depth_eur="5000", **check)
