"""The Market Makers page's pure helpers: filtering, totals, table rows, ledger rows, create arguments."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import pytest

from core.enums import AssetType, MarketMakerType, OrderSide, TransactionType
from core.models import MarketMaker, MarketMakerLedgerEntry
from ui.format import NO_VALUE
from ui.funding_dialog import balance_caption, withdrawable_assets
from ui.grids import NAME_PADDING_PX, text_column_px
from ui.market_makers_view import (
    TABLE_NAME_CHARS,
    amount_text,
    balance_metrics,
    filter_market_makers,
    hidden_by_filters,
    initial_funding,
    ledger_frame,
    link_hidden_by_filters,
    market_makers_column_config,
    market_makers_frame,
    name_column_width,
    option_label,
    short_name,
    summarize,
    summary_metrics,
    type_for_filter,
)

LP = MarketMakerType.LIQUIDITY_PROVIDER
AH = MarketMakerType.ASSET_HOLDER
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


HELD = {LP: (AssetType.EUR,), AH: (AssetType.CEA, AssetType.EUA)}  # as SQL's market_maker_assets says
SIDE = {LP: OrderSide.BUY, AH: OrderSide.SELL}  # as SQL's market_maker_side says


def mm(mm_id: int, name: str, kind: MarketMakerType, active: bool = True, **balances: object) -> MarketMaker:
    return MarketMaker(
        id=mm_id,
        name=name,
        mm_type=kind,
        side=SIDE[kind],
        eur_balance=Decimal(0),
        is_active=active,
        created_by=1,
        created_at=NOW,
        updated_at=NOW,
        held_assets=HELD[kind],
        **balances,
    )


ATLAS = mm(1, "Atlas", LP, eur_available=Decimal("1000.50"), eur_locked=Decimal("200.00"))
BOREAL = mm(2, "Boreal", LP, active=False, eur_available=Decimal("99.99"))
CEDAR = mm(3, "Cedar", AH, cea_available=Decimal("400"), cea_locked=Decimal("100"), eua_available=Decimal("20"))
EVERYONE = [ATLAS, BOREAL, CEDAR]


@pytest.mark.parametrize(
    ("choice", "show_inactive", "names"),
    [
        ("All", False, ["Atlas", "Cedar"]),
        ("All", True, ["Atlas", "Boreal", "Cedar"]),
        ("LP", False, ["Atlas"]),
        ("LP", True, ["Atlas", "Boreal"]),
        ("AH", True, ["Cedar"]),
        (None, False, ["Atlas", "Cedar"]),
    ],
)
def test_filter_keeps_the_chosen_type_and_inactive_ones_only_on_request(choice, show_inactive, names):
    shown = filter_market_makers(EVERYONE, choice, show_inactive)

    assert [m.name for m in shown] == names


@pytest.mark.parametrize(
    ("market_maker", "choice", "show_inactive", "why"),
    [
        (ATLAS, "All", False, None),
        (BOREAL, "LP", True, None),
        (BOREAL, "All", False, "is Boreal, inactive, hidden while “Show inactive” is off"),
        (CEDAR, "LP", False, "is Cedar, an asset holder, hidden by the Type filter LP"),
        (
            BOREAL,
            "AH",
            False,
            "is Boreal, an inactive liquidity provider, hidden by the Type filter AH and while “Show inactive” is off",
        ),
    ],
)
def test_a_market_maker_the_filters_hide_is_said_with_what_hides_it(market_maker, choice, show_inactive, why):
    assert hidden_by_filters(market_maker, choice, show_inactive) == why
    assert (why is None) == (market_maker in filter_market_makers(EVERYONE, choice, show_inactive))


def test_a_links_market_maker_is_found_by_its_id_as_the_url_says_it_and_none_is_none():
    assert link_hidden_by_filters(EVERYONE, " 2 ", "All", False) == hidden_by_filters(BOREAL, "All", False)
    assert link_hidden_by_filters(EVERYONE, "99", "All", False) is None  # not offered: said so by the link's note
    assert link_hidden_by_filters(EVERYONE, None, "All", False) is None


def test_filter_choices_map_to_types():
    assert (type_for_filter("LP"), type_for_filter("AH"), type_for_filter("All")) == (LP, AH, None)


def test_summary_totals_every_asset_of_active_market_makers_with_where_it_sits():
    summary = summarize(EVERYONE)

    eur, cea, eua = summary.assets
    assert (eur.asset, eur.available, eur.locked) == (AssetType.EUR, Decimal("1000.50"), Decimal("200.00"))
    assert eur.available_by_type == {LP: Decimal("1000.50"), AH: Decimal(0)}
    assert (cea.available, cea.locked, eua.available) == (Decimal(400), Decimal(100), Decimal(20))
    assert (summary.active_lp, summary.active_ah) == (1, 1)


def test_summary_counts_what_an_asset_holder_earned_and_a_liquidity_provider_bought():
    seller = mm(4, "Seller", AH, eur_available=Decimal("56.00"), cea_available=Decimal("390"))
    buyer = mm(5, "Buyer", LP, eur_available=Decimal("944.50"), cea_available=Decimal("4"))

    summary = summarize([seller, buyer])

    assert summary.total("EUR").available_by_type == {LP: Decimal("944.50"), AH: Decimal("56.00")}
    assert summary.total("CEA").available_by_type == {LP: Decimal(4), AH: Decimal(390)}
    assert summary.total("EUA") is None  # nobody holds any
    assert [m.label for m in summary_metrics(summary)] == ["EUR available", "CEA available", "Active market makers"]


def test_summary_of_nothing_has_no_assets():
    summary = summarize([])

    assert (summary.assets, summary.active_lp, summary.active_ah) == ((), 0, 0)


def test_the_detail_shows_available_and_locked_of_everything_held():
    seller = mm(4, "Seller", AH, eur_available=Decimal("56.00"), cea_available=Decimal("390"), cea_locked=Decimal(6))

    labels = [m.label for m in balance_metrics(seller)]

    assert labels == [
        "EUR available",
        "EUR locked",
        "CEA available",
        "CEA locked",
        "EUA available",
        "EUA locked",
        "Open orders",
    ]


def test_the_detail_shows_a_lock_the_type_never_takes_as_the_table_does_with_no_value_and_says_why():
    seller = mm(4, "Seller", AH, eur_available=Decimal("56.00"), cea_available=Decimal("390"), cea_locked=Decimal(6))
    buyer = mm(5, "Buyer", LP, eur_available=Decimal("944.50"), eur_locked=Decimal(0), cea_available=Decimal("4"))

    sellers = {m.label: m for m in balance_metrics(seller)}
    buyers = {m.label: m for m in balance_metrics(buyer)}
    table = market_makers_frame([seller, buyer]).set_index("name")

    # an AH's orders never hold EUR, an LP's never hold certificates: "—" in the detail as in the table ("€0.00")
    assert (sellers["EUR locked"].value, buyers["CEA locked"].value) == (NO_VALUE, NO_VALUE)
    assert pd.isna(table.loc["Seller", "eur_locked"]) and pd.isna(table.loc["Buyer", "cea_locked"])
    assert sellers["EUR locked"].help == market_makers_column_config()["eur_locked"]["help"]
    assert sellers["EUR locked"].help.endswith("its type's orders never hold EUR")
    # a lock its type takes shows its figure in both, 0 included
    assert (sellers["CEA locked"].value, buyers["EUR locked"].value) == ("6 CEA", "€0.00")
    assert (table.loc["Seller", "cea_locked"], table.loc["Buyer", "eur_locked"]) == (6, Decimal(0))


def test_a_lock_the_type_never_takes_shows_in_the_detail_what_it_holds_if_it_ever_holds_something():
    odd = mm(6, "Odd", LP, cea_locked=Decimal("3"))

    details = {m.label: m.value for m in balance_metrics(odd)}

    assert details["CEA locked"] == "3 CEA"  # never hidden behind a dash, as in the table


def test_table_rows_carry_badges_exact_euros_and_whole_certificates():
    frame = market_makers_frame([ATLAS, CEDAR])

    atlas, cedar = frame.to_dict("records")
    assert (atlas["type"], atlas["status"]) == (["LP"], ["Active"])
    assert atlas["eur_available"] == Decimal("1000.50") and isinstance(atlas["eur_available"], Decimal)
    assert atlas["eur_locked"] == Decimal("200.00")
    assert cedar["type"] == ["AH"]
    assert (cedar["cea_available"], cedar["cea_locked"], cedar["eua_available"]) == (400, 100, 20)


def test_table_shows_every_balance_zero_included_and_no_value_only_for_a_lock_the_type_never_takes():
    buyer = mm(5, "Buyer", LP, eur_available=Decimal("944.50"), cea_available=Decimal("4"))
    frame = market_makers_frame([ATLAS, CEDAR, buyer]).set_index("name")

    # every market maker has a balance of every asset: none of it is a real 0, beside what it earned or bought
    assert frame["eur_available"].tolist() == [Decimal("1000.50"), Decimal(0), Decimal("944.50")]
    assert frame["cea_available"].tolist() == [0, 400, 4]
    assert frame["eua_available"].tolist() == [0, 20, 0]
    # an LP's orders hold only EUR, an AH's only certificates: their other locks have no value, not a zero
    assert frame["eur_locked"].isna().tolist() == [False, True, False]
    assert frame["cea_locked"].isna().tolist() == frame["eua_locked"].isna().tolist() == [True, False, True]
    assert (frame.loc["Atlas", "eur_locked"], frame.loc["Cedar", "eua_locked"]) == (Decimal("200.00"), 0)


def test_a_lock_the_type_never_takes_still_shows_what_it_holds_if_it_ever_holds_something():
    odd = mm(6, "Odd", LP, cea_locked=Decimal("3"))

    (row,) = market_makers_frame([odd]).to_dict("records")

    assert row["cea_locked"] == 3  # never hidden behind a dash


def test_two_accounts_of_one_firm_with_long_names_stay_told_apart_in_the_table():
    firm = "Nordic Carbon Trading & Allowance Liquidity Partners International Holdings GmbH — Account"
    frame = market_makers_frame([mm(7, f"{firm} 2", LP), mm(8, f"{firm} 3", LP)])

    second, third = frame["name"]
    assert second != third and second.endswith("Account 2") and third.endswith("Account 3")
    assert max(len(second), len(third)) <= TABLE_NAME_CHARS  # both read as "Nordic Carbon Trading & Allowance L"


def test_table_of_nothing_has_the_columns_and_no_rows():
    frame = market_makers_frame([])

    assert frame.empty
    assert "eur_available" in frame.columns


def test_inactive_market_makers_say_so_in_their_label():
    assert option_label(ATLAS) == "Atlas · LP"
    assert option_label(BOREAL) == "Boreal · LP (inactive)"


def test_a_long_name_keeps_its_start_and_its_end_in_a_label():
    name = "Northern European Carbon Liquidity Partners GmbH, Frankfurt Spot and Forward Desk, Client Account 0002"

    shown = short_name(name, limit=60)

    assert len(shown) <= 60
    assert shown.startswith("Northern European Carbon Liquidity") and shown.endswith("Client Account 0002")
    assert "…" in shown
    assert short_name("Atlas", limit=60) == "Atlas"


@pytest.mark.parametrize(
    ("names", "width"),
    [([], None), (["Atlas", "Delta Allowances"], None), (["Atlas", "x" * 30], 219), (["x" * 200], 280)],
)
def test_the_name_column_is_left_to_the_grid_for_short_names_and_widened_for_long_ones_up_to_a_limit(names, width):
    assert name_column_width(names) == width


def test_a_name_in_capitals_gets_the_room_its_wider_letters_take():
    # 22 capitals of about 8.4 px each in the grid's 14 px Source Sans, 2 spaces, and the column's padding: 6.5 px a
    # character (180 px) cut it at its last letter where the grid is no wider than its columns (390 px)
    assert name_column_width(["MERIDIAN CARBON PARTNERS"]) >= 22 * 8.4 + 2 * 4 + NAME_PADDING_PX
    capitals, mixed = (text_column_px("Firm", [name]) for name in ("NORDIC CARBON AB", "Nordic Carbon AB"))
    assert capitals > mixed


def test_withdrawals_offer_every_asset_held_even_locked_or_outside_the_type_s_trade():
    earned = mm(4, "Dune", AH, eur_available=Decimal("56.00"), cea_locked=Decimal("6"))

    assert withdrawable_assets(earned) == (AssetType.EUR, AssetType.CEA)
    assert withdrawable_assets(mm(5, "Empty", LP)) == ()


def test_the_amount_dialogs_say_what_is_available_and_what_open_orders_lock():
    assert balance_caption(ATLAS, AssetType.EUR) == "Available now: €1,000.50 · locked in open orders: €200.00"


@pytest.mark.parametrize(
    ("asset", "value", "text"),
    [("EUR", Decimal("1234.5"), "€1,234.50"), ("CEA", Decimal("5000"), "5,000 CEA"), ("EUA", Decimal(0), "0 EUA")],
)
def test_amounts_read_with_their_unit(asset, value, text):
    assert amount_text(asset, value) == text


def ledger_entry(**changes: object) -> MarketMakerLedgerEntry:
    fields: dict[str, object] = dict(
        id=7,
        balance_id=3,
        market_maker_id=1,
        entity_id=None,
        asset=AssetType.EUR,
        transaction_type=TransactionType.TRADE_CREDIT,
        amount=Decimal("0.01"),
        available_before=Decimal("100"),
        available_after=Decimal("100.01"),
        locked_before=Decimal(0),
        locked_after=Decimal(0),
        balance_before=Decimal("100"),
        balance_after=Decimal("100.01"),
        reference_type="trade",
        reference_id=12,
        ticket_id=None,
        created_by=1,
        created_at=datetime(2026, 11, 26, 10, 30, tzinfo=UTC),
    )
    return MarketMakerLedgerEntry(**(fields | changes))


@pytest.mark.parametrize(
    ("reference_type", "reference_id", "ticket_id", "order_id", "shown"),
    [
        ("ticket", 5, "TKT-2026-000007", None, "TKT-2026-000007"),  # an admin's deposit or withdrawal
        ("trade", 12, None, 345, "Order 345 · trade 12"),  # a fill: which order of the market maker's, which trade
        ("order", 345, None, 345, "Order 345"),  # what an order locked, or gave back
    ],
)
def test_a_ledger_row_names_the_ticket_or_the_order_and_trade_it_comes_from(
    reference_type, reference_id, ticket_id, order_id, shown
):
    entry = ledger_entry(
        reference_type=reference_type, reference_id=reference_id, ticket_id=ticket_id, order_id=order_id
    )

    (row,) = ledger_frame([entry]).to_dict("records")

    assert row["reference"] == shown


@pytest.mark.parametrize(
    ("kind", "asset", "amount", "available", "locked", "shown"),
    [  # before and after as the ledger's CHECK ties them to the type; every stored amount is positive
        (TransactionType.DEPOSIT, AssetType.EUR, "1000", ("0", "1000"), ("0", "0"), "+€1,000.00"),
        (TransactionType.WITHDRAWAL, AssetType.EUR, "1000", ("1000", "0"), ("0", "0"), "-€1,000.00"),
        (TransactionType.TRADE_CREDIT, AssetType.CEA, "4", ("0", "4"), ("0", "0"), "+4 CEA"),  # an LP's fill: bought
        (TransactionType.TRADE_DEBIT, AssetType.EUR, "56", ("900", "900"), ("100", "44"), "-€56.00"),  # paid
        (TransactionType.LOCK, AssetType.CEA, "10", ("400", "390"), ("0", "10"), "10 CEA"),  # still its own: held
        (TransactionType.UNLOCK, AssetType.EUR, "44", ("900", "944"), ("44", "0"), "€44.00"),
    ],
)
def test_a_ledger_amount_is_signed_by_what_it_did_to_the_balance_and_a_lock_moves_it_unsigned(
    kind, asset, amount, available, locked, shown
):
    (available_before, available_after), (locked_before, locked_after) = (map(Decimal, p) for p in (available, locked))
    entry = ledger_entry(
        transaction_type=kind,
        asset=asset,
        amount=Decimal(amount),
        available_before=available_before,
        available_after=available_after,
        locked_before=locked_before,
        locked_after=locked_after,
        balance_before=available_before + locked_before,
        balance_after=available_after + locked_after,
    )

    (row,) = ledger_frame([entry]).to_dict("records")

    assert row["amount"] == shown


def test_ledger_rows_show_before_and_after_in_utc_with_the_ticket():
    entry = MarketMakerLedgerEntry(
        id=7,
        balance_id=3,
        market_maker_id=1,
        entity_id=None,
        asset=AssetType.EUR,
        transaction_type=TransactionType.TRADE_CREDIT,
        amount=Decimal("0.01"),
        available_before=Decimal("100"),
        available_after=Decimal("100.01"),
        locked_before=Decimal(0),
        locked_after=Decimal(0),
        balance_before=Decimal("100"),
        balance_after=Decimal("100.01"),
        reference_type="market_maker",
        reference_id=1,
        ticket_id="TKT-2026-000007",
        created_by=1,
        created_at=datetime(2026, 11, 26, 10, 30, tzinfo=timezone(timedelta(hours=1))),
    )

    (row,) = ledger_frame([entry]).to_dict("records")

    assert row["time"] == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert (row["type"], row["amount"]) == ("Trade credit", "+€0.01")  # the amount says its asset and direction
    assert row["available"] == "€100.00 → €100.01"
    assert row["reference"] == "TKT-2026-000007"


def test_a_liquidity_provider_is_created_with_the_eur_text_as_typed():
    assert initial_funding(LP, {AssetType.EUR: " 250000.00 "}) == {"initial_eur_balance": "250000.00"}


def test_an_asset_holder_is_created_with_the_certificates_filled_in():
    kwargs = initial_funding(AH, {AssetType.CEA: "5000", AssetType.EUA: ""})

    assert kwargs == {"initial_balances": {"CEA": "5000"}}


@pytest.mark.parametrize("kind", [LP, AH])
def test_blank_funding_fields_start_the_market_maker_at_zero(kind):
    assert initial_funding(kind, {AssetType.EUR: "", AssetType.CEA: "  ", AssetType.EUA: None}) == {}
