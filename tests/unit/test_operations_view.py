"""Operations page helpers: exact CSVs, readable audit changes, the figures' series (no database)."""

import csv
import html
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.audit import TicketLog, TicketNames
from core.enums import CertificateType, OrderSide, OrderStatus
from core.market import BookLevel, OrderBook
from core.operations import DailyStat, OperationOrder, OperationSummary, RestingDepth
from ui.downloads import csv_bytes
from ui.operations_view import (
    AFTER_JSON,
    deployed_per_day_figure,
    fill_ratio_figure,
    fill_ratio_text,
    for_display,
    levels_figure,
    object_label,
    operation_label,
    operations_csv,
    operations_frame,
    operations_shown,
    orders_csv,
    orders_frame,
    priced,
    resting_depth_figure,
    tickets_frame,
)
from ui.ticket_changes import describe_change

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def summary(**overrides) -> OperationSummary:
    values = {
        "id": 7,
        "created_at": NOW,
        "ticket_id": "TKT-2026-000007",
        "certificate_type": CertificateType.CEA,
        "reference_price": Decimal("14.0000"),
        "price_source": "default",
        "target_bid_liquidity_eur": Decimal("1000.00"),
        "target_ask_liquidity_eur": Decimal("500.00"),
        "actual_bid_liquidity_eur": Decimal("999.97"),
        "actual_ask_liquidity_eur": Decimal("499.91"),
        "actual_total_eur": Decimal("1499.88"),
        "orders_created": 12,
        "created_by": 1,
        "created_by_username": "admin",
        "notes": None,
        "market_maker_names": ["AH 1", "LP 1"],
        "open_orders": 11,
        "filled_eur": Decimal("0.10"),
        "filled_bid_eur": Decimal("0.10"),
        "filled_ask_eur": Decimal("0"),
        "filled_quantity": 1,
        "resting_eur": Decimal("1499.78"),
        "resting_quantity": 106,
        "withdrawn_eur": Decimal("0"),
        "withdrawn_quantity": 0,
        "fill_ratio": Decimal("0.0001"),
    }
    return OperationSummary(**{**values, **overrides})


def order(side: OrderSide, price: str, resting: int, **overrides) -> OperationOrder:
    values = {
        "id": 1,
        "liquidity_level": 1,
        "market_maker_id": 3,
        "market_maker_name": "LP 1",
        "side": side,
        "price": Decimal(price),
        "quantity": resting,
        "filled_quantity": 0,
        "remaining_quantity": resting,
        "status": OrderStatus.OPEN,
        "cancel_reason": None,
        "filled_eur": Decimal(0),
        "resting_quantity": resting,
        "resting_eur": Decimal(price) * resting,
        "withdrawn_quantity": 0,
        "withdrawn_eur": Decimal(0),
        "created_at": NOW,
        "updated_at": NOW,
    }
    return OperationOrder(**{**values, **overrides})


def test_the_operations_csv_writes_its_figures_as_the_screen_does_with_readable_headers():
    text = operations_csv([summary()]).decode("utf-8-sig")

    header, row = text.splitlines()
    assert header.startswith("Time (UTC),Ticket,Certificate,Source,Reference price,Price source,Target BID EUR")
    assert "2026-03-04 05:06:07,TKT-2026-000007,CEA,Manual,14.00,Configured default,1000.00,999.97,500.00" in row
    assert '"AH 1, LP 1"' in row
    assert row.endswith(",< 0.1 %,0.0,admin,7,")  # its fill ratio in words and as a number, then the notes (none)


def test_the_operations_csv_writes_eur_to_the_cent_and_a_reference_price_as_the_screen_writes_it():
    # the stored reference price 81.0000 was written as it is, beside the page's €81.00
    rows = [
        summary(reference_price=Decimal("81.0000"), withdrawn_eur=Decimal("0"), resting_eur=Decimal("1499.7800")),
        summary(id=8, reference_price=Decimal("80.0050")),  # a mid between two ticks keeps its half cent
    ]

    read = list(csv.DictReader(io.StringIO(operations_csv(rows).decode("utf-8-sig"))))

    assert [r["Reference price"] for r in read] == ["81.00", "80.005"]
    assert (read[0]["Withdrawn EUR"], read[0]["Resting EUR"]) == ("0.00", "1499.78")  # not 0 and 1499.7800
    assert [r["Resting certificates"] for r in read] == ["106", "106"]  # certificates whole


def test_an_operations_orders_csv_writes_prices_and_eur_as_the_screen_does():
    orders = [order(OrderSide.BUY, "13.9700", 10, filled_eur=Decimal("0")), order(OrderSide.SELL, "14.0050", 5)]

    read = list(csv.DictReader(io.StringIO(orders_csv(orders).decode("utf-8-sig"))))

    assert [(r["Price"], r["Filled EUR"], r["Quantity"]) for r in read] == [
        ("13.97", "0.00", "10"),
        ("14.005", "0.00", "5"),
    ]


def traded(n: int, filled: str, deployed: str, stored: str | None = None) -> OperationSummary:
    """Operation ``n`` (ticket T-n) that traded ``filled`` of the EUR it ``deployed``, its ratio ``stored`` by SQL."""
    return summary(id=n, ticket_id=f"T-{n}", filled_eur=Decimal(filled), actual_total_eur=Decimal(deployed),
                   fill_ratio=None if stored is None else Decimal(stored))  # fmt: skip


def fill_ratios_on_screen(styled) -> list[str]:
    """The grid's Fill ratio column as a reader sees it (the Styler's display text)."""
    column = f"col{list(styled.data.columns).index('Fill ratio')}"
    return [cell["display_value"] for row in styled._translate(False, False)["body"] for cell in row
            if cell.get("id", "").endswith(column)]  # fmt: skip


def test_the_operations_csv_writes_each_fill_ratio_as_the_screen_does_and_as_the_number_a_spreadsheet_sorts():
    # €100 of €300 was stored as 0.3333: the CSV said that while the screen said 33.3 %
    rows = [traded(1, "100.00", "300.00", "0.3333"), traded(2, "111.76", "14907.14", "0.0075"),
            traded(3, "0.10", "1499.88", "0.0001"), traded(4, "0", "0")]  # fmt: skip
    on_screen = fill_ratios_on_screen(styled := operations_shown(rows))

    text = operations_csv(rows).decode("utf-8-sig")

    read = list(csv.DictReader(io.StringIO(text)))
    assert [r["Fill ratio"] for r in read] == on_screen == ["33.3 %", "0.7 %", "< 0.1 %", "—"]
    assert [r["Fill ratio (%)"] for r in read] == ["33.3", "0.7", "0.0", ""]  # numbers, rounded as the words are
    assert "Fill ratio (%)" not in styled.data.columns  # the screen has the words' column alone


def test_the_operations_csv_ends_with_the_notes_typed_on_create_liquidity_lines_and_commas_kept():
    frame = operations_frame([summary(notes="Desk request, Q4\nsecond line"), summary(id=8)])

    text = csv_bytes(frame).decode("utf-8-sig")

    assert text.splitlines()[0].endswith(",Created by,Operation id,Notes")
    assert ',admin,7,"Desk request, Q4\nsecond line"\n' in text
    assert text.endswith(",admin,8,\n")  # no notes: an empty cell
    assert frame["Notes"].tolist() == ["Desk request, Q4\nsecond line", ""]  # in the grid too, not "None"


def test_display_turns_money_into_floats_and_leaves_the_exact_frame_alone():
    frame = operations_frame([summary()])

    shown = for_display(frame, ["Filled EUR", "Fill ratio (%)"])

    assert shown["Filled EUR"].iloc[0] == pytest.approx(0.10)
    assert frame["Filled EUR"].iloc[0] == Decimal("0.10")


def test_the_grids_fill_ratio_reads_as_the_detail_writes_it_and_sorts_by_the_share():
    # €111.76 of €14,907.14 is 0.7497 %, stored rounded to 0.0075: a percent format read it 0.8 % (the detail: 0.7 %)
    rows = [traded(1, "111.76", "14907.14", "0.0075"), traded(2, "100.00", "1000.00", "0.1000"),
            traded(3, "90.00", "1000.00", "0.0900"), traded(4, "0.10", "1499.88", "0.0001"),
            traded(5, "0", "0")]  # fmt: skip

    styled = operations_shown(rows)

    written = fill_ratios_on_screen(styled)
    assert written == [fill_ratio_text(r.filled_eur, r.actual_total_eur) for r in rows]
    assert written == ["0.7 %", "10.0 %", "9.0 %", "< 0.1 %", "—"]
    by_share = styled.data.sort_values("Fill ratio", na_position="first")["Ticket"].tolist()
    assert by_share == ["T-5", "T-4", "T-1", "T-3", "T-2"]  # as numbers: 9.0 % before 10.0 %


def test_display_writes_a_price_as_the_app_writes_prices_never_padded_nor_rounded():
    frame = operations_frame([summary(), summary(id=8, reference_price=Decimal("80.9750"))])

    shown = for_display(frame, [], ["Reference price"])

    assert list(shown["Reference price"]) == ["€14.00", "€80.975"]  # not €14.0000, and not €80.98
    assert frame["Reference price"].iloc[1] == Decimal("80.9750")  # the CSV's stays exact


def test_a_grids_prices_sort_as_numbers_and_read_as_the_app_writes_prices():
    # as text, "€10.20" came before "€9.80" and "€100.50" before "€81.00" at a click on the header
    frame = operations_frame(
        [summary(id=i, reference_price=Decimal(p)) for i, p in enumerate(("9.8000", "10.2000", "100.5000", "80.9750"))]
    )

    styled = priced(frame, ["Filled EUR"], ["Reference price"])

    column = list(styled.data.columns).index("Reference price")
    body = styled._translate(False, False)["body"]
    assert [row[column + 1]["display_value"] for row in body] == ["€9.80", "€10.20", "€100.50", "€80.975"]
    by_price = styled.data.sort_values("Reference price")["Reference price"].tolist()
    assert by_price == [9.8, 10.2, 80.975, 100.5]
    assert frame["Reference price"].iloc[3] == Decimal("80.9750")  # the CSV's stays exact


def test_an_empty_page_still_has_every_column():
    assert list(operations_frame([]).columns)[:3] == ["Time (UTC)", "Ticket", "Certificate"]
    assert tickets_frame([]).empty


def test_orders_read_as_bid_and_ask_with_a_plain_status():
    frame = orders_frame([order(OrderSide.BUY, "13.97", 10, status=OrderStatus.PARTIALLY_FILLED)])

    assert frame.loc[0, "Side"] == "BID"
    assert frame.loc[0, "Status"] == "Partially filled"
    assert frame.loc[0, "Price"] == Decimal("13.97")
    assert frame.loc[0, "Cancel reason"] == ""


def test_no_raw_code_reaches_the_orders_table():
    withdrawn = order(OrderSide.SELL, "14.03", 5, status=OrderStatus.CANCELLED, cancel_reason="WITHDRAWAL")
    remainder = order(OrderSide.BUY, "13.97", 5, status=OrderStatus.CANCELLED, cancel_reason="MARKET_REMAINDER")

    frame = orders_frame([withdrawn, remainder])

    assert frame["Cancel reason"].tolist() == ["Liquidity withdrawn", "Market order: unfilled rest cancelled"]
    assert frame["Status"].tolist() == ["Cancelled", "Cancelled"]


def test_a_ticket_row_names_its_actor_object_and_both_states_as_json():
    ticket = TicketLog(
        id=1,
        ticket_id="TKT-2026-000001",
        action="DEACTIVATE_MARKET_MAKER",
        actor_id=1,
        actor_username=None,
        entity_type="market_maker",
        entity_id=4,
        before_state={"is_active": True},
        after_state={"is_active": False},
        created_at=NOW,
    )

    row = tickets_frame([ticket]).iloc[0]

    assert (row["Actor"], row["Object"], row[AFTER_JSON]) == ("—", "Market maker #4", '{"is_active": false}')
    assert row["Action"] == "Deactivate market maker"
    assert object_label("liquidity_operation", None) == "Liquidity operation"
    assert object_label("entity", 4) == "Trader firm #4"  # as the app names it, not "Entity #4"


def test_a_ticket_row_names_the_user_firm_or_market_maker_it_is_about_and_refers_to_with_its_id():
    created_user = TicketLog(
        id=3,
        ticket_id="TKT-2026-000003",
        action="CREATE_USER",
        actor_id=1,
        actor_username="admin",
        entity_type="user",
        entity_id=7,
        before_state=None,
        after_state={"username": "pf.trader4", "role": "TRADER", "entity_id": 4},
        created_at=NOW,
        names=TicketNames(user={7: "pf.trader4"}, entity={4: "Demo Trading GmbH"}),
    )

    row = tickets_frame([created_user]).iloc[0]

    assert row["Object"] == "User pf.trader4 (#7)"  # it read "User #7"
    assert row["Change"] == "Username: pf.trader4; Role: Trader; Trader firm Demo Trading GmbH (#4)"
    assert object_label("entity", 4, created_user.names) == "Trader firm Demo Trading GmbH (#4)"
    assert object_label("market_maker", 5, created_user.names) == "Market maker #5"  # no name was read for it


def test_a_tickets_amounts_read_exactly_as_recorded_in_its_change_and_its_json():
    ticket = TicketLog.model_validate(
        {
            "id": 2, "ticket_id": "TKT-2026-000002", "action": "FUND_MARKET_MAKER", "actor_id": 1,
            "actor_username": "admin", "entity_type": "market_maker", "entity_id": 4,
            # as the audit reads it: JSON text, so that no amount passes through a float
            "before_state": '{"asset": "EUR", "available": 0.00}',
            "after_state": '{"asset": "EUR", "available": 250000.00, "deposited": 250000.00, "levels": [1.50, null]}',
            "created_at": NOW,
        }
    )  # fmt: skip

    row = tickets_frame([ticket]).iloc[0]

    assert ticket.after_state["available"] == Decimal("250000.00")
    assert row["Change"] == "Available: €0.00 → €250,000.00; Deposited: €250,000.00; Levels: [1.50, null]"
    assert row[AFTER_JSON] == '{"asset": "EUR", "available": 250000.00, "deposited": 250000.00, "levels": [1.50, null]}'


def test_the_audit_csv_reads_each_change_in_the_words_of_the_screen_and_labels_the_states_kept_as_json():
    fund = TicketLog.model_validate(
        {
            "id": 2, "ticket_id": "TKT-2026-000002", "action": "FUND_MARKET_MAKER", "actor_id": 1,
            "actor_username": "admin", "entity_type": "market_maker", "entity_id": 4,
            "before_state": '{"asset": "EUR", "available": 0.00}',
            "after_state": '{"asset": "EUR", "available": 250000.00, "deposited": 250000.00}',
            "created_at": NOW, "names": {"market_maker": {"4": "Atlas Liquidity"}},
        }
    )  # fmt: skip

    header, row = csv.reader(io.StringIO(csv_bytes(tickets_frame([fund])).decode("utf-8-sig")))

    read = dict(zip(header, row, strict=True))
    # it said "Before" and "After" over JSON, which a desk took for more of the change
    assert header[5:] == ["Change", "Before (raw JSON)", "After (raw JSON)"]
    assert read["Change"] == "Available: €0.00 → €250,000.00; Deposited: €250,000.00"
    assert read["Change"] == describe_change(fund.before_state, fund.after_state, fund.names)  # one wording
    assert (read["Action"], read["Object"]) == ("Fund market maker", "Market maker Atlas Liquidity (#4)")
    assert read["After (raw JSON)"] == '{"asset": "EUR", "available": 250000.00, "deposited": 250000.00}'


def test_an_operation_is_labelled_by_ticket_certificate_and_time():
    assert operation_label(summary()) == "TKT-2026-000007 · CEA · 2026-03-04 05:06"


def test_the_daily_charts_plot_each_side_and_the_ratio():
    stats = [
        DailyStat(
            day=date(2026, 3, 4),
            operations=2,
            deployed_bid_eur=Decimal("100.00"),
            deployed_ask_eur=Decimal("50.00"),
            filled_eur=Decimal("15.00"),
            fill_ratio=Decimal("0.1000"),
        )
    ]

    deployed = deployed_per_day_figure(stats)
    ratio = fill_ratio_figure(stats)

    assert [(t.name, list(t.y)) for t in deployed.data] == [("BID", [100.0]), ("ASK", [50.0])]
    assert [list(t.customdata) for t in deployed.data] == [["€100.00"], ["€50.00"]]  # plotly's own hover: "100"
    assert list(ratio.data[0].y) == [0.1]
    assert ratio.layout.yaxis.tickformat == ".1%"  # 12.5 % reads as 12.5 %, not 13 %


def test_a_days_fill_ratio_hovers_as_the_headline_writes_it_from_its_two_amounts():
    # €111.76 of €14,907.14 is 0.7497 %; SQL stores 0.0075, which plotly's ".1%" hovered as 0.8%
    day = DailyStat(
        day=date(2026, 3, 4),
        operations=1,
        deployed_bid_eur=Decimal("9938.09"),
        deployed_ask_eur=Decimal("4969.05"),
        filled_eur=Decimal("111.76"),
        fill_ratio=Decimal("0.0075"),
    )
    idle = day.model_copy(update={"day": date(2026, 3, 5), "filled_eur": Decimal(0), "fill_ratio": Decimal(0)})

    trace = fill_ratio_figure([day, idle]).data[0]

    assert list(trace.customdata) == [fill_ratio_text(Decimal("111.76"), Decimal("14907.14")), "0.0 %"]
    assert list(trace.customdata) == ["0.7 %", "0.0 %"]
    assert "%{customdata}" in trace.hovertemplate and "%{y" not in trace.hovertemplate
    assert trace.y[0] == pytest.approx(111.76 / 14907.14)  # drawn at the share itself, not the rounded 0.0075


def test_the_daily_charts_draw_every_day_between_the_first_and_the_last_a_day_without_operations_empty():
    # SQL returns the days with operations only: on a category axis the 4th and the 7th were drawn side by side, as
    # consecutive days, and the fill-ratio line went straight from one to the other
    first = DailyStat(
        day=date(2026, 3, 4),
        operations=1,
        deployed_bid_eur=Decimal("100.00"),
        deployed_ask_eur=Decimal("50.00"),
        filled_eur=Decimal("15.00"),
        fill_ratio=Decimal("0.1000"),
    )
    later = first.model_copy(update={"day": date(2026, 3, 7), "filled_eur": Decimal("30.00")})

    deployed = deployed_per_day_figure([first, later])
    ratio = fill_ratio_figure([first, later]).data[0]

    days = ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]
    assert [list(t.x) for t in deployed.data] == [days, days]
    assert [list(t.y) for t in deployed.data] == [[100.0, 0.0, 0.0, 100.0], [50.0, 0.0, 0.0, 50.0]]
    assert list(deployed.data[0].customdata) == ["€100.00", "€0.00", "€0.00", "€100.00"]
    assert list(ratio.x) == days
    assert list(ratio.y) == [0.1, None, None, 0.2]  # no liquidity, no ratio: a gap in the line, not 0 %
    assert ratio.connectgaps is not True


def test_resting_depth_stacks_each_market_maker_by_side():
    depth = [
        RestingDepth(
            market_maker_id=1,
            market_maker_name="LP 1",
            side=OrderSide.BUY,
            resting_eur=Decimal("10.00"),
            resting_quantity=1,
            open_orders=1,
        ),
        RestingDepth(
            market_maker_id=2,
            market_maker_name="AH 1",
            side=OrderSide.SELL,
            resting_eur=Decimal("20.00"),
            resting_quantity=2,
            open_orders=1,
        ),
    ]

    fig = resting_depth_figure(depth)

    assert [(t.name, list(t.y), list(t.x)) for t in fig.data] == [("BID", ["LP 1"], [10.0]), ("ASK", ["AH 1"], [20.0])]
    assert [list(t.customdata) for t in fig.data] == [["€10.00"], ["€20.00"]]  # hovered to the cent


def test_a_market_makers_name_is_drawn_on_the_chart_as_typed_never_as_a_link_or_bold():
    # plotly draws <a href> and <b> in any label: this name was a clickable link on the resting depth chart
    typed = ["MM <a href='http://example.invalid/x'>click</a>", "<b>Bold</b> & Co"]
    depth = [
        RestingDepth(market_maker_id=i, market_maker_name=name, side=OrderSide.BUY, resting_eur=Decimal("10.00"),
                     resting_quantity=1, open_orders=1)
        for i, name in enumerate(typed, start=1)
    ]  # fmt: skip

    labels = list(resting_depth_figure(depth).data[0].y)

    assert labels == ["MM &lt;a href='http://example.invalid/x'&gt;click&lt;/a&gt;", "&lt;b&gt;Bold&lt;/b&gt; &amp; Co"]
    assert [html.unescape(label) for label in labels] == typed  # plotly shows the entities as the characters typed


def test_the_levels_chart_adds_up_the_operations_resting_quantity_per_price_over_the_book():
    orders = [
        order(OrderSide.BUY, "13.97", 10),
        order(OrderSide.BUY, "13.97", 5, id=2, market_maker_name="LP 2"),
        order(OrderSide.SELL, "14.03", 7, id=3),
        order(OrderSide.SELL, "14.06", 0, id=4),  # filled: nothing rests
    ]
    book = OrderBook(
        certificate_type=CertificateType.CEA,
        bids=[BookLevel(price=Decimal("13.97"), quantity=20, orders=3, cumulative=20)],
        asks=[BookLevel(price=Decimal("14.03"), quantity=7, orders=1, cumulative=7)],
    )

    fig = levels_figure(orders, book, Decimal("14.0000"))

    series = {t.name: (list(t.x), list(t.y)) for t in fig.data}
    assert series["Book BID"] == ([13.97], [20])
    assert series["This operation BID"] == ([13.97], [15])
    assert series["This operation ASK"] == ([14.03], [7])


def test_the_levels_chart_draws_every_bar_no_wider_than_the_smallest_gap_between_its_prices():
    orders = [order(OrderSide.BUY, "80.90", 10), order(OrderSide.SELL, "81.10", 7, id=2)]
    book = OrderBook(
        certificate_type=CertificateType.EUA,
        bids=[BookLevel(price=Decimal("80.90"), quantity=10, orders=1, cumulative=10)],
        asks=[BookLevel(price=Decimal(p), quantity=5, orders=1, cumulative=5) for p in ("81.00", "82.00", "85.00")],
    )

    widths = {t.name: t.width for t in levels_figure(orders, book, Decimal("81.0000")).data}

    assert widths["Book ASK"] == pytest.approx(0.09)  # the 0.10 gap between 80.90 and 81.00, not the asks' own €1
    assert widths["This operation ASK"] == pytest.approx(0.05)


def test_operations_placed_by_a_liquidity_policy_are_labelled_as_such():
    frame = operations_frame([summary(), summary(id=8, policy_id=3)])

    assert list(frame["Source"]) == ["Manual", "Policy"]


def test_a_liquidity_order_an_admin_cancelled_on_the_cash_market_reads_as_cancelled_by_an_admin():
    cancelled = order(OrderSide.SELL, "14.03", 5, status=OrderStatus.CANCELLED, cancel_reason="USER")

    frame = orders_frame([cancelled])

    assert frame["Cancel reason"].tolist() == ["Cancelled by an admin"]  # it read "Cancelled by its owner"


def test_a_liquidity_orders_canceller_is_named_when_the_order_records_one():
    by_admin = order(OrderSide.SELL, "14.03", 5, status=OrderStatus.CANCELLED, cancel_reason="USER")
    withdrawn = order(OrderSide.BUY, "13.97", 5, status=OrderStatus.CANCELLED, cancel_reason="WITHDRAWAL")

    frame = orders_frame(
        [
            by_admin.model_copy(update={"cancelled_by_name": "ops.alice"}),
            withdrawn.model_copy(update={"cancelled_by_name": "ops.bob"}),
        ]
    )

    assert frame["Cancel reason"].tolist() == ["Cancelled by ops.alice", "Liquidity withdrawn (by ops.bob)"]
