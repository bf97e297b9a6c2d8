"""Create Liquidity's words: why a provisioning suggestion is what it is, the spread caption (no database)."""

from datetime import UTC, datetime
from decimal import Decimal

from core.config import LiquidityLevels
from core.enums import AssetType, CertificateType, MarketMakerType, OrderSide
from core.liquidity_models import (
    AssetShortfall,
    LiquidityOperation,
    LiquidityPreview,
    MarketMakerAllocation,
    MarketMakerShortfall,
    PlannedOrder,
    ProvisionedMarketMaker,
    ProvisioningPlan,
    ProvisioningResult,
    SidePlan,
)
from core.validation import parse_amount
from ui.format import md_escape
from ui.liquidity_view import (
    PLAN_NAME_CHARS,
    allocations_frame,
    levels_frame,
    operations_frame,
    provision_amount,
    provision_note,
    provision_question,
    provisioned_text,
    result_lines,
    shortfall_frame,
    shortfall_text,
    side_summary,
    spread_caption,
)

HOSTILE = "Firm [pwn](http://example.invalid/x)"


def shortfall(*short: tuple[str, str], new_needs: str = "150") -> AssetShortfall:
    makers = tuple(
        MarketMakerShortfall(
            id=i, name=name, required=Decimal(100), available=Decimal(100) - Decimal(by), shortfall=Decimal(by)
        )
        for i, (name, by) in enumerate(short, start=1)
    )
    return AssetShortfall(
        asset=AssetType.CEA,
        side=OrderSide.SELL,
        mm_type=MarketMakerType.ASSET_HOLDER,
        required=sum(m.required for m in makers),
        available=sum(m.available for m in makers),
        shortfall=sum(m.shortfall for m in makers),
        market_makers=makers,
        new_market_maker_needs=Decimal(new_needs),
    )


def eur_shortfall(*short: tuple[str, str, str], new_needs: str = "1000.00") -> AssetShortfall:
    """A BID side's shortfall: each short liquidity provider with what its orders need and what it has."""
    makers = tuple(
        MarketMakerShortfall(
            id=i, name=name, required=Decimal(need), available=Decimal(has), shortfall=Decimal(need) - Decimal(has)
        )
        for i, (name, need, has) in enumerate(short, start=1)
    )
    return AssetShortfall(
        asset=AssetType.EUR, side=OrderSide.BUY, mm_type=MarketMakerType.LIQUIDITY_PROVIDER,
        required=sum(m.required for m in makers), available=sum(m.available for m in makers),
        shortfall=sum(m.shortfall for m in makers), market_makers=makers, new_market_maker_needs=Decimal(new_needs),
    )  # fmt: skip


def test_one_short_liquidity_provider_is_counted_in_the_singular_with_what_its_orders_need_and_it_has():
    short = eur_shortfall(("Boreal Capital", "499823.49", "350000.00"))  # the sweep's BID of €1,000,000.00

    assert shortfall_text(short) == (
        "1 liquidity provider is short by €149,823.49: its orders need €499,823.49 and it has €350,000.00 available."
    )


def test_several_short_market_makers_are_counted_with_their_totals():
    short = eur_shortfall(("LP 1", "500.00", "400.00"), ("LP 2", "500.00", "450.00"))

    assert shortfall_text(short) == (
        "2 liquidity providers are short by €150.00 in all: their orders need €1,000.00 and they have €850.00 "
        "available."
    )
    assert shortfall_text(shortfall(("AH 1", "10"))).startswith("1 asset holder is short by 10 CEA: its orders need")


def test_a_side_served_by_one_market_maker_placing_one_order_is_counted_in_the_singular():
    order = PlannedOrder(level=1, price=Decimal("80.83"), quantity=1, value_eur=Decimal("80.83"))
    maker = MarketMakerAllocation(
        id=1, name="Atlas Liquidity", mm_type=MarketMakerType.LIQUIDITY_PROVIDER, amount=Decimal("100.00"),
        available=Decimal("500.00"), asset=AssetType.EUR, orders=(order,),
    )  # fmt: skip
    plan = SidePlan.model_construct(
        asset=AssetType.EUR, target_eur=Decimal("100.00"), level_prices=(Decimal("80.83"),), market_makers=(maker,)
    )

    assert side_summary(plan) == "1 liquidity provider · 1 order · 1 certificate · €80.83 of €100.00"


def test_funding_uneven_shortfalls_suggests_more_than_the_total_and_says_why():
    short = shortfall(("AH 1", "10"), ("AH 2", "40"))

    assert provision_amount(short, "fund_existing") == "80"
    note = provision_note(short, "fund_existing")
    assert "80 CEA, more than the 50 CEA shortfall" in note
    assert "split evenly over the 2 short market makers and AH 2 is short by 40 CEA" in note


def test_funding_even_shortfalls_suggests_exactly_the_shortfall_and_says_so():
    short = shortfall(("AH 1", "30"), ("AH 2", "30"))

    assert provision_amount(short, "fund_existing") == "60"
    assert provision_note(short, "fund_existing").startswith("Suggested: exactly the shortfall, 60 CEA")


def test_a_suggested_amount_is_grouped_as_the_app_writes_amounts_and_core_reads_it_back_exactly():
    euros = eur_shortfall(("LP 1", "4300100.00", "100.00"), new_needs="4300000.00")
    certificates = shortfall(("AH 1", "2500"), ("AH 2", "2500"))

    suggested = [provision_amount(euros, "create_new"), provision_amount(certificates, "fund_existing")]

    assert suggested == ["4,300,000.00", "5,000"]  # were "4300000.00" and "5000"
    assert parse_amount(suggested[0], AssetType.EUR) == Decimal("4300000.00")
    assert parse_amount(suggested[1], AssetType.CEA) == Decimal(5000)


def test_a_new_market_maker_is_suggested_what_it_needs_beside_the_others_not_the_shortfall():
    short = shortfall(("AH 1", "10"), ("AH 2", "40"), new_needs="150")

    note = provision_note(short, "create_new")

    assert provision_amount(short, "create_new") == "150"  # it was the 50 shortfall, which left them short
    assert note.startswith("Suggested: 150 CEA, what one new market maker needs for the whole side to be placed")
    assert "covering the 50 CEA shortfall alone would leave them short" in note and "preview again" in note


def test_market_maker_names_in_the_suggestion_are_shown_exactly_as_typed():
    note = provision_note(shortfall((HOSTILE, "10"), ("AH 2", "40")), "fund_existing")

    assert md_escape(HOSTILE) in note and "[pwn](" not in note


def test_the_spread_caption_says_whether_volatility_widened_the_levels():
    preview = LiquidityPreview(
        certificate_type=CertificateType.EUA,
        bid_amount_eur=Decimal(1),
        ask_amount_eur=Decimal(0),
        reference_price=Decimal(81),
        price_source="default",
        best_bid=None,
        best_ask=None,
        last_price=None,
        bid_plan=None,
        ask_plan=None,
    )

    assert spread_caption(preview, LiquidityLevels()).startswith("Design spreads (0.2/0.4/0.5 %)")
    wide = preview.model_copy(update={"spread_multiplier": Decimal("2.5"), "volatility": Decimal("0.0125")})
    assert spread_caption(wide, LiquidityLevels()) == "Spreads widened ×2.5 for volatility · σ 1.250 %"
    # the levels configured, not the defaults (CARBON_LIQUIDITY_LEVELS: it said 0.2/0.4/0.5 % whatever they were)
    two = LiquidityLevels(offsets=(Decimal("0.001"), Decimal("0.0125")), split=(Decimal("0.6"), Decimal("0.4")))
    assert spread_caption(preview, two).startswith("Design spreads (0.1/1.25 %) · recent trade volatility")


def test_recent_operations_show_the_reference_as_prices_read_everywhere():
    op = LiquidityOperation(
        id=1, ticket_id="TKT-2026-000001", certificate_type="CEA", target_bid_liquidity_eur=Decimal(100),
        target_ask_liquidity_eur=Decimal(0), actual_bid_liquidity_eur=Decimal(99), actual_ask_liquidity_eur=Decimal(0),
        market_makers_used=[], orders_created=[1, 2, 3], reference_price=Decimal("14.0000"), price_source="default",
        idempotency_key=None, created_by=1, created_at=datetime(2026, 12, 1, tzinfo=UTC), notes=None,
    )  # fmt: skip

    assert list(operations_frame([op])["reference"]) == ["€14.00"]  # the grid showed €14.0000


def test_the_previews_tables_shorten_a_long_name_in_its_middle_so_accounts_of_one_firm_stay_apart():
    firm = "Nordic Carbon Trading & Allowance Liquidity Partners International Holdings GmbH — Account"

    names = list(shortfall_frame(shortfall((f"{firm} 2", 5), (f"{firm} 3", 5)))["name"])

    assert names[0].endswith("Account 2") and names[1].endswith("Account 3")
    assert max(len(n) for n in names) <= PLAN_NAME_CHARS  # the whole name pushed the figures out of the dialog


def test_whether_a_market_maker_can_fund_its_orders_is_read_right_after_its_name():
    order = PlannedOrder(level=1, price=Decimal("80.83"), quantity=12_384, value_eur=Decimal("999808.40"))
    atlas = MarketMakerAllocation(
        id=1,
        name="Atlas Liquidity",
        mm_type=MarketMakerType.LIQUIDITY_PROVIDER,
        amount=Decimal("1000000.00"),
        available=Decimal("497650.70"),
        asset=AssetType.EUR,
        orders=(order,),
    )
    plan = SidePlan.model_construct(asset=AssetType.EUR, market_makers=(atlas,))

    frame = allocations_frame(plan)

    # the table shares half the dialog: its last columns scroll out of view at 1280 px with amounts in the millions
    assert list(frame.columns[:2]) == ["name", "status"]
    assert list(frame.iloc[0][:2]) == ["Atlas Liquidity", "Short"]


def provisioning(*deposits: tuple[str, str, str]) -> ProvisioningResult:
    return ProvisioningResult(
        action="fund_existing",
        mm_type=MarketMakerType.LIQUIDITY_PROVIDER,
        asset=AssetType.EUR,
        ticket_id="TKT-2026-000100",
        total_amount=sum(Decimal(amount) for _, amount, _ in deposits),
        market_makers=[
            ProvisionedMarketMaker(id=i, name=name, amount=Decimal(amount), deposit_ticket_id=ticket)
            for i, (name, amount, ticket) in enumerate(deposits, 1)
        ],
    )


def test_a_provisioning_names_the_ticket_each_deposit_carries_on_its_market_makers_ledger():
    done = provisioning(("LP 1", "150.00", "TKT-2026-000098"), ("Desk *B*", "150.00", "TKT-2026-000099"))

    assert provisioned_text(done) == (
        "Provisioned 2 market makers (TKT-2026-000100). On their ledgers: LP 1 €150.00 (TKT-2026-000098), "
        f"{md_escape('Desk *B*')} €150.00 (TKT-2026-000099)"
    )  # it named only TKT-2026-000100, which no ledger row carries


def test_a_provisioning_of_many_market_makers_names_its_first_deposits_and_counts_the_rest():
    done = provisioning(*[(f"LP {i}", "10.00", f"TKT-2026-00000{i}") for i in range(1, 6)])

    assert provisioned_text(done).endswith(
        "LP 3 €10.00 (TKT-2026-000003) and 2 more deposits, each under its own ticket"
    )


def test_each_level_shows_its_share_of_what_the_plan_places_not_the_configured_split():
    prices = (Decimal("80.83"), Decimal("80.67"), Decimal("80.59"))
    planned = ((3, "242.49"), (1, "80.67"), (1, "80.59"))  # whole certificates: about 60/20/20 % of the value
    orders = tuple(
        PlannedOrder(level=i, price=p, quantity=q, value_eur=Decimal(v))
        for i, (p, (q, v)) in enumerate(zip(prices, planned, strict=True), 1)
    )
    makers = tuple(
        MarketMakerAllocation(
            id=i, name=name, mm_type=MarketMakerType.LIQUIDITY_PROVIDER, amount=Decimal("500.00"),
            available=Decimal("500000.00"), asset=AssetType.EUR, orders=orders,
        )
        for i, name in enumerate(("Atlas Liquidity", "Boreal Capital"), 1)
    )  # fmt: skip
    plan = SidePlan.model_construct(
        asset=AssetType.EUR, level_prices=prices, split=(Decimal("0.5"), Decimal("0.3"), Decimal("0.2")),
        market_makers=makers,
    )  # fmt: skip

    frame = levels_frame(plan)

    assert [round(share) for share in frame["share"]] == [60, 20, 20]
    assert list(frame["value"]) == [Decimal("484.98"), Decimal("161.34"), Decimal("161.18")]


def test_the_result_says_a_side_that_was_not_requested_was_not_requested():
    op = LiquidityOperation.model_construct(
        ticket_id="TKT-2026-000001", orders_created=[1, 2, 3, 4, 5, 6], target_bid_liquidity_eur=Decimal("1000.00"),
        actual_bid_liquidity_eur=Decimal("807.50"), target_ask_liquidity_eur=Decimal(0),
        actual_ask_liquidity_eur=Decimal(0),
    )  # fmt: skip

    lines = {m.label: (m.value, m.note) for m in result_lines(op)}

    assert lines["BID placed"] == ("€807.50", "of €1,000.00 target")  # the target under the figure: the row fits
    assert lines["ASK placed"] == ("Not requested", None)  # as the preview says, not "€0.00 of €0.00"


def test_the_question_of_a_deposit_into_three_market_makers_lists_them_as_a_sentence_does():
    plan = ProvisioningPlan(
        action="fund_existing",
        mm_type=MarketMakerType.LIQUIDITY_PROVIDER,
        asset=AssetType.EUR,
        total_amount=Decimal("1000.00"),
        amounts=[Decimal("333.34"), Decimal("333.33"), Decimal("333.33")],
        mm_ids=[1, 2, 3],
    )

    question = provision_question(plan, {1: "Atlas", 2: "Boreal", 3: "Cedar"})

    assert question == "Deposit **€1,000.00**: Atlas €333.34, Boreal €333.33 and Cedar €333.33?"  # "and … and …"
