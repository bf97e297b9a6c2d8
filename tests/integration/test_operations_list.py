"""Operations list: filters, search, sorting, pagination, charts data and the refusals of bad filters."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.errors import ValidationError
from core.operations import (
    OperationFilters,
    export_operations,
    list_operation_creators,
    list_operations,
    operation_daily_stats,
)
from core.users import create_user
from tests.helpers import PASSWORD
from tests.operations_helpers import create_operation, fund_market_makers, trader_sells


def move_operation(db, operation_id: int, when: datetime) -> None:
    """Arrange history: an operation created on another day (liquidity_operations is not append-only)."""
    db.execute(text("UPDATE liquidity_operations SET created_at = :t WHERE id = :id"), {"t": when, "id": operation_id})
    db.commit()


@pytest.fixture
def three_operations(db, actors):
    """CEA today, EUA today, CEA ten days ago; the newest first: [eua, cea, old]."""
    fund_market_makers(db, actors)
    old = create_operation(db, actors, "CEA", bid="1000.00", ask="1000.00")
    move_operation(db, old.id, datetime.now(UTC) - timedelta(days=10))
    cea = create_operation(db, actors, "CEA", bid="3000.00", ask="0")
    eua = create_operation(db, actors, "EUA", bid="5000.00", ask="2000.00")
    return eua, cea, old


def ids(page) -> list[int]:
    return [r.id for r in page.rows]


def test_operations_are_listed_newest_first_with_the_total(db, actors, three_operations):
    eua, cea, old = three_operations

    page = list_operations(db, user_id=actors.admin.id)

    assert ids(page) == [eua.id, cea.id, old.id]
    assert (page.total, page.pages) == (3, 1)


def test_the_certificate_filter_keeps_one_book(db, actors, three_operations):
    eua, cea, old = three_operations

    assert ids(list_operations(db, {"certificate_type": "cea"}, user_id=actors.admin.id)) == [cea.id, old.id]
    assert ids(list_operations(db, OperationFilters(certificate_type="EUA"), user_id=actors.admin.id)) == [eua.id]


def test_the_date_range_is_inclusive_calendar_days(db, actors, three_operations):
    eua, cea, old = three_operations
    today = datetime.now(UTC).date()

    assert ids(list_operations(db, {"date_from": today}, user_id=actors.admin.id)) == [eua.id, cea.id]
    assert ids(list_operations(db, {"date_to": today - timedelta(days=10)}, user_id=actors.admin.id)) == [old.id]
    assert ids(
        list_operations(db, {"date_from": today - timedelta(days=10), "date_to": today}, user_id=actors.admin.id)
    ) == [
        eua.id,
        cea.id,
        old.id,
    ]
    assert list_operations(db, {"date_from": today + timedelta(days=1)}, user_id=actors.admin.id).total == 0


def test_the_creator_filter_keeps_one_admins_operations(db, actors, three_operations):
    other = create_user(db, "admin2", PASSWORD, "ADMIN")
    mine = list_operations(db, {"created_by": actors.admin.id}, user_id=actors.admin.id)

    assert mine.total == 3
    assert list_operations(db, {"created_by": other.id}, user_id=actors.admin.id).total == 0
    assert [c.username for c in list_operation_creators(db, user_id=actors.admin.id)] == ["admin"]


def test_ticket_search_matches_part_of_the_ticket_id_in_any_case(db, actors, three_operations):
    _eua, cea, _old = three_operations
    number = cea.ticket_id.rsplit("-", 1)[1]

    assert ids(list_operations(db, {"ticket_search": cea.ticket_id.lower()}, user_id=actors.admin.id)) == [cea.id]
    assert cea.id in ids(list_operations(db, {"ticket_search": number}, user_id=actors.admin.id))
    assert list_operations(db, {"ticket_search": "TKT-1999"}, user_id=actors.admin.id).total == 0


def test_ticket_search_finds_an_operation_by_every_part_of_its_ticket_id_however_short(db, actors, three_operations):
    _eua, cea, _old = three_operations

    missed = (
        db.execute(
            text(
                "SELECT part FROM generate_series(1, length(:id)) AS a, generate_series(a, length(:id)) AS b,"
                " substr(lower(:id), a, b - a + 1) AS part"
                " WHERE NOT EXISTS (SELECT FROM filtered_operations(NULL, NULL, NULL, NULL, part) f WHERE f.id = :op)"
            ),
            {"id": cea.ticket_id, "op": cea.id},
        )
        .scalars()
        .all()
    )

    assert missed == []


def test_a_ticket_search_reads_only_the_operations_holding_the_parts_trigrams(db, actors):
    db.execute(
        text(
            "INSERT INTO ticket_logs (ticket_id, action, actor_id, entity_type, entity_id)"
            " SELECT 'TKT-B-' || lpad(i::text, 6, '0'), 'CREATE_LIQUIDITY', :admin, 'liquidity_operation', i"
            " FROM generate_series(1, 5000) AS i"
        ),
        {"admin": actors.admin.id},
    )
    db.execute(
        text(
            "INSERT INTO liquidity_operations (ticket_id, certificate_type, target_bid_liquidity_eur,"
            " target_ask_liquidity_eur, actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used,"
            " orders_created, reference_price, price_source, created_by)"
            " SELECT 'TKT-B-' || lpad(i::text, 6, '0'), 'CEA', 100, 100, 100, 100, '[]', '{}', 14, 'mid',"
            " :admin FROM generate_series(1, 5000) AS i"
        ),
        {"admin": actors.admin.id},
    )
    db.execute(text("ANALYZE liquidity_operations"))

    plan = "\n".join(
        db.execute(text("EXPLAIN SELECT count(*) FROM filtered_operations(NULL, NULL, NULL, NULL, '04711')")).scalars()
    )

    assert "Bitmap Index Scan on liquidity_operations_ticket_trigrams_idx" in plan, plan


def test_sorting_by_a_column_of_the_plan_or_of_the_live_state(db, actors, three_operations):
    eua, cea, old = three_operations
    trader_sells(db, actors, "CEA", 30)  # into the best CEA bids, of whichever operation rests them

    by_bid = list_operations(db, {"sort": "actual_bid_liquidity_eur", "descending": False}, user_id=actors.admin.id)
    by_total = list_operations(db, {"sort": "actual_total_eur", "descending": True}, user_id=actors.admin.id)
    by_fill = list_operations(db, {"sort": "fill_ratio", "descending": True}, user_id=actors.admin.id)

    assert ids(by_bid) == [old.id, cea.id, eua.id]
    assert ids(by_total) == [eua.id, cea.id, old.id]
    ratios = [r.fill_ratio for r in by_fill.rows]
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[0] > 0 and ratios[-1] == 0


def test_pages_do_not_overlap_and_a_page_past_the_end_is_empty_with_the_total(db, actors, three_operations):
    eua, cea, old = three_operations

    first = list_operations(db, {"page_size": 2}, user_id=actors.admin.id)
    second = list_operations(db, {"page_size": 2, "page": 2}, user_id=actors.admin.id)
    beyond = list_operations(db, {"page_size": 2, "page": 5}, user_id=actors.admin.id)

    assert (ids(first), ids(second), first.pages) == ([eua.id, cea.id], [old.id], 2)
    assert (beyond.rows, beyond.total) == ([], 3)


def test_the_export_holds_every_matching_operation_whatever_the_page(db, actors, three_operations):
    _eua, cea, old = three_operations

    rows = export_operations(db, {"certificate_type": "CEA", "page_size": 1, "page": 2}, user_id=actors.admin.id)

    assert [r.id for r in rows] == [cea.id, old.id]


def test_daily_stats_sum_what_each_day_deployed_and_filled(db, actors, three_operations):
    eua, cea, _old = three_operations
    sale = trader_sells(db, actors, "EUA", 3)

    stats = {s.day: s for s in operation_daily_stats(db, user_id=actors.admin.id)}

    today = datetime.now(UTC).date()
    assert stats[today].operations == 2
    assert stats[today].deployed_bid_eur == eua.actual_bid_liquidity_eur + cea.actual_bid_liquidity_eur
    assert stats[today].deployed_ask_eur == eua.actual_ask_liquidity_eur
    assert stats[today].filled_eur == sum(f.amount for f in sale.fills)
    assert stats[today - timedelta(days=10)].fill_ratio == 0
    assert list(stats) == sorted(stats)


@pytest.mark.parametrize(
    ("filters", "fragment"),
    [
        ({"sort": "id; DROP TABLE orders"}, "sort: unknown value"),
        ({"certificate_type": "XYZ"}, "certificate type: unknown value 'XYZ'"),
        ({"page": 0}, "page: Input should be greater than or equal to 1"),
        ({"page_size": 10_000}, "page size: Input should be less than or equal to 500"),
        ({"date_from": date(2026, 2, 1), "date_to": date(2026, 1, 1)}, "starts (2026-02-01) after it ends"),
        ({"date_from": "yesterday"}, "date from: Input should be a valid date"),
        ({"ticket_search": "TKT%"}, 'ticket search: A ticket id has only letters, digits and "-", not %'),
        ({"created_by": -3}, "created by: Input should be greater than 0"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message(db, actors, filters, fragment):
    with pytest.raises(ValidationError, match="Invalid operation filters") as refused:
        list_operations(db, filters, user_id=actors.admin.id)

    assert fragment in refused.value.message


def test_filters_must_be_a_mapping_or_the_model(db, actors):
    with pytest.raises(ValidationError, match="Operation filters must be given as OperationFilters or a mapping"):
        list_operations(db, ["CEA"], user_id=actors.admin.id)


def test_the_stored_function_refuses_an_unknown_sort_key_itself(db):
    with pytest.raises(DBAPIError, match='cannot be sorted by "id"'):
        db.execute(text("SELECT * FROM list_operations(NULL, NULL, NULL, NULL, NULL, 'id', true, 50, 0)")).all()
    db.rollback()
