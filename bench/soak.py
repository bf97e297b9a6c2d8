"""Soak: the concurrency test's write mix from many threads for minutes, checking the books as it goes.

    python bench/soak.py                       # 10 minutes, 8 threads, own embedded PostgreSQL in a temp dir
    python bench/soak.py --minutes 2 --threads 8
    BENCH_DATABASE_URL=postgresql://... python bench/soak.py   # an empty database you own (it is migrated)

Prints operations done per kind, typed refusals, deadlocks, serialization failures, invariant and ledger
breaks (goal: 0 deadlocks, 0 breaks). Exits 1 if any break, deadlock or raw error was seen.
"""

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from bench.server import bench_database
from bench.workload import Tally, Worker, seed_world
from core.db import ensure_database, make_session_factory, migrate
from core.invariants import check_invariants
from core.ledger import verify_ledger


def database_url(workdir: Path) -> tuple[str, object | None]:
    url, server = bench_database(workdir)
    if server is None:
        return url, None
    ensure_database(url, "soak")
    return server.get_uri("soak", driver="psycopg"), server


def check_books(factory: sessionmaker) -> list[str]:
    with factory() as db:
        problems = [f"invariant: {v.invariant} — {v.subject}: {v.detail}" for v in check_invariants(db)]
        problems += [f"ledger: balance {p.balance_id}: {p.problem}" for p in verify_ledger(db)]
    return problems


def progress(started: float, seconds: float, tally: Tally, breaks: int) -> None:
    elapsed = time.monotonic() - started
    share = min(1.0, elapsed / seconds)
    bar = "#" * int(share * 30)
    rate = tally.operations / elapsed if elapsed else 0
    sys.stderr.write(
        f"\r[{bar:<30}] {share:4.0%} {elapsed:5.0f}/{seconds:.0f}s  ops {tally.operations:>7} ({rate:5.0f}/s)  "
        f"deadlocks {tally.deadlocks}  breaks {breaks + len(tally.broken)}   "
    )
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--check-every", type=float, default=30.0, help="seconds between invariant checks")
    args = parser.parse_args(argv)
    seconds = args.minutes * 60

    with tempfile.TemporaryDirectory(prefix="carbon-soak-") as tmp:
        url, server = database_url(Path(tmp))
        engine = create_engine(url, pool_size=args.threads + 2, max_overflow=4)
        migrate(engine)
        factory = make_session_factory(engine)
        with factory() as db:
            world = seed_world(db, prefix=f"soak{int(time.time())}")

        stop = threading.Event()
        tallies = [Tally() for _ in range(args.threads)]

        def run(index: int) -> None:
            with factory() as session:
                worker = Worker(session, world, seed=index, name_prefix=f"soak-{index}-{int(time.time())}")
                worker.tally = tallies[index]
                while not stop.is_set():
                    worker.step()

        threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(args.threads)]
        started = time.monotonic()
        for t in threads:
            t.start()
        breaks: list[str] = []
        next_check = started + args.check_every
        while (now := time.monotonic()) < started + seconds:
            if now >= next_check:
                breaks += check_books(factory)
                next_check = now + args.check_every
            total = Tally()
            for tally in tallies:
                total.merge(tally)
            progress(started, seconds, total, len(breaks))
            time.sleep(min(1.0, started + seconds - now))
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        breaks += check_books(factory)
        engine.dispose()
        if server is not None:
            server.cleanup()

    total = Tally()
    for tally in tallies:
        total.merge(tally)
    sys.stderr.write("\n")
    print(f"soak: {args.threads} threads for {elapsed:.0f} s")
    print(f"operations done     {sum(total.done.values()):>8}  ({total.operations / elapsed:.0f} ops/s incl. refusals)")
    for kind, count in total.done.most_common():
        print(f"  {kind:<34}{count:>8}")
    print(f"typed refusals      {sum(total.refused.values()):>8}")
    for kind, count in total.refused.most_common():
        print(f"  {kind:<34}{count:>8}")
    print("  most frequent reasons:")
    for reason, count in total.reasons.most_common(8):
        print(f"    {count:>6}  {reason}")
    print(f"deadlocks           {total.deadlocks:>8}   (goal 0)")
    print(f"serialization fails {total.serialization_failures:>8}   (read committed + locks first: none retried)")
    print(f"raw errors          {len(total.broken):>8}   (goal 0)")
    for line in total.broken[:10]:
        print(f"  {line}")
    print(f"invariant breaks    {len(breaks):>8}   (goal 0; checked every {args.check_every:.0f} s and at the end)")
    for line in breaks[:10]:
        print(f"  {line}")
    return 1 if breaks or total.broken or total.deadlocks else 0


if __name__ == "__main__":
    sys.exit(main())
