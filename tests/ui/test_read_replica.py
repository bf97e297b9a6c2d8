"""The read replica: with ``DATABASE_READ_URL`` set, the Operations and Market Quality pages read through it and
writes still go to the primary; without it, everything uses the one database.

The replica is simulated on the same server by a copy of the test database taken after the arrangement: what is
written to the primary afterwards has not "replicated" yet, so a page that shows the copy's state read from it.
"""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.db import make_session_factory
from core.market_quality import take_snapshot
from tests.helpers import cloned_database
from tests.operations_helpers import create_operation, fund_market_makers
from tests.quality_helpers import leaving_and_moving
from tests.ui.conftest import texts
from ui import runtime

QUALITY = "pages/market_quality.py"
OPERATIONS = "pages/operations.py"


@pytest.fixture
def replica(db, engine, actors, pg_admin_url, database_url, monkeypatch):
    """Four CEA snapshots and one operation, copied to the replica; then a fifth snapshot and a second operation
    written to the primary only. Yields the first operation and a session on the primary."""
    leaving_and_moving(db, actors)
    fund_market_makers(db, actors)
    copied = create_operation(db, actors, "CEA", bid="5000.00", ask="5000.00")
    db.close()
    engine.dispose()  # a database is copied only while nobody is connected to it
    with cloned_database(pg_admin_url, make_url(database_url).database, prefix="t_replica") as replica_url:
        primary = create_engine(database_url)
        with make_session_factory(primary)() as later:
            take_snapshot(later, "CEA")
            create_operation(later, actors, "EUA", bid="4000.00", ask="4000.00")
        monkeypatch.setenv(runtime.READ_URL_VARIABLE, replica_url)
        with make_session_factory(primary)() as session:
            yield copied, session
        primary.dispose()


def test_with_a_replica_the_market_quality_page_reads_it(open_app, actors, replica):
    at = open_app(actors.analyst, QUALITY)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Snapshots"] == "4"  # the primary has 5: the page read the replica


def test_with_a_replica_operations_are_read_there_and_a_withdrawal_reaches_the_primary(open_app, actors, replica):
    copied, primary = replica
    at = open_app(actors.admin, OPERATIONS)

    assert list(at.dataframe[0].value["Ticket"]) == [copied.ticket_id]  # the EUA operation has not replicated yet
    at.selectbox(key="ops_detail").select(copied.id).run()
    at.button(key="ops_withdraw_confirm").click().run()

    assert not at.exception
    assert any(t.startswith("Withdrew ") and f"of {copied.ticket_id}:" in t for t in texts(at.success))
    assert open_orders(primary, copied.id) == 0  # written to the primary


def test_a_session_on_the_replica_cannot_write(actors, replica, app_env):
    with runtime.read_session() as session, pytest.raises(Exception, match="read-only transaction"):
        session.execute(text("INSERT INTO entities (name) VALUES ('written to a replica')"))


def test_without_a_replica_reads_and_writes_share_the_one_database(open_app, db, actors, app_env, monkeypatch):
    monkeypatch.delenv(runtime.READ_URL_VARIABLE, raising=False)
    leaving_and_moving(db, actors)

    at = open_app(actors.analyst, QUALITY)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    assert runtime.read_session_factory() is runtime.session_factory()
    assert {m.label: m.value for m in at.metric}["Snapshots"] == "4"


def open_orders(session, operation_id: int) -> int:
    """Open orders of an operation, read on the primary."""
    count = session.execute(
        text(
            "SELECT count(*) FROM orders WHERE liquidity_operation_id = :id AND status IN ('OPEN', 'PARTIALLY_FILLED')"
        ),
        {"id": operation_id},
    ).scalar_one()
    session.rollback()
    return count
