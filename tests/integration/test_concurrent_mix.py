"""Eight threads mixing every write at once: no deadlock, every refusal a typed error, the books still add up."""

from concurrent.futures import ThreadPoolExecutor

from bench.workload import Tally, Worker, seed_world
from core.invariants import check_invariants
from core.ledger import verify_ledger

THREADS = 8
STEPS_PER_THREAD = 60


def test_eight_threads_mixing_every_write_never_deadlock_and_keep_the_invariants(db, session_factory):
    world = seed_world(db)

    def run(thread: int) -> Tally:
        with session_factory() as session:
            worker = Worker(session, world, seed=thread, name_prefix=f"t{thread}")
            for _ in range(STEPS_PER_THREAD):
                worker.step()
            return worker.tally

    with ThreadPoolExecutor(THREADS) as pool:
        tallies = list(pool.map(run, range(THREADS)))
    total = Tally()
    for tally in tallies:
        total.merge(tally)

    assert total.broken == []
    assert (total.deadlocks, total.serialization_failures) == (0, 0)
    assert total.operations == THREADS * STEPS_PER_THREAD
    assert total.done["trader limit order"] > 0
    assert check_invariants(db) == []
    assert verify_ledger(db) == []
