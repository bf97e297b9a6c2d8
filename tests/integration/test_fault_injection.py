"""Killing the database connection in the middle of a write: the caller gets DatabaseUnavailable and nothing
of the half-done write persists.

The hook: a trigger (installed in this test's database only) that, on the n-th insert into a table the write
fills late, waits for an advisory lock the test holds. The write is then frozen mid-flight, with its earlier
statements done; the test terminates its backend with ``pg_terminate_backend``, releases the lock, and
compares every table with the snapshot taken before.
"""

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.entities import fund_entity
from core.errors import CoreError, DatabaseUnavailable
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import create_liquidity, provision_market_makers, withdraw_liquidity
from core.market_makers import create_market_maker, fund_market_maker, get_market_maker
from core.orders import cancel_order, place_order
from tests.helpers import Actors, snapshot
from tests.lockstep import sessions

HOOK_LOCK = 7_300_777


class MidFlight:
    """Freeze a write at the n-th insert into ``table``, kill its backend, and report how the call ended."""

    def __init__(self, engine: Engine, session_factory: sessionmaker[Session]) -> None:
        self.engine = engine
        self.session_factory = session_factory

    def install(self, table: str, nth: int = 1) -> None:
        self.table = table
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE SEQUENCE IF NOT EXISTS fault_hook_count")
            conn.exec_driver_sql("SELECT setval('fault_hook_count', 1, false)")
            conn.exec_driver_sql(
                f"""
                CREATE OR REPLACE FUNCTION fault_hook() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('fault_hook_count') = {nth} THEN
                        PERFORM pg_advisory_xact_lock({HOOK_LOCK});
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER fault_hook AFTER INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fault_hook();
                """
            )

    def uninstall(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TRIGGER fault_hook ON {self.table}")

    def kill_during(self, call: Callable[[Session], object]) -> BaseException | None:
        """Run ``call`` in a thread on its own session; terminate its backend once it waits at the hook."""
        outcome: dict[str, BaseException | None] = {"error": None}

        def worker() -> None:
            with self.session_factory() as session:
                try:
                    call(session)
                except BaseException as exc:  # reported to the test thread
                    outcome["error"] = exc

        with self.engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": HOOK_LOCK})
            holder.commit()
            thread = threading.Thread(target=worker)
            thread.start()
            pid = self._wait_for_frozen_backend(holder, thread)
            holder.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": HOOK_LOCK})
            holder.commit()
            thread.join(timeout=30)
        assert not thread.is_alive(), "the killed call never returned"
        return outcome["error"]

    @staticmethod
    def _wait_for_frozen_backend(holder: object, thread: threading.Thread) -> int:
        deadline = time.monotonic() + 20
        while True:  # polling until the write reaches the hook
            pid = holder.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                    "AND objid = :k AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"k": HOOK_LOCK},
            ).scalar()
            holder.commit()
            if pid is not None:
                return pid
            assert thread.is_alive(), "the call finished without reaching the hook"
            assert time.monotonic() < deadline, "the call never reached the hook"
            time.sleep(0.05)


@pytest.fixture
def mid_flight(engine: Engine, session_factory: sessionmaker[Session]) -> Iterator[MidFlight]:
    yield MidFlight(engine, session_factory)


def assert_killed_cleanly(error: BaseException | None) -> None:
    assert isinstance(error, DatabaseUnavailable), f"expected DatabaseUnavailable, got {error!r}"
    assert "nothing was changed" in error.message


@pytest.fixture
def market(db: Session, actors: Actors) -> dict[str, int]:
    """A funded liquidity provider and asset holder, and a resting EUA ask of the asset holder."""
    lp = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=Decimal("10000"))
    ah = create_market_maker(db, "AH", "ASSET_HOLDER", actors.admin.id, initial_balances={"EUA": 100})
    fund_entity(db, actors.entity.id, "EUR", Decimal("5000"), actors.admin.id)
    ask = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 10, "80.00", market_maker_id=ah.id)
    return {"lp": lp.id, "ah": ah.id, "ask": ask.id}


def test_a_deposit_killed_after_its_ticket_and_balance_update_leaves_nothing(db, actors, market, mid_flight):
    mid_flight.install("asset_transactions")
    before = snapshot(db)

    error = mid_flight.kill_during(lambda s: fund_market_maker(s, market["lp"], "EUR", "250.00", actors.admin.id))

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_a_market_maker_creation_killed_between_its_deposits_leaves_nothing(db, actors, mid_flight):
    mid_flight.install("asset_transactions", nth=2)
    before = snapshot(db)

    error = mid_flight.kill_during(
        lambda s: create_market_maker(s, "Half", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 5, "EUA": 7})
    )

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_an_order_killed_in_the_middle_of_its_trade_leaves_nothing(db, actors, market, mid_flight):
    mid_flight.install("trades")  # the order, its lock and the trade row exist; the settlement legs do not yet
    before = snapshot(db)

    error = mid_flight.kill_during(lambda s: place_order(s, actors.trader.id, "EUA", "BUY", "LIMIT", 4, "80.50"))

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_an_order_killed_while_it_waits_for_a_row_lock_leaves_nothing(db, actors, market, engine, session_factory):
    """Without a hook: the asset holder's row is held, so the buy freezes when settling against it."""
    before = snapshot(db)
    outcome: dict[str, BaseException | None] = {}

    def buy() -> None:
        with session_factory() as session:
            try:
                place_order(session, actors.admin.id, "EUA", "BUY", "LIMIT", 3, "80.00", market_maker_id=market["lp"])
            except BaseException as exc:
                outcome["error"] = exc

    with engine.connect() as holder:
        # FOR NO KEY UPDATE: the order's foreign keys still pass, the eur_balance update of a fill waits
        holder.execute(
            text("SELECT 1 FROM market_maker_clients WHERE id = :id FOR NO KEY UPDATE"), {"id": market["lp"]}
        )
        holder_pid = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
        thread = threading.Thread(target=buy)
        thread.start()
        deadline = time.monotonic() + 20
        with engine.connect() as watcher:
            while not (
                pids := watcher.execute(
                    text("SELECT pid FROM pg_stat_activity WHERE :h = ANY (pg_blocking_pids(pid))"), {"h": holder_pid}
                )
                .scalars()
                .all()
            ):
                watcher.commit()
                assert time.monotonic() < deadline, "the buy never waited for the row"
                time.sleep(0.05)
            watcher.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pids[0]})
            watcher.commit()
        holder.rollback()
        thread.join(timeout=30)

    assert_killed_cleanly(outcome.get("error"))
    assert snapshot(db) == before


def test_a_cancel_killed_after_its_unlock_leaves_the_order_open(db, actors, market, mid_flight):
    mid_flight.install("asset_transactions")
    before = snapshot(db)

    error = mid_flight.kill_during(lambda s: cancel_order(s, market["ask"], actors.admin.id))

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_a_liquidity_creation_killed_after_its_orders_and_locks_leaves_nothing(db, actors, market, mid_flight):
    # the 2nd ticket is the first PLACE_LIQUIDITY_ORDER one: operation row, orders and LOCK rows exist by then
    fund_market_maker(db, market["ah"], "CEA", 1000, actors.admin.id)
    mid_flight.install("ticket_logs", nth=2)
    before = snapshot(db)

    error = mid_flight.kill_during(lambda s: create_liquidity(s, "CEA", "2000", "2000", actors.admin.id))

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_a_liquidity_withdrawal_killed_after_its_unlocks_leaves_the_orders_resting(db, actors, market, mid_flight):
    fund_market_maker(db, market["ah"], "CEA", 1000, actors.admin.id)
    operation = create_liquidity(db, "CEA", "2000", "2000", actors.admin.id)
    mid_flight.install("asset_transactions")
    before = snapshot(db)

    error = mid_flight.kill_during(lambda s: withdraw_liquidity(s, operation.id, actors.admin.id))

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_provisioning_new_market_makers_killed_after_the_first_leaves_none(db, actors, mid_flight):
    mid_flight.install("asset_transactions", nth=2)
    before = snapshot(db)

    error = mid_flight.kill_during(
        lambda s: provision_market_makers(s, "create_new", "LIQUIDITY_PROVIDER", "3000.00", actors.admin.id, count=3)
    )

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_provisioning_existing_market_makers_killed_between_deposits_leaves_none(db, actors, market, mid_flight):
    other = create_market_maker(db, "LP 2", "LIQUIDITY_PROVIDER", actors.admin.id)
    mid_flight.install("asset_transactions", nth=2)
    before = snapshot(db)

    error = mid_flight.kill_during(
        lambda s: provision_market_makers(
            s, "fund_existing", "LIQUIDITY_PROVIDER", "500.01", actors.admin.id, mm_ids=[market["lp"], other.id]
        )
    )

    assert_killed_cleanly(error)
    assert snapshot(db) == before


def test_after_a_killed_write_the_same_write_succeeds_and_the_books_are_healthy(
    db, actors, market, mid_flight, session_factory
):
    mid_flight.install("asset_transactions")
    mid_flight.kill_during(lambda s: fund_market_maker(s, market["lp"], "EUR", "250.00", actors.admin.id))

    with session_factory() as session:
        fund_market_maker(session, market["lp"], "EUR", "250.00", actors.admin.id)

    assert get_market_maker(db, market["lp"], user_id=actors.admin.id).eur_balance == Decimal("10250.00")
    assert check_invariants(db) == []
    assert verify_ledger(db) == []


def test_a_killed_call_raises_a_typed_error_never_a_raw_one(db, actors, market, mid_flight):
    mid_flight.install("trades")

    error = mid_flight.kill_during(lambda s: place_order(s, actors.trader.id, "EUA", "BUY", "MARKET", 2))

    assert isinstance(error, CoreError)


def test_a_matcher_killed_in_its_batch_leaves_the_waiting_orders_waiting_for_the_next_one(
    db, actors, market, mid_flight, database_url
):
    # an accepted order waits in the EUA inbox (queued: a matcher stayed busy)
    with sessions(database_url, "matcher", "trader") as (_observer, busy, trader):
        busy.run("BEGIN")
        busy.run("SELECT pg_try_advisory_xact_lock(7302, book_matcher_key('EUA'))")
        key = uuid.uuid4()
        trader.run("CALL submit_order(%s, 'EUA', 'BUY', 'LIMIT', 4, 80.00, NULL, false, %s)", (actors.trader.id, key))
        busy.run("ROLLBACK")
    mid_flight.install("trades")  # the waiting order trades with the ask first: its trade row is the hook
    before = snapshot(db)

    error = mid_flight.kill_during(
        lambda s: place_order(s, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "90.00", market_maker_id=market["ah"])
    )

    assert_killed_cleanly(error)
    assert snapshot(db) == before  # the waiting order is still waiting, nothing of the batch stayed
    mid_flight.uninstall()
    order = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "90.00", market_maker_id=market["ah"])
    waited = db.execute(text("SELECT order_id FROM order_requests WHERE request_key = :k"), {"k": key}).scalar_one()
    db.rollback()
    assert order.status == "OPEN" and waited is not None
    assert check_invariants(db) == [] and verify_ledger(db) == []
