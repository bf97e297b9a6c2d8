"""Audit trail reads: ticket_logs filtered by action, actor, object and time, newest first, counted up to a cap."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, text

from core import audit, auth
from core.audit import (
    TicketFilters,
    export_tickets,
    list_actors,
    list_ticket_actions,
    list_ticket_entity_types,
    list_tickets,
)
from core.entities import fund_entity
from core.errors import ValidationError
from core.kill_switch import pause_liquidity, resume_liquidity
from core.market_makers import create_market_maker, deactivate_market_maker
from core.user_accounts import create_user_account, deactivate_user
from tests.helpers import snapshot


@pytest.fixture
def history(db, actors):
    """Tickets by the admin: the actors' entity, a market maker created, funded and deactivated, a deposit."""
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="100.00")
    deactivate_market_maker(db, mm.id, actors.admin.id)
    fund_entity(db, actors.entity.id, "EUR", "50.00", actors.admin.id)
    return mm


def actions(page) -> list[str]:
    return [t.action for t in page.rows]


def test_tickets_are_listed_newest_first_with_the_actor_and_both_states(db, actors, history):
    page = list_tickets(db, user_id=actors.admin.id)

    assert actions(page) == ["FUND_ACCOUNT", "DEACTIVATE_MARKET_MAKER", "CREATE_MARKET_MAKER", "CREATE_ENTITY"]
    assert (page.total, page.total_is_exact) == (4, True)
    deactivation = page.rows[1]
    assert (deactivation.actor_username, deactivation.entity_type, deactivation.entity_id) == (
        "admin",
        "market_maker",
        history.id,
    )
    assert (deactivation.before_state, deactivation.after_state) == ({"is_active": True}, {"is_active": False})


def test_amounts_in_a_tickets_states_are_read_exactly_as_recorded_never_as_floats(db, actors, history):
    (deposit,) = list_tickets(db, {"action": "FUND_ACCOUNT"}, user_id=actors.admin.id).rows
    (exported,) = [t for t in export_tickets(db, user_id=actors.admin.id) if t.action == "FUND_ACCOUNT"]

    amounts = [v for v in deposit.after_state.values() if not isinstance(v, str | bool | None)]
    assert amounts and all(isinstance(v, Decimal) for v in amounts), deposit.after_state
    assert Decimal("50.00") in amounts and str(Decimal("50.00")) == "50.00"
    assert exported.after_state == deposit.after_state


def test_filters_by_action_actor_and_object(db, actors, history):
    assert actions(list_tickets(db, {"action": "FUND_ACCOUNT"}, user_id=actors.admin.id)) == ["FUND_ACCOUNT"]
    assert list_tickets(db, {"actor_id": actors.admin.id}, user_id=actors.admin.id).total == 4
    assert list_tickets(db, {"actor_id": actors.analyst.id}, user_id=actors.admin.id).total == 0
    by_object = list_tickets(
        db, TicketFilters(entity_type="market_maker", entity_id=history.id), user_id=actors.admin.id
    )
    assert actions(by_object) == ["DEACTIVATE_MARKET_MAKER", "CREATE_MARKET_MAKER"]
    assert list_tickets(db, {"entity_type": "entity"}, user_id=actors.admin.id).total == 2


def test_an_actors_tickets_narrowed_by_object_type_and_action_are_counted_from_the_actors_index_alone(
    db, actors, history
):
    by_admin = {"actor_id": actors.admin.id}
    # the capped count's own statement, planned as it is at a million tickets (an index, not the whole table)
    db.execute(text("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"))
    plan = "\n".join(
        db.execute(
            text(
                "EXPLAIN SELECT count(*) FROM (SELECT 1 FROM ticket_logs l WHERE l.actor_id = :a"
                " AND l.entity_type = 'market_maker' AND l.action = 'CREATE_MARKET_MAKER' LIMIT 10000) c"
            ),
            {"a": actors.admin.id},
        ).scalars()
    )
    db.rollback()

    narrowed = list_tickets(db, {**by_admin, "entity_type": "market_maker"}, user_id=actors.admin.id)
    one_action = list_tickets(
        db, {**by_admin, "entity_type": "market_maker", "action": "CREATE_MARKET_MAKER"}, user_id=actors.admin.id
    )

    assert "Index Only Scan using ticket_logs_actor_filters_idx" in plan, plan
    assert actions(narrowed) == ["DEACTIVATE_MARKET_MAKER", "CREATE_MARKET_MAKER"] and narrowed.total == 2
    assert actions(one_action) == ["CREATE_MARKET_MAKER"] and one_action.total == 1


def test_filters_by_time_in_inclusive_utc_days_and_by_ticket_id(db, actors, history):
    every = list_tickets(db, user_id=actors.admin.id).rows
    newest = every[0]
    # the days the tickets fall on, in UTC (a run across midnight puts them on two: "today" was wrong for some)
    days = [t.created_at.astimezone(UTC).date() for t in every]
    first, last = min(days), max(days)

    for day in set(days):
        assert list_tickets(db, {"date_from": day, "date_to": day}, user_id=actors.admin.id).total == days.count(day)
    assert list_tickets(db, {"date_from": first, "date_to": last}, user_id=actors.admin.id).total == 4
    assert list_tickets(db, {"date_to": first - timedelta(days=1)}, user_id=actors.admin.id).total == 0
    assert list_tickets(db, {"date_from": last + timedelta(days=1)}, user_id=actors.admin.id).total == 0
    assert [t.id for t in list_tickets(db, {"ticket_id": newest.ticket_id}, user_id=actors.admin.id).rows] == [
        newest.id
    ]
    typed_in_lower_case = {"ticket_id": newest.ticket_id.lower()}  # matched nothing: ticket ids are upper case
    assert [t.id for t in list_tickets(db, typed_in_lower_case, user_id=actors.admin.id).rows] == [newest.id]


def test_pages_follow_each_other_without_overlap(db, actors, history):
    first = list_tickets(db, {"page_size": 3}, user_id=actors.admin.id)
    second = list_tickets(db, {"page_size": 3, "page": 2}, user_id=actors.admin.id)

    assert actions(first) + actions(second) == actions(list_tickets(db, user_id=actors.admin.id))
    assert (first.pages, second.rows[-1].action) == (2, "CREATE_ENTITY")


def test_tickets_of_one_moment_page_by_id_newest_first_each_once_however_deep(db, actors):
    # one transaction: seven tickets of one created_at, so only the id orders them
    db.execute(
        text("SELECT create_ticket('FUND_ACCOUNT', :a, 'entity', :e, NULL, '{}') FROM generate_series(1, 7)"),
        {"a": actors.admin.id, "e": actors.entity.id},
    )
    db.commit()
    every = [t.id for t in list_tickets(db, {"action": "FUND_ACCOUNT"}, user_id=actors.admin.id).rows]

    pages = [
        [
            t.id
            for t in list_tickets(
                db, {"action": "FUND_ACCOUNT", "page_size": 3, "page": n}, user_id=actors.admin.id
            ).rows
        ]
        for n in (1, 2, 3)
    ]

    assert every == sorted(every, reverse=True) and len(every) == 7
    assert pages == [every[:3], every[3:6], every[6:]]


def test_the_total_is_counted_up_to_the_cap_and_says_so(db, actors, history, monkeypatch):
    monkeypatch.setattr(audit, "COUNT_CAP", 3)

    page = list_tickets(db, {"page_size": 2}, user_id=actors.admin.id)

    assert (page.total, page.total_is_exact, len(page.rows)) == (3, False, 2)


def test_paging_stops_at_the_cap(db, actors):
    with pytest.raises(ValidationError, match="only the newest 10,000 matching tickets can be paged"):
        list_tickets(db, {"page": 201, "page_size": 50}, user_id=actors.admin.id)


def test_the_export_ignores_paging(db, actors, history):
    assert [t.action for t in export_tickets(db, {"page_size": 1, "page": 3}, user_id=actors.admin.id)] == actions(
        list_tickets(db, user_id=actors.admin.id)
    )


def test_filter_options_list_each_action_object_type_and_user_once(db, actors, history):
    assert list_ticket_actions(db, user_id=actors.admin.id) == [
        "CREATE_ENTITY",
        "CREATE_MARKET_MAKER",
        "DEACTIVATE_MARKET_MAKER",
        "FUND_ACCOUNT",
    ]
    assert list_ticket_entity_types(db, user_id=actors.admin.id) == ["entity", "market_maker"]
    assert [a.username for a in list_actors(db, user_id=actors.admin.id)] == ["admin", "analyst", "trader"]


@pytest.mark.parametrize(
    ("filters", "fragment"),
    [
        ({"actor_id": 0}, "actor id: Input should be greater than 0"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "after it ends"),
        ({"page_size": 0}, "page size: Input should be greater than or equal to 1"),
        ({"entity_id": "x"}, "entity id: Input should be a valid integer"),
        ({"who": "me"}, "who: Extra inputs are not permitted"),
        ({"ticket_id": "000123"}, "a whole ticket id, like TKT-2026-000123, not '000123'"),
    ],
)
def test_bad_audit_filters_are_refused_with_a_clear_message(db, actors, filters, fragment):
    with pytest.raises(ValidationError, match="Invalid audit filters") as refused:
        list_tickets(db, filters, user_id=actors.admin.id)

    assert fragment in refused.value.message


def test_reading_the_audit_trail_changes_nothing(db, actors, history):
    before = snapshot(db)

    list_tickets(db, {"action": "FUND_ACCOUNT"}, user_id=actors.admin.id)
    export_tickets(db, user_id=actors.admin.id)

    assert snapshot(db) == before


def test_each_ticket_comes_with_the_names_of_the_users_firms_and_market_makers_it_refers_to(db, actors, history):
    trader = create_user_account(db, "desk.trader", "TRADER", actors.entity.id, created_by_id=actors.admin.id).user
    deactivate_user(db, trader.id, created_by_id=actors.admin.id)
    pause_liquidity(db, user_id=actors.admin.id, reason="exchange outage")
    resume_liquidity(db, user_id=actors.admin.id)

    tickets = {t.action: t for t in list_tickets(db, user_id=actors.admin.id).rows}
    exported = {t.action: t for t in export_tickets(db, user_id=actors.admin.id)}

    firm, mm = actors.entity, history
    assert tickets["CREATE_USER"].names.of("user", trader.id) == "desk.trader"  # the object
    assert tickets["CREATE_USER"].names.of("entity", firm.id) == firm.name  # its state's entity_id
    assert tickets["DEACTIVATE_USER"].names.of("user", trader.id) == "desk.trader"
    assert tickets["FUND_ACCOUNT"].names.of("entity", firm.id) == firm.name
    assert tickets["DEACTIVATE_MARKET_MAKER"].names.of("market_maker", mm.id) == "LP"
    assert tickets["RESUME_LIQUIDITY"].names.of("user", actors.admin.id) == "admin"  # paused_by, before
    assert exported == tickets
    (alone,) = list_tickets(db, {"action": "CREATE_USER"}, user_id=actors.admin.id).rows
    assert (alone.names.of("entity", firm.id), alone.names.of("market_maker", mm.id)) == (firm.name, None)


def test_the_names_travel_in_the_one_round_trip_of_the_page(db, actors, history, monkeypatch):
    trips, statements = [], []
    one_trip = auth.rows_in_one_trip
    monkeypatch.setattr(auth, "rows_in_one_trip", lambda *args: trips.append(args) or one_trip(*args))
    count = lambda *args: statements.append(args[2])  # noqa: E731 - any statement sent outside that trip
    event.listen(db.get_bind(), "before_cursor_execute", count)
    try:
        page = list_tickets(db, user_id=actors.admin.id)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", count)

    assert (len(trips), statements) == (1, [])
    assert page.rows[1].names.of("market_maker", history.id) == "LP"


def test_whatever_a_tickets_state_holds_where_an_id_is_expected_the_page_still_reads(db, actors, history):
    db.execute(
        text("SELECT create_ticket('ODD_TICKET', :by, 'user', NULL, CAST(:before AS jsonb), CAST(:after AS jsonb))"),
        {
            "by": actors.admin.id,
            "before": '{"market_maker_id": "abc", "entity_id": 1e30, "paused_by": -1}',
            "after": f'{{"market_maker_ids": [1.5, null, {{"a": 1}}, {history.id}.0], "updated_by": [true]}}',
        },
    )
    db.commit()

    (odd,) = list_tickets(db, {"action": "ODD_TICKET"}, user_id=actors.admin.id).rows

    assert odd.names.of("market_maker", history.id) == "LP"  # the one whole id among them
    assert odd.names.of("entity", actors.entity.id) is None
