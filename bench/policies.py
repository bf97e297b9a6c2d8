"""Liquidity policy runs at scale, each figure next to a baseline measured on the same server in the same run:

* one run at 100 market makers a side (600 orders on the book): a run that places the full plan, and one that
  refreshes it (withdraws the 600 resting orders, places 600 new), each next to one plain SQL transaction that
  writes the same rows (orders, ledger rows, tickets, the operation and the run; for the refresh also the 600
  order updates, their unlock ledger rows and the withdrawal ticket). Goal: within 2x.
* what one worker sustains over both books: run jobs deferred for CEA and EUA alternately, drained by one
  procrastinate worker (concurrency 2, one run per book at a time), in steady state (nothing to do but check) and
  when every run refreshes its 600 orders (runs back to back, one thread per book, as the worker's two slots).

    python bench/policies.py            # own embedded PostgreSQL in a temp dir (about a minute)
    BENCH_DATABASE_URL=postgresql://… python bench/policies.py   # an empty database you can throw away

The baseline rows go to a scratch entity: its orders rest on the other book (EUA) at €1 and €1,000, far from
any quote, and are withdrawn (untimed) before the next round; its ledger rows throw away ledger consistency
there, which is why the bench wants a throwaway database.
"""

import asyncio
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.server import bench_database
from bench.timing import timed_ms
from core.db import make_session_factory, migrate
from core.liquidity_policies import run_policy, save_policy
from core.liquidity_service import provision_market_makers, withdraw_liquidity

PER_SIDE = 100
RUNS = 9
EUR_PER_MM = Decimal("10000.00")
DRAIN_JOBS = 200
REFRESH_SECONDS = 6

# resting orders of an operation, as a run's are, but far from any quote on the other book (EUA, €1 and €1,000)
BASELINE_ORDERS = """
INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, price, quantity, locked_amount,
                    status, post_only, liquidity_operation_id, liquidity_level)
SELECT 'EUA', CASE WHEN i % 2 = 0 THEN 'BUY' ELSE 'SELL' END::order_side, 'LIMIT', :entity, :admin,
       CASE WHEN i % 2 = 0 THEN 1.00 ELSE 1000.00 END, 178, CASE WHEN i % 2 = 0 THEN 178.00 ELSE 178 END, 'OPEN',
       true, :op, i % 3 + 1
  FROM generate_series(1, :n) i
RETURNING id
"""
BASELINE_WITHDRAWAL = """
UPDATE orders SET status = 'CANCELLED', cancel_reason = 'WITHDRAWAL', locked_amount = 0, updated_at = now()
 WHERE id = ANY(:ids)
"""
BASELINE_LEDGER = """
INSERT INTO asset_transactions (balance_id, entity_id, asset, transaction_type, amount, available_before,
                                available_after, locked_before, locked_after, reference_type, created_by)
SELECT :balance, :entity, 'EUR', CAST(:kind AS transaction_type), 100.00, 1000000.00,
       1000000.00 + CASE :kind WHEN 'LOCK' THEN -100.00 ELSE 100.00 END, 100.00,
       100.00 + CASE :kind WHEN 'LOCK' THEN 100.00 ELSE -100.00 END, 'bench', :admin
  FROM generate_series(1, :n) i
"""
# the same ticket rows: one per order with the same keys as PLACE_LIQUIDITY_ORDER's (and the operation's own)
BASELINE_TICKETS = """
INSERT INTO ticket_logs (action, actor_id, entity_type, entity_id, after_state)
SELECT 'BENCH', :admin, 'order', i,
       jsonb_build_object('liquidity_operation_id', i, 'operation_ticket_id', 'TKT-2026-000001',
                          'market_maker_id', i, 'certificate_type', 'CEA', 'side', 'BUY', 'level', 1,
                          'price', 13.97, 'quantity', 178, 'locked_amount', 2486.66)
  FROM generate_series(1, :n) i
RETURNING ticket_id
"""
BASELINE_OPERATION = """
INSERT INTO liquidity_operations (ticket_id, certificate_type, target_bid_liquidity_eur, target_ask_liquidity_eur,
    actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used, orders_created, reference_price,
    price_source, created_by, policy_id)
VALUES (:ticket, 'EUA', 1000000, 1000000, 0, 0, '[]', '{}', 14, 'default', :admin, NULL)
RETURNING id
"""
BASELINE_RUN = """
INSERT INTO liquidity_policy_runs (policy_id, certificate_type, action, reason, operation_id, placed_orders,
    withdrawn_orders, reference_price, price_source, bid_target_eur, ask_target_eur, bid_resting_before_eur,
    ask_resting_before_eur, bid_resting_eur, ask_resting_eur, acted_by)
VALUES (:policy, 'CEA', 'placed', 'bench baseline', :op, 600, 0, 14, 'default', 1, 1, 0, 0, 0, 0, :admin)
"""


def setup(db: Session) -> tuple[int, int, int]:
    """An admin, 100 liquidity providers, 100 asset holders holding CEA and EUA, a scratch entity for the
    baselines, and a policy per book quoting €1,000,000 a side."""
    admin = db.execute(
        text("INSERT INTO users (username, password_hash, role) VALUES ('bench', '$argon2id$b', 'ADMIN') RETURNING id")
    ).scalar_one()
    entity = db.execute(text("SELECT id FROM create_entity('Bench scratch', :a)"), {"a": admin}).scalar_one()
    balance = db.execute(text("SELECT balance_id_for(NULL, :e, 'EUR')"), {"e": entity}).scalar_one()
    db.commit()
    side_eur = EUR_PER_MM * PER_SIDE
    provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", side_eur * 4, admin, count=PER_SIDE)
    holders = provision_market_makers(
        db, "create_new", "ASSET_HOLDER", PER_SIDE * 100_000, admin, count=PER_SIDE, certificate_type="CEA"
    )
    provision_market_makers(
        db,
        "fund_existing",
        "ASSET_HOLDER",
        PER_SIDE * 100_000,
        admin,
        mm_ids=[m.id for m in holders.market_makers],
        certificate_type="EUA",
    )
    for cert in ("CEA", "EUA"):
        save_policy(
            db, cert, user_id=admin, bid_depth_eur=side_eur, ask_depth_eur=side_eur, interval_seconds=5, enabled=True
        )
    return admin, entity, balance


def baseline(
    db: Session, admin: int, entity: int, balance: int, policy_id: int, refresh: list[int] | None
) -> list[int]:
    """One transaction writing the rows a placing run writes (and, for a refresh, what its withdrawal writes)."""
    params = {"admin": admin, "entity": entity, "balance": balance}
    if refresh:
        db.execute(text(BASELINE_WITHDRAWAL), {"ids": refresh})
        db.execute(text(BASELINE_LEDGER), {**params, "kind": "UNLOCK", "n": PER_SIDE * 2})
        db.execute(text(BASELINE_TICKETS), {**params, "n": 1})
    tickets = list(db.execute(text(BASELINE_TICKETS), {**params, "n": PER_SIDE * 6 + 1}).scalars())
    op = db.execute(text(BASELINE_OPERATION), {**params, "ticket": tickets[0]}).scalar_one()
    ids = list(db.execute(text(BASELINE_ORDERS), {**params, "op": op, "n": PER_SIDE * 6}).scalars())
    db.execute(text(BASELINE_LEDGER), {**params, "kind": "LOCK", "n": PER_SIDE * 2})
    db.execute(text(BASELINE_RUN), {**params, "policy": policy_id, "op": op})
    db.commit()
    return ids


def age(db: Session) -> None:
    db.execute(text("UPDATE orders SET created_at = now() - interval '2 hours' WHERE status = 'OPEN'"))
    db.commit()


def pair(first_run: bool, run: Callable[[], object], base: Callable[[], object]) -> tuple[float, object, float, object]:
    """A run and its baseline back to back, in the given order (alternated round by round, so neither always
    meets the machine just after the other)."""
    if first_run:
        ms, result = timed_ms(run)
        base_ms, rows = timed_ms(base)
    else:
        base_ms, rows = timed_ms(base)
        ms, result = timed_ms(run)
    return ms, result, base_ms, rows


def one_run(db: Session, admin: int, entity: int, balance: int) -> dict[str, tuple[float, float, float]]:
    """Per kind of run (placing, refreshing on CEA): the median run ms, the median baseline ms, and the median of
    the per-round ratios (each run over the baseline measured next to it: a burst of load elsewhere on the machine
    hits both of a pair alike)."""
    policy_id = db.execute(text("SELECT id FROM liquidity_policies WHERE certificate_type = 'CEA'")).scalar_one()
    db.rollback()
    samples: dict[str, list[tuple[float, float]]] = {"placed": [], "refreshed": []}
    for attempt in range(RUNS + 1):
        first = attempt % 2 == 0
        ms, run, base_ms, placed_rows = pair(
            first,
            lambda: run_policy(db, "CEA", user_id=admin),
            lambda: baseline(db, admin, entity, balance, policy_id, None),
        )
        assert run.action == "placed", run.reason
        age(db)  # untimed: the next run finds every order too old
        r_ms, again, r_base_ms, refreshed_rows = pair(
            first,
            lambda: run_policy(db, "CEA", user_id=admin),
            lambda rows=placed_rows: baseline(db, admin, entity, balance, policy_id, rows),
        )
        assert again.action == "refreshed" and again.placed_orders == PER_SIDE * 6, again.reason
        withdraw_liquidity(db, again.operation_id, admin)  # untimed: the next placing run meets an empty book
        db.execute(text(BASELINE_WITHDRAWAL), {"ids": refreshed_rows})  # and the baseline's orders rest no more
        db.commit()
        if attempt:  # the first round warms caches
            samples["placed"].append((ms, base_ms))
            samples["refreshed"].append((r_ms, r_base_ms))
    med = statistics.median
    return {
        kind: (med(m for m, _ in pairs), med(b for _, b in pairs), med(m / b for m, b in pairs))
        for kind, pairs in samples.items()
    }


def steady_state_runs_per_second(url: str) -> float:
    """Run jobs for both books, alternately, drained by one in-process worker (concurrency 2)."""
    os.environ["DATABASE_URL"] = url  # core.jobs resolves its database (jobs and sessions) from here
    from core.jobs import app
    from core.policy_jobs import policy_lock, run_liquidity_policy

    async def drain() -> float:
        async with app.open_async():
            for i in range(DRAIN_JOBS):
                cert = ("CEA", "EUA")[i % 2]
                job = run_liquidity_policy.configure(lock=policy_lock(cert))
                await job.defer_async(certificate_type=cert, only_if_due=False)
            start = time.perf_counter()
            await app.run_worker_async(concurrency=2, wait=False, install_signal_handlers=False, listen_notify=False)
            return time.perf_counter() - start

    return DRAIN_JOBS / asyncio.run(drain())


def refreshing_runs_per_second(factory, admin: int) -> float:
    """Every run refreshes 600 orders: one thread per book, back to back, as the worker's two slots would."""
    done = [0, 0]
    stop = time.monotonic() + REFRESH_SECONDS

    def book(i: int, cert: str) -> None:
        with factory() as db:
            while time.monotonic() < stop:
                db.execute(  # untimed in spirit: one small UPDATE, so the run finds its orders too old
                    text(
                        "UPDATE orders SET created_at = now() - interval '2 hours' "
                        "WHERE certificate_type = :c AND status = 'OPEN'"
                    ),
                    {"c": cert},
                )
                db.commit()
                run = run_policy(db, cert, user_id=admin)
                assert run.action in ("refreshed", "placed"), run.reason
                done[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=book, args=(i, c)) for i, c in enumerate(("CEA", "EUA"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)


def main() -> None:
    url, _server = bench_database()
    engine = create_engine(url, pool_size=4)
    migrate(engine)
    factory = make_session_factory(engine)
    db = factory()
    print(f"setting up {PER_SIDE} market makers a side and a policy per book …", flush=True)
    admin, entity, balance = setup(db)
    for cert in ("CEA", "EUA"):  # both books quoted: the steady state the worker keeps
        run_policy(db, cert, user_id=admin)
    # the runs measured below start from an empty CEA book each time
    cea_op = db.execute(text("SELECT max(id) FROM liquidity_operations WHERE certificate_type = 'CEA'")).scalar_one()
    db.rollback()
    withdraw_liquidity(db, cea_op, admin)

    print(
        f"\nOne run at {PER_SIDE} market makers a side vs one plain SQL transaction writing the same rows "
        f"(medians of {RUNS}; the ratio is the median of the per-round ratios)\n"
    )
    print(f"{'run':>10} {'orders':>7} {'run ms':>8} {'baseline ms':>12} {'ratio':>7}")
    figures = one_run(db, admin, entity, balance)
    for name, (ms, base, ratio) in figures.items():
        orders = PER_SIDE * 6 * (2 if name == "refreshed" else 1)
        print(f"{name:>10} {orders:7d} {ms:8.1f} {base:12.1f} {ratio:6.2f}x")
    worst = max(ratio for _, _, ratio in figures.values())
    print(f"\ngoal: within 2x of the baseline: {'met' if worst <= 2 else 'NOT met'} (worst {worst:.2f}x)")

    run_policy(db, "CEA", user_id=admin)  # back to both books quoted
    db.close()
    steady = steady_state_runs_per_second(url)
    refreshing = refreshing_runs_per_second(factory, admin)
    placed_ms = figures["placed"][1]
    print(
        f"\nOne worker over both books (concurrency 2), next to the placing baseline's {1000 / placed_ms:.1f} "
        "transactions/s:"
    )
    print(f"  steady state (each run checks, nothing to change): {steady:7.1f} runs/s  ({DRAIN_JOBS} jobs drained)")
    print(
        f"  every run refreshes its 600 orders:                 {refreshing:7.1f} runs/s  "
        f"({refreshing * placed_ms / 1000:.2f}x the baseline's rate)"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
