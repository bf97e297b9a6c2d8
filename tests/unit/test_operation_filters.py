"""Filters of the Operations page: what they accept, how they normalise, and the messages they refuse with."""

from datetime import UTC, date, datetime

import pytest

from core.audit import TicketFilters, ticket_search, whole_ticket_id
from core.enums import CertificateType
from core.errors import ValidationError
from core.filters import BEYOND_ANY_PAGE, date_range_of, day_bounds, parse_filters, parse_page_number
from core.operations import OperationFilters, OperationSort


def test_defaults_are_the_newest_fifty_of_everything():
    f = parse_filters(OperationFilters, None, "Operation filters")

    assert (f.sort, f.descending, f.page, f.page_size) == (OperationSort.CREATED_AT, True, 1, 50)
    assert f.sql_params() == {"cert": None, "df": None, "dt": None, "by": None, "ticket": None}


def test_values_are_normalised_from_what_widgets_give():
    f = parse_filters(
        OperationFilters,
        {"certificate_type": " eua ", "sort": "FILL_RATIO", "ticket_search": "  tkt-2026-00  ", "created_by": "3"},
        "Operation filters",
    )

    assert (f.certificate_type, f.sort, f.ticket_search, f.created_by) == (
        CertificateType.EUA,
        OperationSort.FILL_RATIO,
        "tkt-2026-00",
        3,
    )
    assert parse_filters(OperationFilters, {"certificate_type": "", "ticket_search": " "}, "x").ticket_search is None


def test_an_instance_is_taken_as_it_is():
    f = OperationFilters(page=3)

    assert parse_filters(OperationFilters, f, "Operation filters") is f


def test_every_problem_is_named_in_one_message():
    with pytest.raises(ValidationError) as refused:
        parse_filters(OperationFilters, {"page": 0, "sort": "price"}, "Operation filters")

    assert refused.value.message.startswith("Invalid operation filters: ")
    assert "page: Input should be greater than or equal to 1" in refused.value.message
    assert "sort: unknown value 'price': expected one of created_at, ticket_id" in refused.value.message


def test_audit_paging_stops_at_the_count_cap():
    assert TicketFilters(page=200, page_size=50).page == 200
    with pytest.raises(ValidationError, match="only the newest 10,000 matching tickets can be paged"):
        parse_filters(TicketFilters, {"page": 201, "page_size": 50}, "Audit filters")


def test_audit_days_become_a_half_open_utc_range():
    assert day_bounds(date(2026, 1, 31), date(2026, 1, 31)) == (
        datetime(2026, 1, 31, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert day_bounds(None, None) == (None, None)
    f = TicketFilters(date_to=date(2026, 12, 31), action=" ", ticket_id=" tkt-2026-000001 ")
    assert (f.action, f.ticket_id, f.sql_params()["to"]) == (
        None,
        "TKT-2026-000001",
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_a_date_range_field_holds_no_day_one_day_or_two_in_order():
    first, last = date(2026, 11, 1), date(2026, 11, 30)

    assert (date_range_of(()), date_range_of((first,)), date_range_of((first, last))) == (
        (None, None),
        (first, first),  # one picked day is that day alone
        (first, last),
    )


@pytest.mark.parametrize(
    ("days", "said"),
    [
        ((date(2026, 11, 30), date(2026, 11, 1)), "The date range starts (2026-11-30) after it ends (2026-11-01)"),
        (
            (date(2026, 11, 1), date(2026, 11, 5), date(2026, 11, 9)),
            "A date range is one day or two, not 3: 2026-11-01, 2026-11-05, 2026-11-09",
        ),
    ],
)
def test_days_a_link_gave_a_date_range_field_that_are_no_range_are_refused_saying_why(days, said):
    with pytest.raises(ValidationError) as refused:
        date_range_of(days)

    assert refused.value.message == said


def test_a_ticket_search_is_trimmed_and_a_blank_one_is_no_search():
    assert (ticket_search("  tkt-2026-00 "), ticket_search("   "), ticket_search(None)) == ("tkt-2026-00", None, None)


@pytest.mark.parametrize("typed", ["\u200b", " \ufeff\u200b "])
def test_a_ticket_search_of_invisible_characters_alone_is_no_search_not_a_refusal_of_what_cannot_be_seen(typed):
    assert ticket_search(typed) is None and whole_ticket_id(typed) is None


@pytest.mark.parametrize("part", ["TKT-2026", "000123", "TKT-2026-00012", "TKT-26-000123"])
def test_the_audit_logs_ticket_field_refuses_a_part_of_an_id_saying_it_finds_whole_ids(part):
    with pytest.raises(ValidationError, match=f"Type a whole ticket id, like TKT-2026-000123, not '{part}'"):
        whole_ticket_id(part)


def test_a_ticket_search_names_each_character_no_ticket_id_has_once_in_the_order_typed_and_a_space_last():
    with pytest.raises(ValidationError) as refused:
        ticket_search("TKT 20%6_%'")

    assert refused.value.message == 'A ticket id has only letters, digits and "-", not % _ \' or a space'


def test_a_range_to_the_last_day_a_date_field_offers_has_no_end_instead_of_overflowing():
    # 9999-12-31 plus a day is no Python date: the audit log's read raised OverflowError
    assert day_bounds(date.min, date.max) == (datetime(1, 1, 1, tzinfo=UTC), None)
    assert TicketFilters(date_from=date(2099, 1, 1), date_to=date.max).sql_params()["to"] is None


@pytest.mark.parametrize(
    ("typed", "page"),
    [("3", 3), (" 12 ", 12), ("1,234", 1234), ("+2", 2), ("0", 0), ("-1", -1), ("007", 7), (4, 4),
     ("9" * 5000, BEYOND_ANY_PAGE)],
)  # fmt: skip
def test_a_page_number_is_a_whole_number_in_digits_even_one_that_is_no_page(typed, page):
    assert parse_page_number(typed) == page  # the pager brings 0, -1 and the too large to the nearest page


@pytest.mark.parametrize(
    ("typed", "said"),
    [("1e3", "'1e3'"), ("1E3", "'1E3'"), ("2.5", "'2.5'"), ("2.0", "'2.0'"), ("abc", "'abc'"), ("", "nothing"),
     ("   ", "nothing"), (None, "nothing"), ("1,23", "'1,23'"), ("1 000", "'1 000'"), ("²", "'²'"), ("١٢", "'١٢'"),
     (True, "'True'"), (2.5, "'2.5'")],
)  # fmt: skip
def test_a_page_number_in_exponent_notation_or_with_decimals_is_refused_as_no_whole_number(typed, said):
    with pytest.raises(ValidationError) as refused:
        parse_page_number(typed)

    assert refused.value.message == f"Page is a whole number, got {said}"
