"""Policies run by real worker processes (``python -m core.worker``): two workers never run a policy twice at
once, and a worker killed with SIGKILL in the middle of a run leaves nothing partial; the next tick picks up."""

from itertools import pairwise

from sqlalchemy import text

from tests.helpers import snapshot
from tests.policy_helpers import fund_market, healthy, policy, resting
from tests.worker_helpers import SNAPSHOT_TABLES, WORKER_TABLE_PREFIX, start_worker, stop, wait_until

HOOK_LOCK = 7_300_778


def _runs(db) -> list[tuple[str, float]]:
    rows = db.execute(
        text("SELECT action, extract(epoch FROM created_at)::float FROM liquidity_policy_runs ORDER BY id")
    ).all()
    db.rollback()
    return [(action, at) for action, at in rows]


def _registered(db) -> int:
    count = db.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
    db.rollback()
    return count


# each look at pg_locks / pg_stat_activity in its own transaction: within one, PostgreSQL shows a frozen snapshot
def _waiting_on_hook(engine) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.objid = :k AND NOT l.granted AND a.datname = current_database()"
            ),
            {"k": HOOK_LOCK},
        ).scalar()


def _backend_alive(engine, pid: int) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :p"), {"p": pid}).first() is not None


def _business(db) -> dict:
    """Every table but those the workers write all the time (procrastinate's, the market-quality snapshots)."""
    return {
        table: rows
        for table, rows in snapshot(db).items()
        if not table.startswith(WORKER_TABLE_PREFIX) and table not in SNAPSHOT_TABLES
    }


def test_two_workers_keep_a_policy_quoted_once_and_never_run_it_twice_at_once(db, actors, database_url, tmp_path):
    fund_market(db, actors)
    cea = policy(db, actors, interval_seconds=5)
    workers = [start_worker(database_url, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        wait_until(lambda: len(_runs(db)) >= 2, 40, "two runs happened")
    finally:
        for w in workers:
            stop(w)

    runs = _runs(db)
    assert [action for action, _ in runs[:2]] == ["placed", "none"]
    assert all(later - earlier >= 4 for (_, earlier), (_, later) in pairwise(runs)), runs
    assert len(resting(db, cea.id)) == 12
    assert healthy(db)


def test_a_worker_killed_mid_run_leaves_nothing_partial_and_the_next_tick_picks_up(
    db, actors, database_url, engine, tmp_path
):
    fund_market(db, actors)
    first = start_worker(database_url, tmp_path / "first.log")
    wait_until(lambda: _registered(db) == 1, 30, "the first worker registers")
    with engine.connect() as holder:
        # a test-only hook: the run's first order insert waits for a lock this test holds
        holder.exec_driver_sql(
            f"""
            CREATE FUNCTION fault_hook() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_advisory_xact_lock({HOOK_LOCK}); RETURN NULL; END $$;
            CREATE TRIGGER fault_hook AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fault_hook();
            SELECT pg_advisory_lock({HOOK_LOCK});
            """
        )
        holder.commit()
        before = _business(db)
        cea = policy(db, actors, interval_seconds=5)
        frozen = wait_until(lambda: _waiting_on_hook(engine), 30, "a run reaches the hook, its orders half inserted")

        first.kill()  # SIGKILL: no cleanup of any kind
        first.wait()
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": HOOK_LOCK})
        holder.commit()
        wait_until(lambda: not _backend_alive(engine, frozen), 30, "the killed run's backend ends")
        holder.exec_driver_sql("DROP TRIGGER fault_hook ON orders; DROP FUNCTION fault_hook()")
        holder.commit()

    after_kill = _business(db)
    saved_policy = {"liquidity_policies", "ticket_logs"}  # the policy was saved after the snapshot
    assert {t: r for t, r in after_kill.items() if t not in saved_policy} == {
        t: r for t, r in before.items() if t not in saved_policy
    }
    assert _runs(db) == [] and resting(db, cea.id) == []

    second = start_worker(database_url, tmp_path / "second.log")
    try:
        wait_until(lambda: _runs(db), 40, "the next tick runs the policy")
    finally:
        stop(second)

    assert _runs(db)[0][0] == "placed"
    assert len(resting(db, cea.id)) == 12
    killed = db.execute(text("SELECT status FROM procrastinate_jobs WHERE task_name = 'run_liquidity_policy'")).all()
    assert ("failed",) in [tuple(r) for r in killed]  # the killed job, marked failed once its worker went silent
    assert healthy(db)
