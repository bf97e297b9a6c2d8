"""Operations: the liquidity created, how much of it traded, and who did what (admins and analysts).

Read-only for analysts. Admins may withdraw an operation's remaining liquidity (core refuses anyone else).
"""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import streamlit as st
from pydantic import BaseModel

from core.audit import COUNT_CAP, TicketFilters, ticket_search, whole_ticket_id
from core.enums import Role
from core.errors import CoreError, NotFound, ValidationError
from core.filters import date_range_of, parse_filters
from core.liquidity_service import withdraw_liquidity
from core.operations import OperationFilters, OperationSort, OperationSummary
from core.validation import echoed, parse_id
from ui import labels
from ui import operations_data as data
from ui.choices import any_or_one
from ui.downloads import csv_bytes
from ui.feedback import field_error, field_note, field_warning
from ui.format import counted, eur, md_escape, md_escape_lines, price, units
from ui.grids import NEWEST_FIRST, paged_grid
from ui.metrics import Metric, metric_row
from ui.navigation import CREATE_LIQUIDITY, OPERATIONS
from ui.operations_view import (
    AFTER_JSON,
    BEFORE_JSON,
    FILL_RATIO,
    OPERATION_MONEY,
    ORDER_MONEY,
    ORDER_PRICES,
    SORT_LABELS,
    deployed_per_day_figure,
    fill_ratio_figure,
    fill_ratio_text,
    levels_figure,
    operation_label,
    operations_csv,
    operations_shown,
    orders_csv,
    orders_frame,
    priced,
    resting_depth_figure,
    sort_order_text,
    tickets_frame,
)
from ui.paging import page_field, page_for_filters
from ui.runtime import db_session
from ui.session import require_user, signed_in
from ui.url_state import dates_note, dates_said_by_url, said_by_url, say_not_taken

user = require_user()
is_admin = user.role is Role.ADMIN
CREATE_LINK = CREATE_LIQUIDITY if user.role in CREATE_LIQUIDITY.roles else None  # admins only
# what the withdrawal callback reports to the run that follows it (an error, or the success message)
WITHDRAW_OUTCOME_KEY = "ops_withdraw_outcome"
M = TypeVar("M", bound=BaseModel)
# the view, its filters and how the table is cut are kept in the URL: a reload, or a link sent to a colleague, opens
# on them (the Audit log came back as Operations; a reload dropped the days and the ticket an analyst had narrowed to)
URL = "query-params"
# what a link just opened says for each of them, read before they are drawn: one its field cannot take (Streamlit
# drops it unsaid and draws the default) is said under its row, as Market Quality says its own. A typed filter (a
# ticket, an object id) is never dropped: core reads it, and refuses it under its field as if it had been typed
LINK = said_by_url(
    (
        *("ops_view", "ops_cert", "ops_sort", "ops_desc", "ops_page_size", "ops_creator"),
        *("audit_action", "audit_actor", "audit_object_type"),
    )
)
DETAIL = "ops_detail"  # the operation whose detail is open: its box's key, and its id in the URL
VIEWS = ["Operations", "Charts", "Audit log"]
CERTIFICATES = ["All", "CEA", "EUA"]
ANYONE = "Anyone"  # a person filter on no one: the box's first option, and what a link's unknown person leaves
PAGE_SIZES = [25, 50, 100, 200]
MONEY = st.column_config.NumberColumn(format="euro")
PRICE = st.column_config.NumberColumn()  # sorted as a number, written as ui.format.price writes it (priced)
DATE_RANGE_WIDTH = 250  # px
# Streamlit's date field (React Aria, since 1.67) takes typed days when it is left or its calendar closes, never on
# Enter, and has no option to: said on the field, since an analyst who typed two days and pressed Enter saw nothing
DATE_RANGE_HELP = (
    "Pick the first and the last day in the calendar, or type them (Tab moves to the last day): typed days apply once "
    "you leave the field (Tab, Esc or a click elsewhere), not on Enter."
)
# a number (the grid sorts by the share) written as ui.operations_view.fill_ratio_text writes it, as in the detail
RATIO = st.column_config.NumberColumn(alignment="right")


def dropped(key: str) -> str | None:
    """What the link said for the field bound to ``key`` that its widget, just drawn, did not take (None: it took it,
    or the link said nothing)."""
    return LINK[key] if key in LINK and key not in st.query_params else None


def date_range(key: str) -> tuple[date | None, date | None] | None:
    """Inclusive days; a single picked day is a one-day range. A link's days the field did not take are said under
    it; days it took that are no range (core's ``date_range_of``) are refused there, and None is returned: the
    caller stops once its row of filters is drawn."""
    said = dates_said_by_url(key)
    box = st.container(gap=None, width=DATE_RANGE_WIDTH)  # the field, and under it what is said about its days
    # wide enough for both days (yyyy-mm-dd) whole: in a row of filters it shrank to cut the second day at 1280 px
    # every day a person can type: outside the field's own bounds (ten years either side by default) a typed 2099 was
    # refused in the browser with a red outline alone, and the table stayed filtered by the range before it
    days = box.date_input(
        "Created between",
        value=(),
        min_value=date.min,
        max_value=date.max,
        key=key,
        format="YYYY-MM-DD",
        width=DATE_RANGE_WIDTH,
        help=DATE_RANGE_HELP,
        bind=URL,
    )
    field_warning(box, dates_note("Created between", said, key))
    try:
        return date_range_of(days)
    except CoreError as exc:
        field_error(box, exc.message)
        return None


def parsed(model: type[M], values: dict[str, object], what: str) -> M:
    """Filters from the widgets, or a clear message and nothing else when they do not make sense."""
    try:
        return parse_filters(model, values, what)
    except CoreError as exc:
        st.error(md_escape(exc.message), icon=":material/error:")
        st.stop()


def pager_with_export(prefix: str, caption: str, label: str, csv: Callable[[], bytes], file_name: str) -> None:
    """Under a paged table: the page number (key ``{prefix}_page``), where we are, and a CSV of every match."""
    with st.container(horizontal=True, vertical_alignment="center"):
        page_field(f"{prefix}_page")
        st.caption(caption)
        st.download_button(
            label,
            data=csv,
            file_name=file_name,
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key=f"{prefix}_csv",
        )


@signed_in  # a callback runs before app.py's check: from a tab signed out meanwhile it withdrew everything
def withdraw(operation_id: int, ticket_id: str) -> None:
    """Confirmed in the popover: core checks the role and refuses anything but an admin."""
    try:
        with db_session() as db:
            result = withdraw_liquidity(db, operation_id, user.id)
    except CoreError as exc:
        st.session_state[WITHDRAW_OUTCOME_KEY] = ("error", exc.message)
        return
    data.clear()
    st.session_state[WITHDRAW_OUTCOME_KEY] = (
        "success",
        f"Withdrew {counted(result.orders_cancelled, 'order')} of {ticket_id}: {eur(result.eur_unlocked)} and "
        f"{units(result.certificates_unlocked)} certificates unlocked ({result.ticket_id})",
    )


def ticket_field(key: str, read: Callable[[str], str | None], help: str) -> tuple[str | None, bool]:
    """The Ticket id field, the last of its filters' row, read by core (``read``): what it searches for, and whether
    it was refused (said under it). The caller stops once the notes under the row are said: a search that can match
    nothing gets no table. Its placeholder is an id alone, whole in the narrowest field; ``help`` says what else it
    takes."""
    box = st.container(gap=None)
    typed = box.text_input("Ticket id", placeholder="TKT-2026-000123", key=key, help=help, bind=URL)
    try:
        return read(typed), False
    except CoreError as exc:
        field_error(box, exc.message)
        return None, True


def operation_filters() -> dict[str, object]:
    with st.container(border=True, horizontal=True, vertical_alignment="top", key="ops_filters"):
        cert = st.segmented_control("Certificate", CERTIFICATES, default="All", required=True, key="ops_cert", bind=URL)
        days = date_range("ops_dates")
        people = data.creators(version, user.id)
        names = {c.id: c.username for c in people}
        creator = any_or_one("Created by", list(names), names.__getitem__, ANYONE, key="ops_creator", bind=URL)
        ticket, ticket_refused = ticket_field(
            "ops_ticket", ticket_search, "A whole ticket id, or any part of it: 000123, 2026-0001, tkt-2026"
        )
    below = st.container()  # a link's values not taken are said even when a field refused what it holds
    say_not_taken(below, "Certificate", dropped("ops_cert"), cert, CERTIFICATES)
    say_not_taken(below, "Created by", dropped("ops_creator"), names.get(creator, ANYONE))
    if ticket_refused or days is None:
        st.stop()  # no table filtered by anything but what the fields show
    date_from, date_to = days
    return {
        "certificate_type": None if cert in (None, "All") else cert,
        "date_from": date_from,
        "date_to": date_to,
        "created_by": creator,
        "ticket_search": ticket,
    }


def operations_view(base: dict[str, object]) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        sort = st.selectbox(
            "Sort by", list(SORT_LABELS), format_func=SORT_LABELS.__getitem__, key="ops_sort", width=220, bind=URL
        )
        descending = st.toggle("Largest / newest first", value=True, key="ops_desc", bind=URL)
        page_size = st.selectbox("Rows per page", PAGE_SIZES, index=1, key="ops_page_size", width=140, bind=URL)
    below = st.container()
    say_not_taken(below, "Sort by", dropped("ops_sort"), SORT_LABELS[sort], list(SORT_LABELS.values()))
    say_not_taken(
        below, "Largest / newest first", dropped("ops_desc"), "true" if descending else "false", ["true", "false"]
    )
    say_not_taken(below, "Rows per page", dropped("ops_page_size"), str(page_size), [str(n) for n in PAGE_SIZES])
    listing = {**base, "sort": sort or OperationSort.CREATED_AT, "descending": descending, "page_size": page_size}
    signature = parsed(OperationFilters, listing, "Operation filters").model_dump_json()
    first = data.operations_page(signature, version, user.id)
    page = page_for_filters("ops_page", signature, first.pages)
    result = (
        first
        if page == 1
        else data.operations_page(OperationFilters(**listing, page=page).model_dump_json(), version, user.id)
    )

    stats = data.daily_stats(signature, version, user.id)
    deployed = sum((s.deployed_bid_eur + s.deployed_ask_eur for s in stats), start=0)
    filled = sum((s.filled_eur for s in stats), start=0)
    metric_row(
        [
            Metric("Operations", f"{result.total:,}"),
            Metric("EUR deployed", eur(deployed)),
            Metric("EUR traded", eur(filled)),
            Metric("Fill ratio", fill_ratio_text(filled, deployed)),
        ]
    )
    if result.total == 0:
        if any(value is not None for value in base.values()):
            st.info("No liquidity operation matches these filters.", icon=":material/filter_alt_off:")
        else:  # no filter to loosen: there is nothing yet, and an admin is the one who can create some
            st.info("No liquidity operations yet.", icon=":material/water_drop:")
            if CREATE_LINK is not None:
                st.page_link(CREATE_LINK.path, label=CREATE_LINK.title, icon=CREATE_LINK.icon)
        return

    paged_grid(
        operations_shown(result.rows),
        order=sort_order_text(listing["sort"], descending),
        column_config={
            **{c: MONEY for c in OPERATION_MONEY},
            "Reference price": PRICE,
            FILL_RATIO: RATIO,
            "Ticket": st.column_config.TextColumn(),  # not pinned: ui.grids says why
            "Operation id": None,
        },
        key="ops_table",
        alt="Liquidity operations matching the filters, with their live fill state",
    )
    pager_with_export(
        "ops",
        f"Page {page} of {result.pages} · {counted(result.total, 'operation')}",
        "Download filtered operations (CSV)",
        lambda: operations_csv(data.all_operations(signature, version, user.id)),
        "liquidity-operations.csv",
    )
    if result.rows:
        operation_detail(result.rows)


def linked_operation() -> str | None:
    """Before the detail's box is drawn: the operation a link just opened names (``?ops_detail=17``), chosen in the
    box when it exists; when it does not, or is no id, why the box shows none (said under it, and dropped from the
    URL, as Streamlit drops a bound widget's value it cannot take). Nothing when the box has a choice of its own."""
    said = st.query_params.get(DETAIL) if DETAIL not in st.session_state else None
    if said is None or not said.strip():
        return None
    try:
        linked = data.operation_detail(parse_id(said, "Operation id"), version, user.id)
    except CoreError as exc:
        st.query_params.pop(DETAIL, None)
        quoted = f"The link's operation “{echoed(said.strip())}”"
        # a number past any id the database holds is refused by parse_id as too large: no such operation either
        if isinstance(exc, NotFound) or (said.strip().isascii() and said.strip().isdigit()):
            return f"{quoted} does not exist: choose one above."
        if isinstance(exc, ValidationError):
            return f"{quoted} is no operation id (a positive whole number, like 17): choose one above."
        return f"{quoted} is not shown: {exc.message}"
    st.session_state[DETAIL] = linked.summary.id
    return None


def operation_detail(rows: list[OperationSummary]) -> None:
    """The box choosing an operation of the page, and the chosen one's detail. The choice is kept in the URL
    (``ops_detail``): a reload, or a link sent to a colleague, opens on it even once it has left the page (newer
    operations pushed it to the next), as does a choice kept while the filters or the page change."""
    box = st.container(gap=None)
    note = linked_operation()
    choices = {r.id: operation_label(r) for r in rows}
    kept = st.session_state.get(DETAIL)
    elsewhere = kept is not None and kept not in choices
    if elsewhere:  # chosen before, or by the link: it stays chosen
        choices[kept] = operation_label(data.operation_detail(kept, version, user.id).summary)
    chosen = box.selectbox(
        "Operation details",
        list(choices),
        index=None,
        format_func=choices.__getitem__,
        placeholder="Choose an operation of this page to see its orders and tickets",
        key=DETAIL,
    )
    field_warning(box, note)
    if elsewhere and chosen == kept:  # the table shows others than the one open below: said, not left to guess
        field_note(box, "Not on this page of the table: opened by a link, or before the filters or the page changed.")
    if chosen is None:
        st.query_params.pop(DETAIL, None)
        return
    st.query_params[DETAIL] = str(chosen)
    detail = data.operation_detail(chosen, version, user.id)
    s = detail.summary
    st.subheader(f"{s.ticket_id} · {s.certificate_type}", anchor=False)
    st.caption(
        f"Created {s.created_at:%Y-%m-%d %H:%M} UTC by {md_escape(s.created_by_username)} · reference price "
        f"{price(s.reference_price)} ({labels.price_source(s.price_source).lower()}) · {s.orders_created} orders · "
        f"{md_escape(', '.join(s.market_maker_names))}"
    )
    if s.notes:
        st.caption(f"Notes: {md_escape_lines(s.notes)}")  # as the Liquidity policies page shows a policy's notes
    metric_row(
        [
            Metric("Deployed", eur(s.actual_total_eur)),
            Metric(f"Traded · {units(s.filled_quantity)} certificates", eur(s.filled_eur)),
            Metric(f"Resting · {units(s.resting_quantity)} certificates", eur(s.resting_eur)),
            Metric(f"Withdrawn · {units(s.withdrawn_quantity)} certificates", eur(s.withdrawn_eur)),
            Metric("Fill ratio", fill_ratio_text(s.filled_eur, s.actual_total_eur)),
        ]
    )
    outcome = st.session_state.pop(WITHDRAW_OUTCOME_KEY, None)
    if outcome and outcome[0] == "error":
        st.error(md_escape(outcome[1]), icon=":material/error:")
    elif outcome:
        st.success(outcome[1], icon=":material/check_circle:")
        st.toast(outcome[1], icon=":material/check_circle:")
    if is_admin:
        with st.popover(
            "Withdraw remaining liquidity",
            icon=":material/remove_shopping_cart:",
            disabled=s.open_orders == 0,
            help=None if s.open_orders else "Nothing of this operation rests on the book any more",
        ):
            st.markdown(
                f"Cancel the **{counted(s.open_orders, 'open order')}** of {s.ticket_id} and unlock what they hold "
                f"({eur(s.resting_eur)} of resting liquidity). Fills stay as they are."
            )
            st.button(
                "Confirm withdrawal",
                type="primary",
                icon=":material/check:",
                key="ops_withdraw_confirm",
                on_click=withdraw,
                args=(s.id, s.ticket_id),
            )
    else:
        st.caption(":material/visibility: Read-only: withdrawing liquidity is for admins.")

    orders = orders_frame(detail.orders)
    st.dataframe(
        priced(orders, ORDER_MONEY, ORDER_PRICES),
        hide_index=True,
        column_config={"Price": PRICE, "Filled EUR": MONEY},
        alt="Orders of the selected operation",
    )
    st.download_button(
        "Download its orders (CSV)",
        data=orders_csv(detail.orders),
        file_name=f"{s.ticket_id}-orders.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="ops_orders_csv",
    )
    if s.resting_quantity:
        book = data.order_book(s.certificate_type, version)
        st.plotly_chart(levels_figure(detail.orders, book, s.reference_price), key="ops_levels_chart")
    else:  # withdrawn or traded whole: the chart of its levels was an empty frame, its axis from -1 to 4
        st.caption("Nothing of this operation rests on the book any more: it has no levels to draw.")
    st.dataframe(tickets_frame(detail.tickets), hide_index=True, alt="Tickets of the selected operation")


def charts_view(base: dict[str, object]) -> None:
    signature = parsed(OperationFilters, base, "Operation filters").model_dump_json()
    stats = data.daily_stats(signature, version, user.id)
    if not stats:
        st.info("No liquidity operation matches these filters.", icon=":material/info:")
        return
    left, right = st.columns(2)
    left.plotly_chart(deployed_per_day_figure(stats), key="ops_deployed_chart")
    right.plotly_chart(fill_ratio_figure(stats), key="ops_fill_chart")
    depth = data.resting_depth(signature, version, user.id)
    if depth:
        st.plotly_chart(resting_depth_figure(depth), key="ops_depth_chart")
    else:
        st.caption("Nothing of these operations rests on the book any more.")


def audit_view() -> None:
    actions, object_types, actors = data.audit_options(version, user.id)
    names = {a.id: a.username for a in actors}
    with st.container(border=True, horizontal=True, vertical_alignment="top", key="audit_filters"):
        action = any_or_one("Action", actions, labels.action, "Any", key="audit_action", bind=URL)
        actor = any_or_one("Actor", list(names), names.__getitem__, ANYONE, key="audit_actor", bind=URL)
        object_type = any_or_one("Object", object_types, labels.humanize, "Any", key="audit_object_type", bind=URL)
        # typed text read by core: a number input out of range kept filtering by its last valid value, unsaid
        object_box = st.container(gap=None)
        typed_id = object_box.text_input("Object id", placeholder="e.g. 42", key="audit_object_id", bind=URL)
        object_id, object_refused = None, False
        try:
            object_id = parse_id(typed_id, "Object id") if typed_id.strip() else None
        except CoreError as exc:
            field_error(object_box, exc.message)
            object_refused = True
        days = date_range("audit_dates")
        ticket, ticket_refused = ticket_field(
            "audit_ticket",
            whole_ticket_id,
            "The whole ticket id, in any case: the audit log finds a ticket by its whole id (the Operations view "
            "finds parts of ids)",
        )
    below = st.container()
    say_not_taken(below, "Action", dropped("audit_action"), labels.action(action) if action else "Any")
    say_not_taken(below, "Actor", dropped("audit_actor"), names.get(actor, ANYONE))
    say_not_taken(below, "Object", dropped("audit_object_type"), labels.humanize(object_type) if object_type else "Any")
    if object_refused or ticket_refused or days is None:
        st.stop()  # no table filtered by anything but what the fields show
    date_from, date_to = days
    base = {
        "action": action,
        "actor_id": actor,
        "entity_type": object_type,
        "entity_id": object_id,
        "date_from": date_from,
        "date_to": date_to,
        "ticket_id": ticket,
    }
    signature = parsed(TicketFilters, base, "Audit filters").model_dump_json()
    first = data.tickets_page(signature, version, user.id)
    page = page_for_filters("audit_page", signature, first.pages)
    result = (
        first if page == 1 else data.tickets_page(TicketFilters(**base, page=page).model_dump_json(), version, user.id)
    )
    if result.total == 0:
        st.info("No ticket matches these filters.", icon=":material/filter_alt_off:")
        return
    paged_grid(
        tickets_frame(result.rows),
        order=NEWEST_FIRST,
        column_config={
            "Change": st.column_config.TextColumn(width="large"),
            BEFORE_JSON: st.column_config.JsonColumn(),
            AFTER_JSON: st.column_config.JsonColumn(),
        },
        key="audit_table",
        alt="Audit trail: tickets matching the filters, newest first",
    )
    count = counted(result.total, "ticket") if result.total_is_exact else f"{COUNT_CAP:,}+ tickets"
    pager_with_export(
        "audit",
        f"Page {page} of {result.pages} · {count}, newest first",
        "Download filtered audit log (CSV)",
        lambda: csv_bytes(tickets_frame(data.all_tickets(signature, version, user.id))),
        "audit-log.csv",
    )
    if not result.total_is_exact:
        st.caption(f"Only the newest {COUNT_CAP:,} matching tickets are paged and exported: narrow the filters.")


# every cached read below is keyed by this token, so a write anywhere (a trade, another page) shows at once
version = data.version()
st.title(OPERATIONS.title, anchor=False)
st.caption("The liquidity created, how much of it traded since, and who did what.")
view = st.segmented_control(
    "View",
    VIEWS,
    default="Operations",
    required=True,  # a click on the chosen view keeps it chosen
    key="ops_view",
    bind=URL,
    label_visibility="collapsed",
)
say_not_taken(st.container(), "view", dropped("ops_view"), view, VIEWS)
if view == "Audit log":
    audit_view()
else:
    filters = operation_filters()
    if view == "Charts":
        charts_view(filters)
    else:
        operations_view(filters)
