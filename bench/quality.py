"""Market quality reads over a month of 10-second snapshots (259,200 per book, two books, six market makers
quoting each), timed next to a trivial ``SELECT 1`` round trip on the same path in the same run; and what the
snapshots cost on disk.

    python bench/quality.py           # own embedded PostgreSQL in a temp dir (a few minutes)
    python bench/quality.py --days 365 --storage-only   # the storage of a year of snapshots
    BENCH_DATABASE_URL=postgresql://… python bench/quality.py   # an empty database you can throw away

Each read is timed in turns with the baseline (a median of five SELECT 1 round trips before each run), so load
from elsewhere on this shared machine weighs on both alike.

The data is written set-based (INSERT … SELECT generate_series), not through core, and modelled on a busy book:
it changes every minute on average (the mid walks a tick, the spread widens or narrows), each market maker's
quote changes every five minutes around its size and now and then drops below the €10,000 minimum, one provider
is away at night, and the asks vanish for half an hour each night (one-sided book). The rollups are built from
the snapshots set-based too, as take_book_snapshot would have built them one by one; the script checks that the
health summary read from them equals the same figures computed from the raw snapshots.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.server import bench_database
from bench.timing import timed_ms
from core.db import make_session_factory, migrate
from core.market_quality import health_series, health_summary, market_health, mm_scorecard, take_snapshot
from core.sqlcall import fetch_one

SNAPSHOT_SECONDS = 10
MAKERS_PER_SIDE = 3
BANDS = ("0_5pct", "1pct", "2pct")
MAKER_ROLLUP_COLUMNS = (
    "bucket_start, grain, market_maker_id, certificate_type, snapshots, sum_0_5pct_eur, sum_1pct_eur, "
    "sum_2pct_eur, quoting_0_5pct, quoting_1pct, quoting_2pct"
)


def start_of(days: int) -> datetime:
    """Midnight UTC ``days`` days ago: the loaded period ends at the last midnight."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days)


def setup_sql(days: int) -> str:
    minutes = days * 1440
    per_minute = 60 // SNAPSHOT_SECONDS
    return f"""
SELECT setseed(0.42);
INSERT INTO users (username, password_hash, role) VALUES ('bench_admin', '$argon2id$bench', 'ADMIN');
INSERT INTO entities (name) VALUES ('Bench counterparty');
INSERT INTO market_maker_clients (name, mm_type, created_by)
SELECT 'Bench ' || CASE WHEN i <= {MAKERS_PER_SIDE} THEN 'LP ' || i ELSE 'AH ' || i - {MAKERS_PER_SIDE} END,
       CASE WHEN i <= {MAKERS_PER_SIDE} THEN 'LIQUIDITY_PROVIDER' ELSE 'ASSET_HOLDER' END::market_maker_type,
       (SELECT min(id) FROM users)
  FROM generate_series(1, {2 * MAKERS_PER_SIDE}) i;

-- the book, minute by minute: half the minutes the mid moves a tick, the spread is the book's usual one
-- give or take two ticks; from 02:00 to 02:30 UTC the asks are gone
CREATE TEMP TABLE book_minutes AS
SELECT cert, m, base + sum(step) OVER (PARTITION BY cert ORDER BY m) AS mid_ticks,
       usual + widen AS spread_ticks, m % 1440 BETWEEN 120 AND 149 AS one_sided
  FROM (SELECT c.cert, c.base, c.usual, m,
               CASE WHEN random() < 0.5 THEN 0 ELSE (floor(random() * 2) * 2 - 1)::int END AS step,
               floor(random() * 5)::int - 2 AS widen
          FROM (VALUES ('CEA'::certificate_type, 1400, 6), ('EUA'::certificate_type, 8100, 32)) c(cert, base, usual),
               generate_series(0, {minutes - 1}) m) moves;

-- each market maker's quote, five minutes at a time: its usual size ±40 %, one time in 25 a thin quote
CREATE TEMP TABLE maker_blocks AS
SELECT cert, mm.id AS market_maker_id, market_maker_side(mm.mm_type) AS side, b,
       round(((9000 + mm.id * 2500) * CASE WHEN random() < 0.04 THEN 0.3 ELSE 0.6 + random() * 0.8 END)::numeric, 2)
           AS v05,
       -- a provider numbered 3 is away from 20:00 to 06:00 UTC
       NOT (mm.name = 'Bench LP 3' AND (b % 288 >= 240 OR b % 288 < 72)) AS here
  FROM (VALUES ('CEA'::certificate_type), ('EUA'::certificate_type)) c(cert)
 CROSS JOIN market_maker_clients mm
 CROSS JOIN generate_series(0, {minutes // 5 - 1}) b;

CREATE INDEX ON maker_blocks (cert, b);
CREATE TEMP TABLE maker_rows AS
SELECT bm.cert, START_AT + (bm.m * 60 + k * {SNAPSHOT_SECONDS}) * interval '1 second' AS taken_at,
       mb.market_maker_id, mb.side,
       CASE mb.side WHEN 'BUY' THEN (bm.mid_ticks - bm.spread_ticks / 2 - mb.market_maker_id % 3)
                    ELSE (bm.mid_ticks - bm.spread_ticks / 2 + bm.spread_ticks + mb.market_maker_id % 3) END / 100.0
           AS best_price,
       CASE WHEN NOT bm.one_sided THEN mb.v05 END AS v05
  FROM book_minutes bm
 CROSS JOIN generate_series(0, {per_minute - 1}) k
  JOIN maker_blocks mb ON mb.cert = bm.cert AND mb.b = bm.m / 5 AND mb.here
                      AND NOT (bm.one_sided AND mb.side = 'SELL');

-- what rests within ±0.5 % per side, each five minutes: the makers present, and €5,000 from traders
CREATE TEMP TABLE block_depth AS
SELECT cert, b, 5000 + coalesce(sum(v05) FILTER (WHERE side = 'BUY'), 0) AS bid,
       5000 + coalesce(sum(v05) FILTER (WHERE side = 'SELL'), 0) AS ask
  FROM maker_blocks WHERE here GROUP BY cert, b;
CREATE INDEX ON block_depth (cert, b);
ANALYZE maker_blocks, block_depth, book_minutes;

INSERT INTO book_snapshots
SELECT START_AT + (bm.m * 60 + k * {SNAPSHOT_SECONDS}) * interval '1 second', bm.cert,
       (bm.mid_ticks - bm.spread_ticks / 2) / 100.0,
       CASE WHEN NOT bm.one_sided THEN (bm.mid_ticks - bm.spread_ticks / 2 + bm.spread_ticks) / 100.0 END,
       d.bid, d.ask, d.bid * 1.6, d.ask * 1.6, d.bid * 2.08, d.ask * 2.08
  FROM book_minutes bm
 CROSS JOIN generate_series(0, {per_minute - 1}) k
 CROSS JOIN LATERAL (SELECT CASE WHEN NOT bm.one_sided THEN bd.bid END AS bid,
                            CASE WHEN NOT bm.one_sided THEN bd.ask END AS ask
                       FROM block_depth bd WHERE bd.cert = bm.cert AND bd.b = bm.m / 5) d;

INSERT INTO market_maker_snapshots
SELECT taken_at, market_maker_id, cert, side, best_price, v05, round(v05 * 1.6, 2), round(v05 * 2.08, 2)
  FROM maker_rows;
"""


def rollup_sql() -> str:
    """The book rollups from the snapshots, set-based, as take_book_snapshot builds them one by one (in time order,
    as they would have been written)."""
    return """
INSERT INTO book_snapshot_rollups
    (bucket_start, grain, certificate_type, snapshots, two_sided, spread_bps, bid_depth_1pct_eur, ask_depth_1pct_eur)
SELECT snapshot_bucket(g, taken_at), g, certificate_type, count(*), count(best_ask) FILTER (WHERE best_bid IS NOT NULL),
       coalesce(sum(spread_bps(best_bid, best_ask)), 0), coalesce(sum(bid_depth_1pct_eur), 0),
       coalesce(sum(ask_depth_1pct_eur), 0)
  FROM book_snapshots CROSS JOIN unnest(snapshot_grains()) g
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3;
INSERT INTO book_spread_rollups (bucket_start, grain, certificate_type, spread_bps, snapshots)
SELECT snapshot_bucket(g, taken_at), g, certificate_type, spread_bps(best_bid, best_ask), count(*)
  FROM book_snapshots CROSS JOIN unnest(snapshot_grains()) g
 WHERE best_bid IS NOT NULL AND best_ask IS NOT NULL
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4;
"""


def maker_rollup_sql(steps: list, grains: list[str]) -> list[str]:
    """The market makers' rollups: the finest grain from the snapshots (own side only), each coarser grain from the
    one below it."""

    def raw_counts(band: str) -> str:
        own = f"q.value_{band}_eur"
        return "ARRAY[" + ", ".join(f"count(*) FILTER (WHERE {own} >= {s} AND own)" for s in steps) + "]::integer[]"

    def summed_counts(band: str) -> str:
        return "ARRAY[" + ", ".join(f"sum(quoting_{band}[{i + 1}])" for i in range(len(steps))) + "]::integer[]"

    sums = ", ".join(f"coalesce(sum(q.value_{b}_eur) FILTER (WHERE own), 0)" for b in BANDS)
    finest, *coarser = reversed(grains)
    statements = [
        f"""INSERT INTO market_maker_rollups ({MAKER_ROLLUP_COLUMNS})
SELECT snapshot_bucket(interval '{finest}', q.taken_at), interval '{finest}', q.market_maker_id, q.certificate_type,
       count(DISTINCT q.taken_at), {sums},
       {", ".join(raw_counts(b) for b in BANDS)}
  FROM market_maker_snapshots q
  JOIN market_maker_clients m ON m.id = q.market_maker_id
 CROSS JOIN LATERAL (SELECT q.side = market_maker_side(m.mm_type) AS own) o
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 3, 4"""
    ]
    below = finest
    for grain in coarser:
        statements.append(
            f"""INSERT INTO market_maker_rollups ({MAKER_ROLLUP_COLUMNS})
SELECT snapshot_bucket(interval '{grain}', bucket_start), interval '{grain}', market_maker_id, certificate_type,
       sum(snapshots), {", ".join(f"sum(sum_{b}_eur)" for b in BANDS)}, {", ".join(summed_counts(b) for b in BANDS)}
  FROM market_maker_rollups WHERE grain = interval '{below}' GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4"""
        )
        below = grain
    return statements


# built grain by grain above; rewritten in the order take_book_snapshot would have written them (a bucket's rows as
# it opens, every grain together), so the pages hold what a live database's pages hold
IN_WRITING_ORDER = """
CREATE TEMP TABLE written AS SELECT * FROM book_snapshot_rollups ORDER BY bucket_start, grain DESC, certificate_type;
TRUNCATE book_snapshot_rollups;
INSERT INTO book_snapshot_rollups SELECT * FROM written;
DROP TABLE written;
CREATE TEMP TABLE written AS
SELECT * FROM book_spread_rollups ORDER BY bucket_start, grain DESC, certificate_type, spread_bps;
TRUNCATE book_spread_rollups;
INSERT INTO book_spread_rollups SELECT * FROM written;
DROP TABLE written;
CREATE TEMP TABLE written AS
SELECT * FROM market_maker_rollups ORDER BY bucket_start, grain DESC, certificate_type, market_maker_id;
TRUNCATE market_maker_rollups;
INSERT INTO market_maker_rollups SELECT * FROM written;
DROP TABLE written;
"""


def orders_sql(days: int) -> str:
    """A liquidity operation every 90 minutes per book (12 market-maker orders each, a third of them partly or
    wholly filled by the counterparty)."""
    return f"""
INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, price, quantity, filled_quantity, status)
SELECT 'CEA', side, 'MARKET', (SELECT min(id) FROM entities), (SELECT min(id) FROM users), NULL, 1, 1, 'FILLED'
  FROM unnest(ARRAY['BUY', 'SELL']::order_side[]) side;

INSERT INTO orders (certificate_type, side, order_type, market_maker_id, placed_by, price, quantity, filled_quantity,
                    status, post_only, cancel_reason, created_at)
SELECT c.cert, market_maker_side(mm.mm_type), 'LIMIT', mm.id, (SELECT min(id) FROM users),
       c.price * CASE market_maker_side(mm.mm_type) WHEN 'BUY' THEN 1 - 0.002 * lvl ELSE 1 + 0.002 * lvl END,
       q.qty, f.filled, CASE WHEN f.filled = q.qty THEN 'FILLED' ELSE 'CANCELLED' END::order_status, true,
       CASE WHEN f.filled < q.qty THEN 'WITHDRAWAL' END,
       START_AT + op * interval '90 minutes' + mm.id * interval '1 second'
  FROM (VALUES ('CEA'::certificate_type, 14.00), ('EUA'::certificate_type, 81.00)) c(cert, price)
 CROSS JOIN generate_series(0, {days * 16 - 1}) op
 CROSS JOIN market_maker_clients mm
 CROSS JOIN generate_series(1, 2) lvl
 CROSS JOIN LATERAL (SELECT 500 + (op * 7 + mm.id) % 300 AS qty) q
 CROSS JOIN LATERAL (SELECT CASE (op + mm.id + lvl) % 6 WHEN 0 THEN q.qty WHEN 1 THEN q.qty / 3 ELSE 0 END AS filled) f;

INSERT INTO trades (certificate_type, price, quantity, buy_order_id, sell_order_id, aggressor_side, created_at)
SELECT o.certificate_type, o.price, o.filled_quantity,
       CASE o.side WHEN 'BUY' THEN o.id ELSE (SELECT id FROM orders WHERE entity_id IS NOT NULL AND side = 'BUY') END,
       CASE o.side WHEN 'SELL' THEN o.id ELSE (SELECT id FROM orders WHERE entity_id IS NOT NULL AND side = 'SELL') END,
       CASE o.side WHEN 'BUY' THEN 'SELL' ELSE 'BUY' END::order_side, o.created_at + interval '20 minutes'
  FROM orders o WHERE o.market_maker_id IS NOT NULL AND o.filled_quantity > 0;

-- their triggers noted every order and fill as an event: folded into the rollups, as the next snapshots would
SELECT fold_market_maker_orders(c) FROM unnest(enum_range(NULL::certificate_type)) c;
"""


def paired_ms(case: Callable[[], object], baseline: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median of ``case`` and of the baseline, measured in turns (each case run next to five baseline runs), so
    load from elsewhere on the machine weighs on both alike."""
    case()
    baseline()  # warm: plans, caches
    cases, baselines = [], []
    for _ in range(rounds):
        baselines.append(statistics.median(timed_ms(baseline)[0] for _ in range(5)))
        cases.append(timed_ms(case)[0])
    return statistics.median(cases), statistics.median(baselines)


def run(db: Session, sql: str, start: datetime) -> None:
    # raw driver call: several statements, % operators, no bind parameters
    db.connection().connection.driver_connection.execute(sql.replace("START_AT", f"timestamptz '{start.isoformat()}'"))
    db.commit()


def load(db: Session, days: int) -> float:
    started = time.perf_counter()
    start = start_of(days)
    run(db, setup_sql(days), start)
    run(db, rollup_sql(), start)
    steps = db.execute(text("SELECT unnest(quote_ladder_eur())")).scalars().all()
    grains = [str(g) for g in db.execute(text("SELECT unnest(snapshot_grains())::text")).scalars()]
    db.rollback()
    for statement in maker_rollup_sql(steps, grains):
        run(db, statement, start)
    run(db, IN_WRITING_ORDER, start)
    run(db, orders_sql(days), start)
    return time.perf_counter() - started


STORAGE_SQL = """
SELECT c.relname, pg_table_size(c.oid) AS table_bytes, pg_indexes_size(c.oid) AS index_bytes,
       (SELECT reltuples::bigint FROM pg_class WHERE oid = c.oid) AS rows
  FROM pg_class c
 WHERE c.relname IN ('book_snapshots', 'market_maker_snapshots', 'book_snapshot_rollups', 'book_spread_rollups',
                     'market_maker_rollups')
 ORDER BY c.relname
"""


def storage(db: Session, days: int) -> None:
    rows = db.execute(text(STORAGE_SQL)).all()
    db.rollback()
    total = sum(r.table_bytes + r.index_bytes for r in rows)
    makers = 2 * MAKERS_PER_SIDE
    print(f"storage after {days} days of {SNAPSHOT_SECONDS}-second snapshots (2 books, {makers} makers each):")
    print(f"  {'relation':32} {'rows':>12} {'table MB':>10} {'index MB':>10} {'bytes/row':>10}")
    for r in rows:
        per_row = (r.table_bytes + r.index_bytes) / max(r.rows, 1)
        table_mb, index_mb = r.table_bytes / 2**20, r.index_bytes / 2**20
        print(f"  {r.relname:32} {r.rows:12,} {table_mb:10.1f} {index_mb:10.1f} {per_row:10.0f}")
    print(f"  {'total':32} {'':12} {total / 2**20:21.1f} MB = {total / 2**30:.2f} GiB")
    if days != 365:
        print(f"  a year at this rate: {total * 365 / days / 2**30:.2f} GiB")


def check_rollups(db: Session, start: datetime, end: datetime) -> None:
    """The summary read from the rollups equals the same figures computed from the snapshots themselves."""
    raw = db.execute(
        text(
            "SELECT count(*), count(spread_bps), round(avg(spread_bps), 2), "
            "round((percentile_cont(0.5) WITHIN GROUP (ORDER BY spread_bps))::numeric, 2), "
            "round(avg(bid_depth_1pct_eur), 2), round(avg(ask_depth_1pct_eur), 2) "
            "FROM book_snapshot_points WHERE certificate_type = 'CEA' AND at BETWEEN :s AND :e"
        ),
        {"s": start, "e": end},
    ).one()
    rolled = db.execute(text("SELECT * FROM book_health('CEA', :s, :e)"), {"s": start, "e": end}).one()
    db.rollback()
    assert tuple(raw) == tuple(rolled), f"rollups {tuple(rolled)} != snapshots {tuple(raw)}"
    print(f"rollups agree with the raw snapshots: {tuple(rolled)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--storage-only", action="store_true")
    args = parser.parse_args()

    url, server = bench_database()
    engine = create_engine(url)
    migrate(engine)
    db = make_session_factory(engine)()
    try:
        print(f"loading {args.days} days of {SNAPSHOT_SECONDS}-second snapshots of 2 books …", flush=True)
        seconds = load(db, args.days)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        print(f"loaded in {seconds:.0f} s\n")
        storage(db, args.days)
        print()
        if not args.storage_only:
            timings(db, args.days)
    finally:
        db.close()
        engine.dispose()  # before the embedded server stops: it waits for its clients
        if server is not None:
            server.cleanup()


def timings(db: Session, days: int) -> None:
    """Every read of the page over the loaded month, each next to SELECT 1; the targeted ones must stay ≤ 10x."""
    # not on bucket boundaries, so both ends of the period read snapshots one by one
    month = (start_of(days) + timedelta(hours=7, seconds=5), start_of(0) - timedelta(minutes=13, seconds=5))
    day = (month[1] - timedelta(hours=24), month[1])
    check_rollups(db, *month)
    analyst = db.execute(
        text(
            "INSERT INTO users (username, password_hash, role) "
            "VALUES ('bench_analyst', '$argon2id$b', 'ANALYST') RETURNING id"
        )
    ).scalar_one()
    db.commit()

    def summary(cert: str) -> Callable[[], object]:
        return lambda: health_summary(db, cert, user_id=analyst, start=month[0], end=month[1])

    cases: list[tuple[str, Callable[[], object], bool]] = [
        ("health summary: CEA, a month", summary("CEA"), True),
        ("health summary: EUA, a month", summary("EUA"), True),
        (
            "scorecard: both books, a month (defaults)",
            lambda: mm_scorecard(db, user_id=analyst, start=month[0], end=month[1]),
            True,
        ),
        (
            "scorecard: one book, a month, ±2 %, €25,000",
            lambda: mm_scorecard(
                db,
                user_id=analyst,
                start=month[0],
                end=month[1],
                certificate_type="EUA",
                max_spread_pct="2",
                min_quote_eur="25000",
            ),
            True,
        ),
        (
            "scorecard: a minimum off the ladder (€12,345)",
            lambda: mm_scorecard(db, user_id=analyst, start=month[0], end=month[1], min_quote_eur="12345"),
            False,
        ),
        (
            "chart series: a month in hourly buckets",
            lambda: health_series(db, "CEA", user_id=analyst, start=month[0], end=month[1]),
            False,
        ),
        (
            "health with every point: 24 hours (8,640)",
            lambda: market_health(db, "CEA", user_id=analyst, start=day[0], end=day[1]),
            False,
        ),
    ]

    def select_1() -> None:  # the baseline every read is paired with
        fetch_one(db, "SELECT 1")

    print(f"{'read':48} {'median ms':>10} {'SELECT 1 ms':>12} {'ratio':>7}  target")
    for name, fn, targeted in cases:
        ms, baseline = paired_ms(fn, select_1, 21 if targeted else 3)
        ratio = ms / baseline
        verdict = (("ok" if ratio <= 10 else "MISSED") + " (≤ 10x)") if targeted else "-"
        print(f"{name:48} {ms:10.2f} {baseline:12.3f} {ratio:7.1f}  {verdict}")
    ms, baseline = paired_ms(lambda: take_snapshot(db, "CEA"), select_1, 15)
    print(f"{'take_snapshot (a write: 6 makers, 6 grains)':48} {ms:10.2f} {baseline:12.3f} {ms / baseline:7.1f}  -")


if __name__ == "__main__":
    main()
