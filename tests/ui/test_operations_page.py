"""The Operations page (AppTest): table, filters, detail, charts and audit log; read-only for analysts,
withdrawal with confirmation for admins."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from core.enums import Role
from core.errors import PermissionDenied
from core.liquidity_service import create_liquidity, withdraw_liquidity
from core.operations import OperationSort, get_operation_detail
from core.validation import echoed
from tests.helpers import snapshot
from tests.operations_helpers import create_operation, fund_market_makers, trader_sells
from tests.ui.conftest import (
    APP,
    field_errors,
    grid_texts,
    header_sort_of,
    open_url,
    pinned_columns,
    refusal_under,
    shown,
    sign_in_as,
    texts,
    warned_under,
)
from ui.choices import ANY
from ui.grids import NEWEST_FIRST
from ui.navigation import PAGES
from ui.operations_view import sort_order_text

PAGE = "pages/operations.py"


@pytest.fixture
def operations(db, actors):
    """A CEA operation with a fill, then an EUA one (newest first: [eua, cea])."""
    fund_market_makers(db, actors)
    cea = create_operation(db, actors, "CEA")
    trader_sells(db, actors, "CEA", 20)
    eua = create_operation(db, actors, "EUA", bid="8000.00", ask="4000.00")
    return eua, cea


def table(at, key: str = "ops_table"):
    return next(f.value for f in at.dataframe if f.key == key) if any(f.key for f in at.dataframe) else None


def test_the_page_is_for_admins_and_analysts_only():
    titles = {role: [p.title for p in PAGES if role in p.roles] for role in Role}

    assert "Operations" in titles[Role.ADMIN]
    assert "Operations" in titles[Role.ANALYST]
    assert "Operations" not in titles[Role.TRADER]


def test_an_analyst_sees_every_operation_with_its_live_state(open_app, actors, operations):
    eua, cea = operations

    at = open_app(actors.analyst, PAGE)

    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["Ticket"]) == [eua.ticket_id, cea.ticket_id]
    assert frame["Filled certificates"].tolist() == [0, 20]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Operations"] == "2"
    assert any("Page 1 of 1 · 2 operations" in c for c in texts(at.caption))


def test_a_trade_made_elsewhere_shows_on_the_next_run_despite_the_cache(open_app, db, actors, operations):
    at = open_app(actors.analyst, PAGE)
    assert at.dataframe[0].value["Filled certificates"].tolist() == [0, 20]

    trader_sells(db, actors, "EUA", 4)
    at.run()

    assert at.dataframe[0].value["Filled certificates"].tolist() == [4, 20]


def test_an_analyst_sees_the_detail_but_no_withdraw_button(open_app, db, actors, operations):
    _, cea = operations
    at = open_app(actors.analyst, PAGE)

    at.selectbox(key="ops_detail").select(cea.id).run()

    assert not at.exception
    assert "ops_withdraw_confirm" not in [b.key for b in at.button]
    assert any("Read-only" in c for c in texts(at.caption))
    orders = at.dataframe[1].value
    assert len(orders) == len(cea.orders_created)
    assert int(orders["Filled"].sum()) == 20
    tickets = at.dataframe[2].value
    assert tickets["Action"].iloc[0] == "Create liquidity"
    assert at.get("plotly_chart")
    assert len(at.get("download_button")) == 2  # the filtered operations, this operation's orders


def test_an_analyst_cannot_withdraw_through_core_either(db, actors, operations):
    _, cea = operations
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="Only admins may withdraw liquidity"):
        withdraw_liquidity(db, cea.id, actors.analyst.id)

    assert snapshot(db) == before


def test_an_admin_withdraws_after_confirming_and_the_page_shows_the_new_state(open_app, db, actors, operations):
    _, cea = operations
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="ops_detail").select(cea.id).run()

    at.button(key="ops_withdraw_confirm").click().run()

    assert not at.exception
    assert not at.error
    summary = get_operation_detail(db, cea.id, user_id=actors.admin.id).summary
    assert (summary.open_orders, summary.resting_eur) == (0, 0)
    assert any(t.startswith(f"Withdrew 12 orders of {cea.ticket_id}") for t in texts(at.success))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Resting · 0 certificates"] == "€0.00"
    assert metrics[f"Withdrawn · {summary.withdrawn_quantity:,} certificates"] == f"€{summary.withdrawn_eur:,.2f}"


def test_an_operation_with_nothing_resting_says_so_instead_of_an_empty_chart_of_its_levels(
    open_app, db, actors, operations
):
    _, cea = operations
    withdraw_liquidity(db, cea.id, actors.admin.id)
    at = open_app(actors.analyst, PAGE)

    at.selectbox(key="ops_detail").select(cea.id).run()

    assert not at.exception
    assert not at.get("plotly_chart")  # its axis ran from -1 to 4, over nothing
    assert "Nothing of this operation rests on the book any more: it has no levels to draw." in texts(at.caption)


def test_a_refused_withdrawal_is_explained_and_changes_nothing(open_app, db, actors, operations):
    _, cea = operations
    at = open_app(actors.admin, PAGE)
    at.selectbox(key="ops_detail").select(cea.id).run()
    withdraw_liquidity(db, cea.id, actors.admin.id)  # someone else was quicker
    before = snapshot(db)

    at.button(key="ops_withdraw_confirm").click().run()

    assert not at.exception
    assert any("no open orders left to withdraw" in e for e in texts(at.error))
    assert snapshot(db) == before


def test_the_certificate_filter_and_the_ticket_search_narrow_the_table(open_app, actors, operations):
    eua, cea = operations
    at = open_app(actors.analyst, PAGE)

    at.segmented_control(key="ops_cert").set_value("EUA").run()
    assert list(at.dataframe[0].value["Ticket"]) == [eua.ticket_id]
    assert "Page 1 of 1 · 1 operation" in texts(at.caption)  # one, not "1 operations"

    at.segmented_control(key="ops_cert").set_value("All").run()
    at.text_input(key="ops_ticket").set_value(cea.ticket_id).run()
    assert list(at.dataframe[0].value["Ticket"]) == [cea.ticket_id]


def test_a_nonsensical_search_is_refused_under_the_field_naming_what_no_ticket_id_has(open_app, actors, operations):
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="ops_ticket").set_value("TKT%'; --").run()

    assert not at.exception
    assert field_errors(at) == ['A ticket id has only letters, digits and "-", not % \' ; or a space']
    assert not at.dataframe


def test_the_charts_view_draws_deployment_fill_ratio_and_resting_depth(open_app, actors, operations):
    at = open_app(actors.analyst, PAGE)

    at.segmented_control(key="ops_view").set_value("Charts").run()

    assert not at.exception
    assert len(at.get("plotly_chart")) == 3


def test_the_audit_log_filters_by_action_and_shows_changes_readably(open_app, actors, operations):
    eua, _ = operations
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="ops_view").set_value("Audit log").run()

    at.selectbox(key="audit_action").select("CREATE_LIQUIDITY").run()

    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame["Action"]) == {"Create liquidity"}
    assert frame["Ticket"].iloc[0] == eua.ticket_id
    assert frame["Actor"].iloc[0] == "admin"
    assert frame["Change"].iloc[0] == (
        "Certificate: EUA; Price source: Configured default; Reference price: €81.00; BID target: €8,000.00; "
        "ASK target: €4,000.00; Orders: 12; Market makers: 4; Spread: ×1"
    )  # it read "certificate_type = EUA; …; policy_id = —; price_source = default; reference_price = 81.0000"
    assert any("2 tickets, newest first" in c for c in texts(at.caption))


def test_filters_that_match_no_operation_say_so_instead_of_an_empty_grid(open_app, actors, operations):
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="ops_ticket").set_value("TKT-1999").run()

    assert not at.exception
    assert "No liquidity operation matches these filters." in texts(at.info)
    assert not at.dataframe


def test_filters_that_match_no_ticket_say_so_instead_of_an_empty_grid(open_app, actors, operations):
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="ops_view").set_value("Audit log").run()

    at.text_input(key="audit_ticket").set_value("TKT-1999-000001").run()

    assert not at.exception
    assert "No ticket matches these filters." in texts(at.info)
    assert not at.dataframe


@pytest.mark.parametrize(
    ("view", "key", "typed", "refusal"),
    [
        ("Operations", "ops_ticket", "x" * 31, "Ticket id: at most 30 characters, got 31"),
        ("Audit log", "audit_ticket", "x" * 200, "Ticket id: at most 30 characters, got 200"),
        ("Audit log", "audit_ticket", "TKT 1", 'A ticket id has only letters, digits and "-", not a space'),
        ("Audit log", "audit_ticket", "000123", "Type a whole ticket id, like TKT-2026-000123, not '000123': "
                                                "the Operations view finds parts of ids"),
        ("Audit log", "audit_object_id", "1.5", "Object id must be a positive integer id, got '1.5'"),
        ("Audit log", "audit_object_id", "99999999999999999999999", "Object id 99999999999999999999999 is too "
                                                                  "large: ids go up to 9,223,372,036,854,775,807"),
        ("Audit log", "audit_object_id", "0", "Object id must be a positive integer id, got '0'"),
        ("Audit log", "audit_object_id", "²", "Object id must be a positive integer id, got '²'"),  # int("²") raised
    ],
)  # fmt: skip
def test_a_filter_field_that_core_refuses_says_why_under_it_and_shows_no_table(
    open_app, actors, operations, view, key, typed, refusal
):
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="ops_view").set_value(view).run()

    at.text_input(key=key).set_value(typed).run()

    assert not at.exception and not at.error
    assert field_errors(at) == [refusal]
    assert not at.dataframe  # never a table filtered by something other than what the field shows


@pytest.mark.parametrize("view", ["Operations", "Audit log"])
def test_a_reversed_date_range_is_refused_with_a_message_and_shows_nothing(open_app, actors, operations, view):
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="ops_view").set_value(view).run()
    key = "ops_dates" if view == "Operations" else "audit_dates"

    at.date_input(key=key).set_value((date(2026, 3, 5), date(2026, 3, 1))).run()

    assert not at.exception and not at.error
    assert field_errors(at) == ["The date range starts (2026-03-05) after it ends (2026-03-01)"]  # under the field
    assert not at.dataframe


def test_prices_in_the_tables_read_as_the_app_writes_them_and_sort_as_numbers(open_app, actors, operations):
    _, cea = operations
    at = open_app(actors.analyst, PAGE)
    at.selectbox(key="ops_detail").select(cea.id).run()

    operations_grid, orders_grid = at.dataframe[0], at.dataframe[1]

    assert grid_texts(operations_grid, "Reference price") == ["€81.00", "€14.00"]  # not €81.0000
    assert operations_grid.value["Reference price"].tolist() == [81.0, 14.0]  # numbers: "€100.50" < "€81.00" as text
    assert all(text.startswith("€13.") or text.startswith("€14.") for text in grid_texts(orders_grid, "Price"))
    assert orders_grid.value["Price"].dtype == "float64"
    assert json.loads(operations_grid.proto.columns)["Reference price"]["type_config"] == {"type": "number"}


def test_no_column_of_the_operations_or_their_orders_is_drawn_faded(open_app, actors, operations):
    _, cea = operations
    at = open_app(actors.analyst, PAGE)
    at.selectbox(key="ops_detail").select(cea.id).run()

    # Streamlit draws a pinned column at 60 % opacity: the Ticket read greyed beside the other columns
    assert at.dataframe and all(pinned_columns(grid) == [] for grid in at.dataframe)


@pytest.mark.parametrize(("view", "key", "none"), [
    ("Operations", "ops_dates", "No liquidity operation matches these filters."),
    ("Charts", "ops_dates", "No liquidity operation matches these filters."),
    ("Audit log", "audit_dates", "No ticket matches these filters."),
])  # fmt: skip
def test_a_date_range_far_in_the_future_or_past_is_taken_as_typed_and_matches_nothing(
    open_app, actors, operations, view, key, none
):
    # the field's own bounds (ten years either side) refused 2099 in the browser with a red outline alone, the table
    # still filtered by the range before it; 9999-12-31 raised OverflowError in the audit log's read
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="ops_view").set_value(view).run()
    field = at.date_input(key=key)

    assert (field.proto.min, field.proto.max) == ("0001-01-01", "9999-12-31")  # every day a person can type

    for days in [(date(2099, 1, 1), date(2099, 12, 31)), (date(2099, 1, 1), date.max), (date.min, date(1999, 12, 31))]:
        at.date_input(key=key).set_value(days).run()

        assert not at.exception and not at.error
        assert texts(at.info) == [none]
        assert not at.dataframe and not at.get("plotly_chart")


def test_the_detail_shows_the_reference_price_and_its_source_in_words(open_app, db, actors, operations):
    _, cea = operations
    at = open_app(actors.admin, PAGE)

    at.selectbox(key="ops_detail").select(cea.id).run()

    caption = next(c for c in texts(at.caption) if c.startswith("Created"))
    assert "reference price €14.00 (configured default)" in caption
    assert "14.0000" not in caption


def test_the_detail_shows_the_notes_typed_on_create_liquidity_line_for_line_and_escaped(open_app, db, actors):
    fund_market_makers(db, actors)
    notes = "Desk request *urgent*\nsee :red[memo] 12"
    operation = create_liquidity(db, "CEA", "10000.00", "5000.00", actors.admin.id, notes=notes)
    at = open_app(actors.analyst, PAGE)

    at.selectbox(key="ops_detail").select(operation.id).run()

    markup = next(str(c.value) for c in at.caption if str(c.value).startswith("Notes: "))
    assert shown(markup) == "Notes: Desk request *urgent*  \nsee :red[memo] 12"  # one hard break, nothing styled
    assert "\\*urgent\\*" in markup and "\\:\u200bred\\[memo\\]" in markup
    assert at.dataframe[0].value["Notes"].tolist() == [notes]


def test_a_click_on_the_chosen_view_or_certificate_keeps_it_chosen(open_app, actors, operations):
    at = open_app(actors.analyst, PAGE)

    required = {key: at.segmented_control(key=key).proto.required for key in ("ops_view", "ops_cert")}

    assert required == {"ops_view": True, "ops_cert": True}  # not deselected, highlighting nothing


@pytest.mark.parametrize(
    ("typed", "shown"), [("5", 1), ("0", 1), ("-1", 1), ("99999999999999", 1), ("1,000", 1), ("9" * 5000, 1)]
)
def test_a_page_that_does_not_exist_shows_the_nearest_and_says_so_under_the_field(
    open_app, actors, operations, typed, shown
):
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="ops_page").set_value(typed).run()

    assert not at.exception
    assert field_errors(at) == [f"There is no page {echoed(typed)}: showing page {shown} of 1"]  # echoed as typed
    assert at.text_input(key="ops_page").value == str(shown)

    at.selectbox(key="ops_page_size").set_value(25).run()  # another filter: the page shown is the one the box says

    assert field_errors(at) == []
    assert at.text_input(key="ops_page").value == "1"


@pytest.mark.parametrize(
    ("typed", "said"),
    [("2.5", "'2.5'"), ("0.5", "'0.5'"), ("1e3", "'1e3'"), ("1E3", "'1E3'"), ("abc", "'abc'"), ("", "nothing"),
     ("1 000", "'1 000'"), ("١٢", "'١٢'")],
)  # fmt: skip
def test_a_page_number_that_is_not_whole_is_refused_as_such_and_the_page_stays(
    open_app, actors, operations, typed, said
):
    # "1e3" is no page number a desk types: a number field read it as page 1,000 ("There is no page 1000")
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="ops_page").set_value(typed).run()

    assert not at.exception
    assert field_errors(at) == [f"Page is a whole number, got {said}"]  # not "There is no page 1000"
    assert at.text_input(key="ops_page").value == typed  # what is refused, as typed: "1" read as already fixed
    assert list(at.dataframe[0].value["Ticket"]) == [op.ticket_id for op in operations]

    at.text_input(key="ops_page").set_value("1").run()  # the fix: the field read "1" already, and typing it did nothing

    assert field_errors(at) == []


def test_an_operations_fill_ratio_reads_the_same_in_the_summary_and_in_its_detail(open_app, db, actors):
    # 8 CEA sold into a CEA operation: €111.76 traded of €14,907.14 deployed, 0.7497 %. Its stored ratio is already
    # rounded to four places (0.0075): rounded again to one, the detail read 0.8 % beside the summary's 0.7 %
    fund_market_makers(db, actors)
    operation = create_operation(db, actors, "CEA")
    trader_sells(db, actors, "CEA", 8)
    at = open_app(actors.analyst, PAGE)

    at.selectbox(key="ops_detail").select(operation.id).run()

    ratios = [m.value for m in at.metric if m.label == "Fill ratio"]
    assert ratios == ["0.7 %", "0.7 %"]


def test_the_tables_fill_ratio_reads_as_its_detail_and_sorts_as_a_number(open_app, db, actors):
    # €111.76 of €14,907.14: the grid's percent format read the stored 0.0075 as "0.8%" beside the detail's 0.7 %
    fund_market_makers(db, actors)
    traded = create_operation(db, actors, "CEA")
    trader_sells(db, actors, "CEA", 8)
    untouched = create_operation(db, actors, "EUA")
    at = open_app(actors.analyst, PAGE)
    at.selectbox(key="ops_detail").select(traded.id).run()

    grid = at.dataframe[0]
    *_, detail = [m.value for m in at.metric if m.label == "Fill ratio"]  # the headline's first, then the detail's
    assert grid_texts(grid, "Fill ratio") == ["0.0 %", detail] == ["0.0 %", "0.7 %"]  # newest first: EUA, CEA
    assert list(grid.value["Ticket"]) == [untouched.ticket_id, traded.ticket_id]
    assert grid.value["Fill ratio"].tolist() == pytest.approx([0, 111.76 / 14907.14])  # sorted by the share itself
    # a number column without a format of its own: a format would replace the words
    assert json.loads(grid.proto.columns)["Fill ratio"]["type_config"] == {"type": "number"}


def test_no_header_click_re_sorts_a_page_of_operations_or_tickets_and_each_header_says_how_every_page_is_sorted(
    open_app, actors, operations
):
    # a click on "Reference price" sorted the 50 rows on screen, while Sort by and the pager ordered every operation
    at = open_app(actors.analyst, PAGE)
    at.selectbox(key="ops_sort").select(OperationSort.REFERENCE_PRICE)
    at.toggle(key="ops_desc").set_value(False).run()

    operations_grid = header_sort_of(next(d for d in at.dataframe if d.key == "ops_table"))
    at.segmented_control(key="ops_view").set_value("Audit log").run()
    tickets_grid = header_sort_of(next(d for d in at.dataframe if d.key == "audit_table"))

    assert operations_grid == {
        "sorts": False,
        "says": {sort_order_text(OperationSort.REFERENCE_PRICE, descending=False)},
    }
    assert "Reference price, smallest first: change it with Sort by" in sort_order_text("reference_price", False)
    assert tickets_grid == {"sorts": False, "says": {NEWEST_FIRST}}


@pytest.mark.parametrize(("role", "link"), [("admin", True), ("analyst", False)])
def test_with_no_operation_and_no_filter_the_page_says_there_is_none_yet(open_app, actors, role, link):
    at = open_app(getattr(actors, role), PAGE)

    assert not at.exception
    assert texts(at.info) == ["No liquidity operations yet."]  # not a filter to loosen: none is set
    assert not at.dataframe
    assert [p.label for p in at.get("page_link")] == (["Create Liquidity"] if link else [])  # as the sidebar names it


def test_a_reload_opens_on_the_view_and_the_cut_of_the_table_the_url_keeps(app_env, actors, actor_sessions, operations):
    _, cea = operations
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, actors.analyst, actor_sessions[actors.analyst.id])
    at.query_params.update({"ops_cert": "CEA", "ops_sort": "Ticket", "ops_desc": "false", "ops_page_size": "25"})

    open_url(at, "operations")  # a new session on a URL the page wrote (the Audit log came back as Operations)

    assert not at.exception
    assert (at.segmented_control(key="ops_cert").value, at.selectbox(key="ops_sort").value) == (
        "CEA",
        OperationSort.TICKET_ID,
    )
    assert (at.toggle(key="ops_desc").value, at.selectbox(key="ops_page_size").value) == (False, 25)
    assert list(at.dataframe[0].value["Ticket"]) == [cea.ticket_id]

    reloaded = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(reloaded, actors.analyst, actor_sessions[actors.analyst.id])
    reloaded.query_params.update({"ops_view": "Audit log", "ops_cert": "<b>x</b>"})  # a careless edit is ignored
    open_url(reloaded, "operations")
    assert not reloaded.exception
    assert reloaded.get("text_input")[0].key == "audit_object_id"  # the audit log's filters, not the operations'


def opened_on_link(actors, actor_sessions, params: dict[str, str]) -> AppTest:
    """Operations opened by the analyst on a link holding ``params``: a new session, as a reload or a shared link."""
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, actors.analyst, actor_sessions[actors.analyst.id])
    at.query_params.update(params)
    return open_url(at, "operations")


def bulk_operations(db, actors, count: int) -> list[str]:
    """``count`` bare CEA operations written set-based (each with its ticket), oldest first; their ticket ids."""
    db.execute(
        text(
            "INSERT INTO ticket_logs (ticket_id, action, actor_id, entity_type, entity_id)"
            " SELECT 'TKT-B-' || lpad(i::text, 6, '0'), 'CREATE_LIQUIDITY', :admin, 'liquidity_operation', i"
            " FROM generate_series(1, :n) AS i"
        ),
        {"admin": actors.admin.id, "n": count},
    )
    db.execute(
        text(
            "INSERT INTO liquidity_operations (ticket_id, certificate_type, target_bid_liquidity_eur,"
            " target_ask_liquidity_eur, actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used,"
            " orders_created, reference_price, price_source, created_by, created_at)"
            " SELECT 'TKT-B-' || lpad(i::text, 6, '0'), 'CEA', 100, 100, 100, 100, '[]', '{}', 14, 'mid', :admin,"
            " now() - (:n - i) * interval '1 minute' FROM generate_series(1, :n) AS i"
        ),
        {"admin": actors.admin.id, "n": count},
    )
    db.commit()
    return [f"TKT-B-{i:06d}" for i in range(1, count + 1)]


def test_a_reload_opens_on_the_page_of_the_table_the_url_keeps_and_a_first_page_leaves_the_url(
    app_env, db, actors, actor_sessions
):
    tickets = bulk_operations(db, actors, 30)
    at = opened_on_link(actors, actor_sessions, {"ops_page_size": "25"})
    at.text_input(key="ops_page").set_value("2").run()
    url = dict(at.query_params)

    reloaded = opened_on_link(actors, actor_sessions, url)  # a reload, or the link sent to a colleague

    assert url == {"ops_page_size": "25", "ops_page": "2"}
    assert reloaded.text_input(key="ops_page").value == "2"
    assert list(table(reloaded)["Ticket"]) == tickets[:5][::-1]  # the oldest five, newest first
    reloaded.text_input(key="ops_page").set_value("1").run()
    assert "ops_page" not in reloaded.query_params


def test_a_links_page_beyond_the_last_opens_the_last_and_says_so_under_the_field(app_env, db, actors, actor_sessions):
    bulk_operations(db, actors, 30)

    at = opened_on_link(actors, actor_sessions, {"ops_page_size": "25", "ops_page": "9"})

    assert not at.exception
    assert field_errors(at) == ["There is no page 9: showing page 2 of 2"]
    assert at.text_input(key="ops_page").value == "2"


def test_a_links_view_or_cut_of_the_table_the_page_cannot_take_falls_back_to_the_default_saying_so_under_its_field(
    app_env, actors, actor_sessions, operations
):
    link = {"ops_cert": "XYZ", "ops_sort": "nonsense", "ops_desc": "maybe", "ops_page_size": "-3"}

    at = opened_on_link(actors, actor_sessions, link)  # each one was dropped unsaid: a different table than asked

    assert not at.exception
    assert (at.segmented_control(key="ops_cert").value, at.selectbox(key="ops_sort").value) == (
        "All",
        OperationSort.CREATED_AT,
    )
    assert (at.toggle(key="ops_desc").value, at.selectbox(key="ops_page_size").value) == (True, 50)
    assert len(at.dataframe[0].value) == 2  # every operation, as with no link
    assert warned_under(at, "ops_cert") == ["The link's Certificate “XYZ” is not one of All, CEA, EUA: All is shown."]
    assert warned_under(at, "ops_page_size") == [
        "The link's Sort by “nonsense” is not one of Time, Ticket, Certificate, Reference price, Actual BID EUR, "
        "Actual ASK EUR, Actual total EUR, Filled EUR, Resting EUR, Withdrawn EUR, Fill ratio: Time is shown.",
        "The link's Largest / newest first “maybe” is not one of true, false: true is shown.",  # not "on"
        "The link's Rows per page “-3” is not one of 25, 50, 100, 200: 50 is shown.",
    ]

    at = opened_on_link(actors, actor_sessions, {"ops_view": "Audits"})

    assert at.segmented_control(key="ops_view").value == "Operations"
    assert warned_under(at, "ops_view") == [
        "The link's view “Audits” is not one of Operations, Charts, Audit log: Operations is shown."
    ]


def test_a_link_with_a_ticket_id_refused_still_says_which_of_its_other_values_the_page_did_not_take(
    app_env, actors, actor_sessions, operations
):
    at = opened_on_link(actors, actor_sessions, {"ops_cert": "BTC", "ops_ticket": "x" * 31})

    assert refusal_under(at, "ops_ticket") == "Ticket id: at most 30 characters, got 31"
    # the refusal stopped the page before the certificate's note was said
    assert warned_under(at, "ops_cert") == ["The link's Certificate “BTC” is not one of All, CEA, EUA: All is shown."]
    assert not at.dataframe  # a search that can match nothing gets no table

    at = opened_on_link(actors, actor_sessions, {"ops_view": "Audit log", "audit_actor": "9999", "audit_ticket": "x"})

    assert refusal_under(at, "audit_ticket").startswith("Type a whole ticket id, like TKT-2026-000123, not 'x'")
    assert warned_under(at, "audit_actor") == ["The link's Actor “9999” is not offered here: Anyone is shown."]
    assert not at.dataframe


def test_a_links_view_and_cut_of_the_table_the_page_can_take_are_used_with_no_note(
    app_env, actors, actor_sessions, operations
):
    _, cea = operations
    link = {"ops_cert": "CEA", "ops_sort": "Ticket", "ops_desc": "TRUE", "ops_page_size": "50"}  # two at their default

    at = opened_on_link(actors, actor_sessions, link)

    assert not at.exception
    assert (at.segmented_control(key="ops_cert").value, at.selectbox(key="ops_sort").value) == (
        "CEA",
        OperationSort.TICKET_ID,
    )
    assert list(at.dataframe[0].value["Ticket"]) == [cea.ticket_id]
    assert not [c for c in at.caption if str(c.value).startswith(":orange[")]

    at = opened_on_link(actors, actor_sessions, {"ops_view": "Audit log"})

    assert at.segmented_control(key="ops_view").value == "Audit log"
    assert not warned_under(at, "ops_view")


def test_a_link_opens_the_operations_on_the_days_creator_and_ticket_it_keeps(
    app_env, actors, actor_sessions, operations
):
    _, cea = operations
    day = cea.created_at.date()
    link = {
        "ops_dates": [str(day - timedelta(days=1)), str(day)],
        "ops_creator": "admin",
        "ops_ticket": cea.ticket_id[-6:],
    }

    at = opened_on_link(actors, actor_sessions, link)  # a reload, or a link a colleague sent: a new session

    assert not at.exception
    assert at.date_input(key="ops_dates").value == (day - timedelta(days=1), day)
    assert at.selectbox(key="ops_creator").value == actors.admin.id
    assert at.text_input(key="ops_ticket").value == cea.ticket_id[-6:]
    assert list(table(at)["Ticket"]) == [cea.ticket_id]
    assert not [c for c in at.caption if str(c.value).startswith((":orange[", ":red["))]

    at = opened_on_link(actors, actor_sessions, {"ops_dates": "2020-01-01"})  # one day, long before them

    assert "No liquidity operation matches these filters." in texts(at.info)


def test_a_link_opens_the_audit_log_on_the_filters_it_keeps(app_env, actors, actor_sessions, operations):
    eua, _ = operations
    day = str(eua.created_at.date())  # one day
    link = {
        "ops_view": "Audit log",
        **{"audit_action": "Create liquidity", "audit_actor": "admin", "audit_object_type": "Liquidity operation"},
        **{"audit_object_id": str(eua.id), "audit_dates": day, "audit_ticket": eua.ticket_id.lower()},
    }

    at = opened_on_link(actors, actor_sessions, link)

    assert not at.exception
    frame = table(at, "audit_table")
    assert (list(frame["Ticket"]), list(frame["Action"])) == ([eua.ticket_id], ["Create liquidity"])
    chosen = [at.selectbox(key=key).value for key in ("audit_action", "audit_actor", "audit_object_type")]
    assert chosen == ["CREATE_LIQUIDITY", actors.admin.id, "liquidity_operation"]
    assert not [c for c in at.caption if str(c.value).startswith((":orange[", ":red["))]


def test_a_links_filters_the_page_cannot_take_fall_back_to_every_row_saying_so_under_each(
    app_env, actors, actor_sessions, operations
):
    at = opened_on_link(actors, actor_sessions, {"ops_dates": "2026-13-45", "ops_creator": "nobody"})

    assert not at.exception
    assert (at.date_input(key="ops_dates").value, at.selectbox(key="ops_creator").value) == ((), ANY)
    assert len(table(at)) == len(operations)  # every operation, as with no link
    assert warned_under(at, "ops_dates") == [
        "The link's Created between “2026-13-45” is not one day or two (YYYY-MM-DD): every day is shown."
    ]
    assert warned_under(at, "ops_filters") == ["The link's Created by “nobody” is not offered here: Anyone is shown."]

    link = {"ops_view": "Audit log", "audit_action": "Drop tables", "audit_actor": "zed", "audit_object_type": "x"}
    at = opened_on_link(actors, actor_sessions, link)

    assert warned_under(at, "audit_filters") == [
        "The link's Action “Drop tables” is not offered here: Any is shown.",
        "The link's Actor “zed” is not offered here: Anyone is shown.",
        "The link's Object “x” is not offered here: Any is shown.",
    ]
    every_ticket = table(opened_on_link(actors, actor_sessions, {"ops_view": "Audit log"}), "audit_table")
    assert list(table(at, "audit_table")["Ticket"]) == list(every_ticket["Ticket"])  # as with no link

    at = opened_on_link(actors, actor_sessions, {"ops_creator": "anyone", "ops_dates": ""})

    assert not warned_under(at, "ops_filters")  # the field shows what the link meant: nothing to say


@pytest.mark.parametrize("key", ["ops_dates", "audit_dates"])
def test_a_links_days_that_are_no_range_are_refused_under_the_field_and_no_table_is_shown(
    app_env, actors, actor_sessions, operations, key
):
    link = {"ops_view": "Audit log" if key == "audit_dates" else "Operations", key: ["2026-11-30", "2026-11-01"]}

    at = opened_on_link(actors, actor_sessions, link)  # a calendar picks in order: only a link says it backwards

    assert not at.exception
    assert field_errors(at) == ["The date range starts (2026-11-30) after it ends (2026-11-01)"]
    assert not at.dataframe  # no table filtered by anything but what the field shows
    assert at.text_input(key=key.replace("dates", "ticket"))  # the row of filters is drawn whole, to change it


def test_an_any_filter_back_on_any_offers_no_clear_button_and_is_not_labelled_required(open_app, actors, operations):
    at = open_app(actors.analyst, PAGE)
    at.selectbox(key="ops_creator").select(actors.admin.id).run()
    at.selectbox(key="ops_creator").select(ANY).run()  # back to Anyone
    creator = at.selectbox(key="ops_creator")
    creator_drawn = (creator.value, creator.proto.HasField("default"), creator.proto.required)
    rows = len(at.dataframe[0].value)
    at.segmented_control(key="ops_view").set_value("Audit log").run()

    boxes = {key: at.selectbox(key=key) for key in ("audit_action", "audit_actor", "audit_object_type")}

    # Streamlit's browser side draws a clear button on a box with no default (the value a keyed box holds is None)
    # unless it is required, and a required box's label reads "(required)": a filter is neither
    assert creator_drawn == (ANY, True, False)
    assert rows == len(operations)  # Anyone filters by no one
    drawn = {key: (box.value, box.proto.HasField("default"), box.proto.required) for key, box in boxes.items()}
    assert drawn == dict.fromkeys(boxes, (ANY, True, False))


def test_the_open_operation_is_kept_in_the_url_and_a_reload_opens_on_it(app_env, actors, actor_sessions, operations):
    _, cea = operations
    at = opened_on_link(actors, actor_sessions, {})
    at.selectbox(key="ops_detail").select(cea.id).run()
    url = dict(at.query_params)

    reloaded = opened_on_link(actors, actor_sessions, url)  # a reload, or the link sent to a colleague

    assert url == {"ops_detail": str(cea.id)}
    assert not reloaded.exception
    assert reloaded.selectbox(key="ops_detail").value == cea.id
    assert [h.value for h in reloaded.subheader] == [f"{cea.ticket_id} · CEA"]
    reloaded.selectbox(key="ops_detail").set_value(None).run()
    assert "ops_detail" not in reloaded.query_params


def test_a_links_operation_that_left_the_page_still_opens_saying_so_under_the_box(
    app_env, actors, actor_sessions, operations
):
    eua, cea = operations

    at = opened_on_link(actors, actor_sessions, {"ops_cert": "EUA", "ops_detail": str(cea.id)})  # not in the table

    assert not at.exception
    assert list(table(at)["Ticket"]) == [eua.ticket_id]
    assert at.selectbox(key="ops_detail").value == cea.id
    assert [h.value for h in at.subheader] == [f"{cea.ticket_id} · CEA"]
    assert "Not on this page of the table: opened by a link, or before the filters or the page changed." in texts(
        at.caption
    )

    at.selectbox(key="ops_detail").select(eua.id).run()  # one of the table's

    assert not [t for t in texts(at.caption) if t.startswith("Not on this page")]


@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("999999", "does not exist: choose one above."),
        ("9" * 40, "does not exist: choose one above."),
        ("abc", "is no operation id (a positive whole number, like 17): choose one above."),
        ("-3", "is no operation id (a positive whole number, like 17): choose one above."),
    ],
)
def test_a_links_operation_that_does_not_exist_or_is_no_id_is_said_under_the_box_and_none_opens(
    app_env, actors, actor_sessions, operations, said, why
):
    at = opened_on_link(actors, actor_sessions, {"ops_detail": said})

    assert not at.exception
    assert warned_under(at, "ops_detail") == [f"The link's operation “{echoed(said)}” {why}"]
    assert at.selectbox(key="ops_detail").value is None
    assert not at.subheader
    assert len(table(at)) == len(operations)  # the table as with no link
    assert "ops_detail" not in at.query_params


@pytest.mark.parametrize(("view", "key"), [("Operations", "ops_dates"), ("Audit log", "audit_dates")])
def test_the_date_range_says_that_typed_days_apply_once_the_field_is_left_not_on_enter(
    open_app, actors, operations, view, key
):
    at = open_app(actors.analyst, PAGE)

    at.segmented_control(key="ops_view").set_value(view).run()

    # Streamlit's date field takes typed days on leaving it only: an analyst typed two days, pressed Enter, saw nothing
    assert "not on Enter" in at.date_input(key=key).help


@pytest.mark.parametrize(
    ("link", "key", "said"),
    [
        ({"ops_cert": "cea"}, "ops_cert", "The link's Certificate “cea” is not one of All, CEA, EUA: All is shown."),
        (
            {"ops_view": "audit log"},
            "ops_view",
            "The link's view “audit log” is not one of Operations, Charts, Audit log: Operations is shown.",
        ),
    ],
)
def test_a_links_word_in_another_case_than_the_fields_own_is_said_not_dropped_unsaid(
    app_env, actors, actor_sessions, operations, link, key, said
):
    at = opened_on_link(actors, actor_sessions, link)  # Streamlit takes a bound choice's own spelling alone

    assert not at.exception
    assert warned_under(at, key) == [said]
