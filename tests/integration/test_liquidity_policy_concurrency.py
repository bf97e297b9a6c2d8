"""Two runs of one policy at the same moment, driven step by step: both wait on the locks, then one places and
the other sees it and places nothing. Never double depth."""

import threading
import time

import pytest
from sqlalchemy import text

from core.errors import CoreError
from core.liquidity_policies import run_policy
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
