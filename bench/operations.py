"""Operations page reads at scale: 10k liquidity operations (12 orders each, some filled, some withdrawn)
and 1M audit tickets, timed next to a trivial ``SELECT 1`` round trip taken in the same run.

    python bench/operations.py            # own embedded PostgreSQL in a temp dir (about 1-2 minutes)
    BENCH_DATABASE_URL=postgresql://… python bench/operations.py   # an empty database you can throw away

The data is written set-based (INSERT … SELECT generate_series), not through core: the figures are about the
reads. Each figure is the median of several calls through the same core functions the page uses.
Goal (issue 13): every Operations read, sorts and charts included, within 5x the trivial round trip. The audit
log's reads (the page's third view, at 1M tickets) are printed against the same bound: each costs a count of up
to 10,000 matching tickets besides its page (the "Page 1 of N" under the table), about 1 ms on its own.
"""

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.server import bench_database
from bench.timing import interleaved_ms
from core.audit import list_ticket_actions, list_tickets
from core.db import make_session_factory, migrate
from core.operations import (
    get_operation_detail,
    list_operations,
    operation_daily_stats,
    operation_resting_depth,
)
from core.sqlcall import fetch_one

GOAL = 5.0  # x SELECT 1, for every Operations read
OPERATIONS = 10_000
TICKETS = 1_000_000
ORDERS_PER_SIDE = 6  # 2 market makers x 3 levels

DATA = f"""
INSERT INTO users (username, password_hash, role)
SELECT 'bench_admin_' || i, '$argon2id$bench', 'ADMIN' FROM generate_series(1, 3) i;

INSERT INTO market_maker_clients (name, mm_type, created_by)
SELECT 'Bench MM ' || i, CASE WHEN i <= 2 THEN 'LIQUIDITY_PROVIDER' ELSE 'ASSET_HOLDER' END::market_maker_type,
       (SELECT min(id) FROM users)
FROM generate_series(1, 4) i;
INSERT INTO entities (name) VALUES ('Bench counterparty');

-- a year of tickets, one every ~31 s; every 100th is the CREATE_LIQUIDITY ticket of an operation
INSERT INTO ticket_logs (ticket_id, action, actor_id, entity_type, entity_id, before_state, after_state, created_at)
SELECT 'TKT-B-' || lpad(i::text, 7, '0'),
       CASE WHEN i % 100 = 0 THEN 'CREATE_LIQUIDITY'
            WHEN i % 100 = 1 THEN 'WITHDRAW_LIQUIDITY'
            WHEN i % 10 = 2 THEN 'FUND_ACCOUNT'
            WHEN i % 2 = 0 THEN 'PLACE_ORDER' ELSE 'CANCEL_ORDER' END,
       (SELECT min(id) FROM users) + i % 3,
       CASE WHEN i % 100 IN (0, 1) THEN 'liquidity_operation' WHEN i % 10 = 2 THEN 'market_maker' ELSE 'order' END,
       i / 100,
       jsonb_build_object('status', 'OPEN', 'available', i % 1000),
       jsonb_build_object('status', 'CANCELLED', 'available', i % 1000 + 5),
       timestamptz '2025-01-01 00:00:00+00' + i * interval '31.5 seconds'
FROM generate_series(1, {TICKETS}) i;

INSERT INTO liquidity_operations (
    ticket_id, certificate_type, target_bid_liquidity_eur, target_ask_liquidity_eur, actual_bid_liquidity_eur,
    actual_ask_liquidity_eur, market_makers_used, orders_created, reference_price, price_source, created_by,
    created_at)
SELECT 'TKT-B-' || lpad((j * 100)::text, 7, '0'),
       CASE WHEN j % 3 = 0 THEN 'EUA' ELSE 'CEA' END::certificate_type,
       100000, 50000, 99990.00, 49980.00, '[]'::jsonb, '{{}}'::bigint[],
       CASE WHEN j % 3 = 0 THEN 81 ELSE 14 END, 'mid', (SELECT min(id) FROM users) + j % 3,
       timestamptz '2025-01-01 00:00:00+00' + j * 100 * interval '31.5 seconds'
FROM generate_series(1, {OPERATIONS}) j;

-- 12 orders per operation: per side 2 market makers x 3 levels; a third partly filled, a tenth filled,
-- a sixth withdrawn, the rest resting
INSERT INTO orders (certificate_type, side, order_type, market_maker_id, placed_by, price, quantity, filled_quantity,
                    filled_amount, locked_amount, status, post_only, cancel_reason, liquidity_operation_id,
                    liquidity_level, created_at)
SELECT lo.certificate_type, a.side, 'LIMIT', mm.id, lo.created_by, p.price, p.qty, f.filled, f.filled * p.price,
       CASE WHEN s.status IN ('OPEN', 'PARTIALLY_FILLED')
            THEN CASE a.side WHEN 'BUY' THEN (p.qty - f.filled) * p.price ELSE p.qty - f.filled END ELSE 0 END,
       s.status, true, CASE WHEN s.status = 'CANCELLED' THEN 'WITHDRAWAL' END, lo.id, a.lvl, lo.created_at
FROM liquidity_operations lo
CROSS JOIN generate_series(0, {2 * ORDERS_PER_SIDE - 1}) k
CROSS JOIN LATERAL (SELECT CASE WHEN k < {ORDERS_PER_SIDE} THEN 'BUY' ELSE 'SELL' END::order_side AS side,
                           k % 3 + 1 AS lvl, (k / 3) % 2 AS mm_index) a
CROSS JOIN LATERAL (SELECT round(lo.reference_price * CASE a.side WHEN 'BUY' THEN 1 - 0.002 * a.lvl
                                                                  ELSE 1 + 0.002 * a.lvl END, 2) AS price,
                           1000 + (lo.id % 7) * 10 AS qty) p
CROSS JOIN LATERAL (SELECT CASE (lo.id + k) % 30 WHEN 0 THEN p.qty WHEN 1 THEN p.qty WHEN 2 THEN p.qty
                                ELSE CASE WHEN (lo.id + k) % 3 = 0 THEN p.qty / 2 ELSE 0 END END AS filled) f
CROSS JOIN LATERAL (SELECT CASE WHEN f.filled = p.qty THEN 'FILLED'
                                WHEN (lo.id + k) % 6 = 1 THEN 'CANCELLED'
                                WHEN f.filled > 0 THEN 'PARTIALLY_FILLED' ELSE 'OPEN' END::order_status AS status) s
JOIN LATERAL (SELECT id FROM market_maker_clients
              WHERE mm_type = CASE a.side WHEN 'BUY' THEN 'LIQUIDITY_PROVIDER'
                                          ELSE 'ASSET_HOLDER' END::market_maker_type
              ORDER BY id OFFSET a.mm_index LIMIT 1) mm ON true;

-- the counterparty: one filled order per side owned by the trader firm
INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, price, quantity, filled_quantity, status)
SELECT 'CEA', side, 'MARKET', (SELECT min(id) FROM entities), (SELECT min(id) FROM users), NULL, 1, 1, 'FILLED'
FROM unnest(ARRAY['BUY', 'SELL']::order_side[]) side;

INSERT INTO trades (certificate_type, price, quantity, buy_order_id, sell_order_id, aggressor_side, created_at)
SELECT o.certificate_type, o.price, o.filled_quantity,
       CASE o.side WHEN 'BUY' THEN o.id ELSE (SELECT id FROM orders WHERE entity_id IS NOT NULL AND side = 'BUY') END,
       CASE o.side WHEN 'SELL' THEN o.id ELSE (SELECT id FROM orders WHERE entity_id IS NOT NULL AND side = 'SELL') END,
       CASE o.side WHEN 'BUY' THEN 'SELL' ELSE 'BUY' END::order_side, o.created_at + interval '1 hour'
FROM orders o WHERE o.liquidity_operation_id IS NOT NULL AND o.filled_quantity > 0;

UPDATE liquidity_operations lo SET orders_created = ARRAY(SELECT id FROM orders WHERE liquidity_operation_id = lo.id);
"""


def load(db: Session) -> float:
    start = time.perf_counter()
    # raw driver call: the script holds % operators and several statements, and no bind parameters
    db.connection().connection.driver_connection.execute(DATA)
    db.commit()
    return time.perf_counter() - start


def main() -> None:
    url, server = bench_database()
    engine = create_engine(url)
    migrate(engine)
    db = make_session_factory(engine)()
    print(f"loading {OPERATIONS:,} operations ({2 * ORDERS_PER_SIDE} orders each) and {TICKETS:,} tickets …")
    seconds = load(db)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM liquidity_operations), (SELECT count(*) FROM orders), "
                "(SELECT count(*) FROM trades), (SELECT count(*) FROM ticket_logs)"
            )
        ).one()
    print(
        f"loaded in {seconds:.1f} s: {counts[0]:,} operations, {counts[1]:,} orders, {counts[2]:,} trades, "
        f"{counts[3]:,} tickets\n"
    )

    creator = db.execute(text("SELECT min(id) FROM users")).scalar_one()
    db.rollback()
    middle_op = OPERATIONS // 2
    last_page = -(-OPERATIONS // 50)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("operations: first page (newest 50)", lambda: list_operations(db, user_id=creator)),
        (
            "operations: filtered (EUA, 3 months, creator)",
            lambda: list_operations(
                db,
                {"certificate_type": "EUA", "date_from": "2025-03-01", "date_to": "2025-05-31", "created_by": creator},
                user_id=creator,
            ),
        ),
        ("operations: ticket search", lambda: list_operations(db, {"ticket_search": "0500"}, user_id=creator)),
        ("operations: deep page (last of 200)", lambda: list_operations(db, {"page": last_page}, user_id=creator)),
        (
            "operations: sorted by fill ratio (live)",
            lambda: list_operations(db, {"sort": "fill_ratio"}, user_id=creator),
        ),
        ("operation detail (orders, tickets)", lambda: get_operation_detail(db, middle_op, user_id=creator)),
        ("charts: daily stats, all operations", lambda: operation_daily_stats(db, user_id=creator)),
        ("charts: resting depth by market maker", lambda: operation_resting_depth(db, user_id=creator)),
        ("audit: first page of 1M", lambda: list_tickets(db, user_id=creator)),
        ("audit: one action (1% of rows)", lambda: list_tickets(db, {"action": "WITHDRAW_LIQUIDITY"}, user_id=creator)),
        (
            "audit: actor + object type + a week",
            lambda: list_tickets(
                db,
                {"actor_id": creator, "entity_type": "order", "date_from": "2025-06-01", "date_to": "2025-06-07"},
                user_id=creator,
            ),
        ),
        (
            "audit: one object's tickets",
            lambda: list_tickets(db, {"entity_type": "liquidity_operation", "entity_id": middle_op}, user_id=creator),
        ),
        ("audit: deep page (200 of the capped 10k)", lambda: list_tickets(db, {"page": 200}, user_id=creator)),
        ("audit: distinct actions (filter options)", lambda: list_ticket_actions(db, user_id=creator)),
    ]
    ping = lambda: fetch_one(db, "SELECT 1")  # noqa: E731 - the trivial round trip, through the same path
    print(f"{'query (each interleaved with SELECT 1)':48} {'median ms':>10} {'SELECT 1 ms':>12} {'ratio':>7}  goal")
    for name, fn in cases:
        ms, baseline = interleaved_ms(fn, ping, 25)
        ratio = ms / baseline
        goal = f"<= {GOAL:g}x {'met' if ratio <= GOAL else 'NOT met'}"
        print(f"{name:48} {ms:10.2f} {baseline:12.3f} {ratio:6.1f}x  {goal}", flush=True)
    db.close()
    engine.dispose()
    if server is not None:
        server.cleanup()


if __name__ == "__main__":
    main()
