"""Isolation specs for the matcher of a book, two or three sessions driven step by step (tests/lockstep.py): an
order that finds the book's matcher busy waits its turn for a while and matches in the same call, or, once its wait
runs out, is queued and matched by the next matcher; whoever waits queues instead of deadlocking, and an accepted
order is matched even when its client is gone.

Each step runs on its own connection; a step that must wait is seen waiting on a lock before the next one runs.
"""

import json
import time
import uuid
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import text

from core.engine_jobs import drain_order_inboxes
from core.entities import create_entity, fund_entity
from core.errors import DatabaseUnavailable
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.orders import _await_order, place_order
from core.users import create_user
from tests.helpers import PASSWORD
from tests.lockstep import sessions
from tests.trading import fund_trader, make_desk

SUBMIT = "CALL submit_order(%s, %s, %s, %s, %s, %s, %s, false, %s)"
AWAIT = "CALL await_order(%s, %s)"
ENTER = "SELECT (enter_order(%s, %s, %s, %s, %s, %s, %s, false, gen_random_uuid())).outcome"
BUSY = "SELECT pg_try_advisory_xact_lock(7302, book_matcher_key(%s))"  # what a matcher holds while it works


def submit(session, user_id: int, cert: str, side: str, kind: str, quantity: int, price: int, mm: int | None) -> tuple:
    """Submit an order from ``session`` under a new request key: (outcome, the key, the order as JSON if DONE)."""
    key = uuid.uuid4()
    state, _, order = outcome(session.run(SUBMIT, (user_id, cert, side, kind, quantity, price, mm, key)))
    return state, key, order


def outcome(row: tuple) -> tuple[str, int | None, dict | None]:
    """(outcome, request id, the order as JSON) of a submit_order / await_order row."""
    return row[0], row[1], json.loads(row[4], parse_float=Decimal) if row[4] else None


def request(db, key: uuid.UUID) -> dict:
    row = db.execute(text("SELECT * FROM order_requests WHERE request_key = :k"), {"k": key}).mappings().one()
    db.rollback()
    return dict(row)


def assert_healthy(db) -> None:
    assert check_invariants(db) == []
    assert verify_ledger(db) == []


@pytest.fixture
def desk(db, actors):
    fund_trader(db, actors, eur="10000.00", eua=50, cea=50)
    return make_desk(db, actors)


def test_an_order_entering_a_busy_book_waits_its_turn_for_the_matcher_and_matches_in_the_same_call(
    db, actors, desk, database_url
):
    with sessions(database_url, "matcher", "trader") as (observer, matcher, trader):
        trader.run("SET carbon.matcher_wait = '20s'")  # longer than the steps below can take
        matcher.run("BEGIN")
        assert matcher.run(ENTER, (actors.admin.id, "EUA", "SELL", "LIMIT", 5, 81, desk.ah.id))[0] == "DONE"

        key = uuid.uuid4()
        submitting = trader.start(SUBMIT, (actors.trader.id, "EUA", "BUY", "LIMIT", 5, 81, None, key))
        assert observer.until_waiting(trader, submitting) == "advisory"  # in the matcher lock's queue

        matcher.run("COMMIT")
        done, _, order = outcome(submitting.result(timeout=20))

    assert done == "DONE" and order["status"] == "FILLED"
    assert [(f["price"], f["quantity"]) for f in order["fills"]] == [(Decimal("81.00"), 5)]
    assert db.execute(text("SELECT count(*) FROM order_requests")).scalar_one() == 0  # never went to the inbox
    assert_healthy(db)


def test_the_wait_for_a_busy_matcher_is_bounded_and_leaves_the_callers_lock_timeout_as_it_was(
    db, actors, desk, database_url
):
    take = "SELECT take_book_matcher('EUA'), current_setting('lock_timeout')"
    with sessions(database_url, "matcher", "trader") as (_observer, matcher, trader):
        trader.run("SET lock_timeout = '7s'")
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        trader.run("BEGIN")
        trader.run("SET LOCAL carbon.matcher_wait = '50ms'")
        started = time.monotonic()
        timed_out = trader.run(take)
        waited = time.monotonic() - started
        trader.run("SET LOCAL carbon.matcher_wait = '0'")
        not_waiting = trader.run(take)
        trader.run("ROLLBACK")
        matcher.run("ROLLBACK")

        free = trader.run(take)

    assert timed_out == (False, "7s") and 0.05 <= waited < 10
    assert not_waiting == (False, "7s")
    assert free == (True, "7s")


def test_a_wait_set_to_no_interval_or_beyond_any_timeout_still_takes_the_matcher_instead_of_stopping_trading(
    db, actors, desk, database_url
):
    take = "SELECT take_book_matcher('EUA')"
    with sessions(database_url, "matcher", "trader") as (observer, matcher, trader):
        warnings: list[str] = []
        trader.conn.add_notice_handler(lambda notice: warnings.append(notice.message_primary))
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        trader.run("SET carbon.matcher_wait = 'a little while'")
        started = time.monotonic()
        timed_out = trader.run(take)
        waited = time.monotonic() - started
        trader.run("SET carbon.matcher_wait = '1000 years'")  # beyond what lock_timeout can hold: waits its largest
        taking = trader.start(take)
        observer.until_waiting(trader, taking)

        matcher.run("ROLLBACK")
        taken = taking.result(timeout=20)

    assert timed_out == (False,) and waited >= 0.1
    assert warnings == ['carbon.matcher_wait is set to "a little while", which is not an interval: waiting 100 ms']
    assert taken == (True,)


def test_an_order_whose_wait_for_a_busy_matcher_runs_out_is_queued_and_matched_by_the_next_matcher(
    db, actors, desk, database_url
):
    with sessions(database_url, "matcher", "trader") as (observer, matcher, trader):
        matcher.run("BEGIN")
        assert matcher.run(ENTER, (actors.admin.id, "EUA", "SELL", "LIMIT", 5, 81, desk.ah.id))[0] == "DONE"

        queued, request_key, _ = submit(trader, actors.trader.id, "EUA", "BUY", "LIMIT", 5, 81, None)
        waiting = trader.start(AWAIT, (request_key, actors.trader.id))
        assert observer.until_waiting(trader, waiting) == "advisory"  # for the matcher at work, not a row

        matcher.run("COMMIT")
        done, _, order = outcome(waiting.result(timeout=20))

    assert queued == "QUEUED"
    assert done == "DONE" and order["status"] == "FILLED"
    assert [(f["price"], f["quantity"]) for f in order["fills"]] == [(Decimal("81.00"), 5)]
    assert request(db, request_key)["order_id"] == order["id"]
    assert_healthy(db)


def test_a_matcher_matches_the_orders_waiting_in_the_inbox_and_their_clients_only_collect(
    db, actors, desk, database_url
):
    with sessions(database_url, "matcher", "trader") as (_observer, matcher, trader):
        matcher.run("BEGIN")
        assert matcher.run(BUSY, ("EUA",))[0] is True
        _, request_key, _ = submit(trader, actors.trader.id, "EUA", "BUY", "LIMIT", 2, 80, None)

        matcher.run("SELECT 1 FROM markets WHERE certificate_type = 'EUA' FOR UPDATE")
        assert matcher.run("SELECT match_waiting_orders('EUA')")[0] == 1
        matcher.run("COMMIT")
        done, _, order = outcome(trader.run(AWAIT, (request_key, actors.trader.id)))

    assert done == "DONE" and (order["status"], order["remaining_quantity"]) == ("OPEN", 2)
    assert_healthy(db)


def test_a_waiter_another_waiter_is_passing_the_barrier_queues_for_the_matcher_lock_instead_of_giving_up(
    db, actors, desk, database_url
):
    barrier = "SELECT pg_advisory_lock_shared(7302, book_matcher_key('EUA'))"  # what each waiter passes
    with sessions(database_url, "matcher", "trader", "other_waiter") as (observer, matcher, trader, other_waiter):
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        _, request_key, _ = submit(trader, actors.trader.id, "EUA", "BUY", "LIMIT", 2, 80, None)
        matcher.run("ROLLBACK")  # that matcher leaves without matching: the order still waits, nobody matches
        other_waiter.run(barrier)

        waiting = trader.start(AWAIT, (request_key, actors.trader.id))
        assert observer.until_waiting(trader, waiting) == "advisory"  # queued for the matcher lock

        other_waiter.run("SELECT pg_advisory_unlock_shared(7302, book_matcher_key('EUA'))")
        done, _, order = outcome(waiting.result(timeout=20))

    assert done == "DONE" and order["status"] == "OPEN"
    assert request(db, request_key)["order_id"] == order["id"]
    assert_healthy(db)


def test_a_cancel_waits_for_the_matcher_and_then_cancels(db, actors, desk, database_url):
    resting = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 3, "79.00")

    with sessions(database_url, "matcher", "canceller") as (observer, matcher, canceller):
        matcher.run("BEGIN")
        matcher.run(ENTER, (actors.admin.id, "EUA", "SELL", "LIMIT", 1, 90, desk.ah.id))
        cancelling = canceller.start("SELECT (cancel_order(%s, %s)).status", (resting.id, actors.trader.id))
        observer.until_waiting(canceller, cancelling)  # the book lock

        matcher.run("COMMIT")
        assert cancelling.result(timeout=20)[0] == "CANCELLED"

    assert_healthy(db)


def test_two_orders_placed_directly_on_one_book_queue_and_the_second_trades_with_the_first(
    db, actors, desk, database_url
):
    place = "SELECT (place_order(%s, %s, 'LIMIT', %s, %s, %s, %s, %s)).status"
    with sessions(database_url, "seller", "buyer") as (observer, seller, buyer):
        seller.run("BEGIN")
        assert seller.run(place, ("EUA", "SELL", 5, 81, desk.ah.id, None, actors.admin.id))[0] == "OPEN"
        buyer.run("BEGIN")
        buying = buyer.start(place, ("EUA", "BUY", 5, 81, None, actors.entity.id, actors.trader.id))
        observer.until_waiting(buyer, buying)

        seller.run("COMMIT")
        assert buying.result(timeout=20)[0] == "FILLED"
        buyer.run("COMMIT")

    assert_healthy(db)


def test_matchers_of_two_books_never_wait_for_each_others_balance_rows(db, actors, desk, database_url):
    # two firms with orders waiting in the CEA inbox; the EUA matcher holds the first firm's EUR row meanwhile
    other_firm = create_entity(db, "Other Firm", actors.admin.id)
    fund_entity(db, other_firm.id, "EUR", "1000.00", actors.admin.id)
    other = create_user(db, "other-trader", PASSWORD, "TRADER", entity_id=other_firm.id)

    with sessions(database_url, "cea", "eua", "first", "second", "seller") as (
        _observer,
        cea,
        eua,
        first,
        second,
        seller,
    ):
        cea.run("BEGIN")
        cea.run(BUSY, ("CEA",))
        _, other_key, _ = submit(second, other.id, "CEA", "BUY", "LIMIT", 1, 14, None)
        _, trader_key, _ = submit(first, actors.trader.id, "CEA", "BUY", "LIMIT", 1, 14, None)
        cea.run("ROLLBACK")  # that matcher leaves without matching: both orders still wait
        eua.run("BEGIN")
        eua.run(ENTER, (actors.trader.id, "EUA", "BUY", "LIMIT", 1, 80, None))  # holds the trader's EUR row

        # the next CEA matcher places the other firm's order, must not wait for the trader's EUR row while it holds
        # rows of that first order, so leaves the trader's order waiting, and still places its own
        own, _, _ = submit(seller, actors.admin.id, "CEA", "SELL", "LIMIT", 1, 20, desk.ah.id)
        other_state, trader_state = request(db, other_key), request(db, trader_key)

        eua.run("COMMIT")
        collected, _, order = outcome(first.run(AWAIT, (trader_key, actors.trader.id)))

    assert own == "DONE"
    assert other_state["order_id"] is not None and trader_state["processed_at"] is None
    assert collected == "DONE" and order["entity_id"] == actors.entity.id
    assert_healthy(db)


def test_an_order_queued_by_a_client_that_vanished_is_matched_by_the_next_matcher(db, actors, desk, database_url):
    with sessions(database_url, "matcher", "vanishing", "seller") as (_observer, matcher, vanishing, seller):
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        _, request_key, _ = submit(vanishing, actors.trader.id, "EUA", "BUY", "LIMIT", 2, 80, None)
        vanishing.close()  # accepted, and nobody will ever await it
        matcher.run("ROLLBACK")

        done, _, sold = submit(seller, actors.admin.id, "EUA", "SELL", "LIMIT", 2, 80, desk.ah.id)

    queued = request(db, request_key)
    assert done == "DONE" and sold["status"] == "FILLED"
    assert [f["buy_order_id"] for f in sold["fills"]] == [queued["order_id"]]
    assert_healthy(db)


def test_the_inbox_is_drained_when_no_client_is_left_and_never_behind_a_matcher_at_work(db, actors, desk, database_url):
    with sessions(database_url, "matcher", "vanishing", "job") as (_observer, matcher, vanishing, job):
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        _, request_key, _ = submit(vanishing, actors.trader.id, "EUA", "BUY", "LIMIT", 2, 80, None)
        vanishing.close()
        while_busy = job.run("SELECT drain_order_inbox('EUA')")[0]  # does not wait for the matcher
        matcher.run("ROLLBACK")

        drained = job.run("SELECT drain_order_inbox('EUA')")[0]

    assert (while_busy, drained) == (0, 1)
    assert request(db, request_key)["order_id"] is not None
    assert_healthy(db)


def test_an_order_request_is_collected_only_by_its_own_user(db, actors, desk, database_url):
    with sessions(database_url, "matcher", "trader", "admin") as (_observer, matcher, trader, admin):
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        _, request_key, _ = submit(trader, actors.trader.id, "EUA", "BUY", "LIMIT", 1, 80, None)
        matcher.run("ROLLBACK")

        with pytest.raises(psycopg.Error, match=r"Order request .* does not exist"):
            admin.run(AWAIT, (request_key, actors.admin.id))
        assert outcome(trader.run(AWAIT, (request_key, actors.trader.id)))[0] == "DONE"


def test_a_queued_order_a_crash_took_back_is_reported_as_never_accepted(db, actors, desk):
    # after a crash, core asks for its queued order by the key it chose; no such request means it never reached
    # the disk: the caller hears that nothing was changed, not a result and not a raw error
    lost = uuid.uuid4()

    with pytest.raises(DatabaseUnavailable, match="before your order was accepted; nothing was changed"):
        _await_order(db, lost, actors.trader.id)


def test_the_workers_periodic_drain_matches_an_order_whose_client_vanished(db, actors, desk, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)  # the job's sessions: the worker's own database
    with sessions(database_url, "matcher", "vanishing") as (_observer, matcher, vanishing):
        matcher.run("BEGIN")
        matcher.run(BUSY, ("EUA",))
        _, request_key, _ = submit(vanishing, actors.trader.id, "EUA", "BUY", "LIMIT", 2, 80, None)
        vanishing.close()
        matcher.run("ROLLBACK")

    assert drain_order_inboxes(int(time.time())) == 1  # what the worker runs every tick

    assert request(db, request_key)["order_id"] is not None
    assert_healthy(db)
