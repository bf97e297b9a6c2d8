"""Create Liquidity at scale: ``create_liquidity`` with 2, 10 and 100 market makers per side, timed next to one
plain SQL transaction that inserts the same number of order rows and ledger rows, in the same run.

    python bench/liquidity.py            # own embedded PostgreSQL in a temp dir (about half a minute)
    BENCH_DATABASE_URL=postgresql://… python bench/liquidity.py   # an empty database you can throw away

Goal (issue 13): at 100 market makers per side within 1.5x of the baseline (and far under the design's 5 s).
Each figure is the median of several runs, creation and baseline interleaved; between runs the operation is
withdrawn (not timed), so every run meets the same book and balances. The baseline's rows are written to the
other book (EUA) and to a scratch entity: it throws away ledger consistency there, which is why it wants a
throwaway database. A second baseline, for reference, writes every row a creation writes: the orders and the LOCK
ledger rows, and also a ticket per order (PLACE_LIQUIDITY_ORDER) and the update of each locked balance row.
"""

import os
import statistics
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# every run is a creation by the same admin: lift the per-minute limit for the bench only
os.environ.setdefault("CARBON_LIQUIDITY_RATE_LIMIT_PER_MINUTE", "100000")

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.server import bench_database
from bench.timing import timed_ms
from core.db import make_session_factory, migrate
from core.liquidity_service import create_liquidity, provision_market_makers, withdraw_liquidity
from core.market_makers import deactivate_market_maker

SIZES = (2, 10, 100)
GOAL = 1.5
RUNS = 9
LEVELS = 3
EUR_PER_MM = Decimal("10000.00")  # each market maker's share of a side

BASELINE = """
INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, price, quantity, locked_amount,
                    status, post_only, liquidity_level)
SELECT 'EUA', CASE WHEN i % 2 = 0 THEN 'BUY' ELSE 'SELL' END::order_side, 'LIMIT', :entity, :admin,
       CASE WHEN i % 2 = 0 THEN 10.00 ELSE 90.00 END, 10, CASE WHEN i % 2 = 0 THEN 100.00 ELSE 10 END,
       'OPEN', true, i % 3 + 1
FROM generate_series(1, :orders) i;
"""
BASELINE_LEDGER = """
INSERT INTO asset_transactions (balance_id, entity_id, asset, transaction_type, amount, available_before,
                                available_after, locked_before, locked_after, reference_type, created_by)
SELECT :balance, :entity, 'EUR', 'LOCK', 100.00, 1000000.00, 999900.00, 0, 100.00, 'bench', :admin
FROM generate_series(1, :rows) i;
"""


# what a creation writes beyond the baseline: a ticket per order, and each locked balance row updated
BASELINE_TICKETS = """
INSERT INTO ticket_logs (action, actor_id, entity_type, entity_id, before_state, after_state)
SELECT 'BENCH_LIQUIDITY_ORDER', :admin, 'order', i, NULL,
       jsonb_build_object('liquidity_operation_id', 1, 'operation_ticket_id', 'TKT-BENCH', 'market_maker_id', i,
                          'certificate_type', 'EUA', 'side', 'BUY', 'level', i % 3 + 1, 'price', 10.00,
                          'quantity', 10, 'locked_amount', 100.00)
FROM generate_series(1, :orders) i;
"""
BASELINE_BALANCES = """
UPDATE balances SET updated_at = now() WHERE id IN (SELECT id FROM balances ORDER BY id LIMIT :rows);
"""


def setup(db: Session) -> tuple[int, int, int]:
    """An admin, and a scratch entity with a balance row for the baseline's rows."""
    admin = db.execute(
        text(
            "INSERT INTO users (username, password_hash, role) "
            "VALUES ('bench', '$argon2id$bench', 'ADMIN') RETURNING id"
        )
    ).scalar_one()
    entity = db.execute(text("SELECT id FROM create_entity('Bench scratch', :a)"), {"a": admin}).scalar_one()
    balance = db.execute(text("SELECT balance_id_for(NULL, :e, 'EUR')"), {"e": entity}).scalar_one()
    db.commit()
    return admin, entity, balance


def bench_size(db: Session, admin: int, entity: int, balance: int, per_side: int) -> tuple[float, float, int]:
    side_eur = EUR_PER_MM * per_side
    lps = provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", side_eur * 2, admin, count=per_side)
    ahs = provision_market_makers(
        db, "create_new", "ASSET_HOLDER", per_side * 10_000, admin, count=per_side, certificate_type="CEA"
    )

    orders = per_side * 2 * LEVELS
    ledger_rows = per_side * 2  # one LOCK row per balance row

    def create() -> object:
        return create_liquidity(db, "CEA", side_eur, side_eur, admin)

    def baseline(every_row: bool = False) -> None:
        params = {"entity": entity, "admin": admin, "balance": balance}
        db.execute(text(BASELINE), {**params, "orders": orders})
        db.execute(text(BASELINE_LEDGER), {**params, "rows": ledger_rows})
        if every_row:
            db.execute(text(BASELINE_TICKETS), {**params, "orders": orders + 1})
            db.execute(text(BASELINE_BALANCES), {"rows": ledger_rows})
        db.commit()

    # interleaved, one warm-up each: a burst of load elsewhere on the machine hits both sides alike
    created, plain, full = [], [], []
    for run in range(RUNS + 1):
        ms, op = timed_ms(create)
        withdraw_liquidity(db, op.id, admin)  # untimed: every run meets the same book and balances
        base_ms, _ = timed_ms(baseline)
        full_ms, _ = timed_ms(lambda: baseline(every_row=True))
        if run:
            created.append(ms)
            plain.append(base_ms)
            full.append(full_ms)
    for mm in [*lps.market_makers, *ahs.market_makers]:  # out of the way of the next size
        deactivate_market_maker(db, mm.id, admin)
    return statistics.median(created), statistics.median(plain), statistics.median(full), orders


def main() -> None:
    url, _server = bench_database()
    engine = create_engine(url)
    migrate(engine)
    db = make_session_factory(engine)()
    admin, entity, balance = setup(db)
    print("create_liquidity vs one plain SQL transaction with the same orders and ledger rows (and, for reference,")
    print(
        f"with every row a creation writes: + a ticket per order, + each locked balance row); median of {RUNS} runs\n"
    )
    print(f"{'MMs/side':>8} {'orders':>7} {'ledger':>7} {'create ms':>10} {'baseline ms':>12} {'ratio':>7} "
          f"{'every row ms':>13} {'ratio':>7}")  # fmt: skip
    results = []
    for per_side in SIZES:
        created, plain, full, orders = bench_size(db, admin, entity, balance, per_side)
        results.append((per_side, created, plain, full))
        print(f"{per_side:8d} {orders:7d} {per_side * 2:7d} {created:10.1f} {plain:12.1f} {created / plain:6.1f}x "
              f"{full:13.1f} {created / full:6.1f}x", flush=True)  # fmt: skip
    per_side, created, plain, full = results[-1]
    verdict = "met" if created / plain <= GOAL and created < 5000 else "NOT met"
    # the "plain transaction inserting the same rows" is, faithfully, every row a creation writes (its
    # audit tickets and balance updates too): both ratios are stated, the goal is judged on the plain one
    print(
        f"\ngoal at {per_side} MMs/side: within {GOAL:g}x of the baseline and under 5 s: {created / plain:.2f}x, "
        f"{verdict}; against every row a creation writes: {created / full:.2f}x "
        f"({'within' if created / full <= GOAL else 'beyond'} {GOAL:g}x)"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
