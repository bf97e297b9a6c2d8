"""Reads send the role check and their queries in one round trip (core.auth.row_sets_as): rows reach only a caller
the check let through, a query that fails is a typed error, and the session goes on working after either."""

import pytest
from sqlalchemy import text

from core.auth import READERS, row_sets_as, rows_as
from core.errors import NotFound, PermissionDenied

ACTION = "read the test rows"


def test_the_rows_of_each_query_come_back_in_order_with_their_parameters(db, actors):
    first, second = row_sets_as(
        db,
        actors.analyst.id,
        READERS,
        ACTION,
        ("SELECT CAST(:n AS int) + 1 AS n", {"n": 41}),
        ("SELECT x FROM generate_series(1, :k) x ORDER BY x DESC", {"k": 3}),
    )

    assert first == [{"n": 42}]
    assert second == [{"x": 3}, {"x": 2}, {"x": 1}]


@pytest.mark.parametrize("who", ["trader", "unknown", "inactive"])
def test_a_caller_the_check_refuses_gets_no_rows_even_when_the_query_ran(db, actors, who):
    if who == "inactive":
        db.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": actors.analyst.id})
        db.commit()
    user_id = {"trader": actors.trader.id, "unknown": 10**9, "inactive": actors.analyst.id}[who]

    with pytest.raises(PermissionDenied, match=ACTION):
        rows_as(db, user_id, READERS, ACTION, "SELECT username FROM users")

    assert rows_as(db, actors.admin.id, READERS, ACTION, "SELECT 1 AS one") == [{"one": 1}]


def test_a_query_that_fails_is_a_typed_error_and_the_session_goes_on(db, actors):
    with pytest.raises(NotFound, match="nothing here"):
        row_sets_as(
            db,
            actors.admin.id,
            READERS,
            ACTION,
            ("SELECT 1 AS one", {}),
            ("SELECT raise_error('CB404', 'nothing here')", {}),
        )

    assert rows_as(db, actors.admin.id, READERS, ACTION, "SELECT 2 AS two") == [{"two": 2}]


def test_a_percent_sign_in_the_sql_is_sent_as_written(db, actors):
    rows = rows_as(db, actors.admin.id, READERS, ACTION, "SELECT 'TKT-%' LIKE 'TKT-%' AS same, 7 % 4 AS rest")

    assert rows == [{"same": True, "rest": 3}]
