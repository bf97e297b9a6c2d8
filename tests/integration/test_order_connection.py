"""The connection an order is placed on (core.sqlcall.autocommit_row): taken straight from the session's pool in
autocommit mode, it goes back in the mode every unit of work expects, and one that broke is never handed out again.

Each test uses a pool of one connection, so the order and whatever comes after it share that connection.
"""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import make_session_factory
from core.errors import DatabaseUnavailable, PermissionDenied
from core.orders import place_order
from tests.trading import fund_trader


@pytest.fixture
def one_connection(database_url):
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def autocommit_of_the_pooled_connection(engine) -> bool:
    pooled = engine.raw_connection()
    try:
        return pooled.driver_connection.autocommit
    finally:
        pooled.close()


def test_a_placed_and_a_refused_order_give_their_connection_back_in_transaction_mode(db, actors, one_connection):
    fund_trader(db, actors, eur="1000.00")
    session = make_session_factory(one_connection)()

    place_order(session, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "10.00")
    after_placed = autocommit_of_the_pooled_connection(one_connection)
    with pytest.raises(PermissionDenied):
        place_order(session, actors.analyst.id, "EUA", "BUY", "LIMIT", 1, "10.00")  # refused inside the CALL
    after_refused = autocommit_of_the_pooled_connection(one_connection)
    session.execute(text("UPDATE entities SET name = 'Renamed' WHERE id = :e"), {"e": actors.entity.id})
    session.rollback()  # a unit of work that fails changes nothing: the connection is not in autocommit

    assert (after_placed, after_refused) == (False, False)
    assert db.execute(text("SELECT name FROM entities WHERE id = :e"), {"e": actors.entity.id}).scalar_one() != (
        "Renamed"
    )
    session.close()


def test_an_order_on_a_connection_whose_backend_was_killed_is_refused_and_the_next_gets_a_fresh_one(
    db, actors, one_connection
):
    fund_trader(db, actors, eur="1000.00")
    session = make_session_factory(one_connection)()
    place_order(session, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "10.00")
    pooled = one_connection.raw_connection()
    pid = pooled.driver_connection.info.backend_pid
    pooled.close()
    db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    db.commit()

    with pytest.raises(DatabaseUnavailable):
        place_order(session, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "10.00")
    placed = place_order(session, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "10.00")

    assert placed.status == "OPEN"
    session.close()


def test_an_order_that_cannot_reach_the_database_is_refused_with_a_typed_error(actors, database_url):
    unreachable = create_engine(make_url(database_url).set(database="no_such_database"), pool_size=1)
    session = make_session_factory(unreachable)()

    with pytest.raises(DatabaseUnavailable):
        place_order(session, actors.trader.id, "EUA", "BUY", "LIMIT", 1, "10.00")
    session.close()
    unreachable.dispose()
