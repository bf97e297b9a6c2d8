"""Cached reads of the Operations page. Filters travel as JSON (hashable cache keys); results are core records.
Every read names the acting user (part of the cache key): core refuses anyone who may not see it.

Every read is keyed by ``version()`` as well, which changes with every write anywhere (a trade, an order, another
page's liquidity operation), so a cached answer is never older than the data; ``TTL`` only bounds memory. The
page's own write (withdrawal) also empties the caches at once with ``clear()``. Every read goes through
``read_session()``: the read replica when ``DATABASE_READ_URL`` is set (the withdrawal itself never does).
"""

import streamlit as st

from core.audit import (
    Actor,
    TicketFilters,
    TicketLog,
    TicketPage,
    export_tickets,
    list_actors,
    list_ticket_actions,
    list_ticket_entity_types,
    list_tickets,
)
from core.enums import CertificateType
from core.market import OrderBook, get_order_book
from core.operations import (
    Creator,
    DailyStat,
    OperationDetail,
    OperationFilters,
    OperationPage,
    OperationSummary,
    RestingDepth,
    export_operations,
    get_operation_detail,
    list_operation_creators,
    list_operations,
    operation_daily_stats,
    operation_resting_depth,
    read_version,
)
from ui.runtime import read_session

TTL = "5m"


@st.cache_data(ttl=TTL, max_entries=200, show_spinner=False)
def operations_page(filters_json: str, data_version: str, user_id: int) -> OperationPage:
    with read_session() as db:
        return list_operations(db, OperationFilters.model_validate_json(filters_json), user_id=user_id)


@st.cache_data(ttl=TTL, max_entries=20, show_spinner=False)
def all_operations(filters_json: str, data_version: str, user_id: int) -> list[OperationSummary]:
    with read_session() as db:
        return export_operations(db, OperationFilters.model_validate_json(filters_json), user_id=user_id)


@st.cache_data(ttl=TTL, max_entries=200, show_spinner=False)
def operation_detail(operation_id: int, data_version: str, user_id: int) -> OperationDetail:
    with read_session() as db:
        return get_operation_detail(db, operation_id, user_id=user_id)


@st.cache_data(ttl=TTL, max_entries=4, show_spinner=False)
def order_book(certificate_type: CertificateType, data_version: str) -> OrderBook:
    with read_session() as db:
        return get_order_book(db, certificate_type, depth=50)


@st.cache_data(ttl=TTL, max_entries=100, show_spinner=False)
def daily_stats(filters_json: str, data_version: str, user_id: int) -> list[DailyStat]:
    with read_session() as db:
        return operation_daily_stats(db, OperationFilters.model_validate_json(filters_json), user_id=user_id)


@st.cache_data(ttl=TTL, max_entries=100, show_spinner=False)
def resting_depth(filters_json: str, data_version: str, user_id: int) -> list[RestingDepth]:
    with read_session() as db:
        return operation_resting_depth(db, OperationFilters.model_validate_json(filters_json), user_id=user_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def creators(data_version: str, user_id: int) -> list[Creator]:
    with read_session() as db:
        return list_operation_creators(db, user_id=user_id)


@st.cache_data(ttl=TTL, max_entries=200, show_spinner=False)
def tickets_page(filters_json: str, data_version: str, user_id: int) -> TicketPage:
    with read_session() as db:
        return list_tickets(db, TicketFilters.model_validate_json(filters_json), user_id=user_id)


@st.cache_data(ttl=TTL, max_entries=20, show_spinner=False)
def all_tickets(filters_json: str, data_version: str, user_id: int) -> list[TicketLog]:
    with read_session() as db:
        return export_tickets(db, TicketFilters.model_validate_json(filters_json), user_id=user_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def audit_options(data_version: str, user_id: int) -> tuple[list[str], list[str], list[Actor]]:
    """Actions, object types and users the audit filters offer."""
    with read_session() as db:
        return (
            list_ticket_actions(db, user_id=user_id),
            list_ticket_entity_types(db, user_id=user_id),
            list_actors(db, user_id=user_id),
        )


def version() -> str:
    """Not cached: the token the other reads are cached under."""
    with read_session() as db:
        return read_version(db)


def clear() -> None:
    """Forget every cached read of this page: called after a write so the next run reads fresh state."""
    for cached in (
        operations_page,
        all_operations,
        operation_detail,
        order_book,
        daily_stats,
        resting_depth,
        creators,
        tickets_page,
        all_tickets,
        audit_options,
    ):
        cached.clear()
