"""Create Liquidity: every rule of preview and execution, and every refusal leaving the database unchanged."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from core import liquidity_service
from core.config import get_settings
from core.enums import AssetType, MarketMakerType, OrderSide
from core.errors import (
    Conflict,
    InsufficientAssetsError,
    InsufficientFunds,
    PermissionDenied,
    RateLimited,
    ValidationError,
)
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import (
    PlanChanged,
    create_liquidity,
    create_liquidity_for_all,
    get_asset_holders,
    get_liquidity_operations,
    get_liquidity_providers,
    plan_signature,
    preview_liquidity_creation,
)
from core.market_makers import get_market_maker
from core.sqlcall import unit_of_work
from tests.helpers import snapshot
from tests.liquidity_helpers import count_rows, make_holders, make_providers, make_trade, rest_order


def healthy(db) -> bool:
    return verify_ledger(db) == [] and check_invariants(db) == []


# --- reference price -------------------------------------------------------------------------------------


def test_reference_price_is_the_mid_of_best_bid_and_ask(db, actors):
    make_providers(db, actors.admin, 1)
    rest_order(db, actors, "CEA", "BUY", "9.99")
    rest_order(db, actors, "CEA", "SELL", "10.02")

    preview = preview_liquidity_creation(db, "CEA", "1000", "0", user_id=actors.admin.id)

    assert (preview.reference_price, preview.price_source) == (Decimal("10.005"), "mid")


def test_reference_price_is_the_last_trade_when_one_side_is_empty(db, actors):
    make_trade(db, actors, "EUA", "77.50")
    make_providers(db, actors.admin, 1)

    preview = preview_liquidity_creation(db, "EUA", "1000", "0", user_id=actors.admin.id)

    assert (preview.reference_price, preview.price_source) == (Decimal("77.50"), "last_trade")


def test_reference_price_is_the_configured_default_on_an_empty_market(db, actors):
    make_providers(db, actors.admin, 1)

    cea = preview_liquidity_creation(db, "CEA", "1000", "0", user_id=actors.admin.id)
    eua = preview_liquidity_creation(db, "EUA", "1000", "0", user_id=actors.admin.id)

    assert (cea.reference_price, cea.price_source) == (Decimal("14.00"), "default")
    assert (eua.reference_price, eua.price_source) == (Decimal("81.00"), "default")


# --- levels and distribution -----------------------------------------------------------------------------


def test_levels_at_a_mid_of_ten_euros_are_placed_as_documented(db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1)
    rest_order(db, actors, "CEA", "BUY", "9.99")
    rest_order(db, actors, "CEA", "SELL", "10.01")

    op = create_liquidity(db, "CEA", "10000", "10000", actors.admin.id)

    rows = db.execute(
        text("SELECT side, liquidity_level, price FROM orders WHERE liquidity_operation_id = :op ORDER BY 1, 2"),
        {"op": op.id},
    ).all()
    assert [(r.side, r.liquidity_level, r.price) for r in rows] == [
        ("BUY", 1, Decimal("9.98")),
        ("BUY", 2, Decimal("9.96")),
        ("BUY", 3, Decimal("9.95")),
        ("SELL", 1, Decimal("10.02")),
        ("SELL", 2, Decimal("10.04")),
        ("SELL", 3, Decimal("10.05")),
    ]


def test_each_side_is_split_evenly_in_whole_certificates_never_above_its_target(db, actors):
    make_providers(db, actors.admin, 3)
    make_holders(db, actors.admin, 4)

    preview = preview_liquidity_creation(db, "CEA", "10000.01", "7777.77", user_id=actors.admin.id)

    for plan, target in ((preview.bid_plan, Decimal("10000.01")), (preview.ask_plan, Decimal("7777.77"))):
        assert sum(m.amount for m in plan.market_makers) == target
        assert plan.total_eur <= target
        values = [m.total_value for m in plan.market_makers]
        assert max(values) <= min(values) * Decimal("1.05")
        assert all(o.quantity >= 1 for m in plan.market_makers for o in m.orders)
    assert len(preview.bid_plan.market_makers) == 3 and len(preview.ask_plan.market_makers) == 4
    assert preview.can_execute


def test_liquidity_providers_buy_with_eur_and_asset_holders_of_the_certificate_sell_it(db, actors):
    lps = make_providers(db, actors.admin, 2)
    cea_holders = make_holders(db, actors.admin, 2, cert="CEA", prefix="CEA holder")
    make_holders(db, actors.admin, 1, cert="EUA", prefix="EUA holder")

    op = create_liquidity(db, "CEA", "2000", "2000", actors.admin.id)

    by_side = dict(
        db.execute(
            text(
                "SELECT side, array_agg(DISTINCT market_maker_id ORDER BY market_maker_id) FROM orders "
                "WHERE liquidity_operation_id = :op GROUP BY side"
            ),
            {"op": op.id},
        ).all()
    )
    assert by_side == {"BUY": [m.id for m in lps], "SELL": [m.id for m in cea_holders]}
    assert [m.id for m in get_asset_holders(db, "CEA", user_id=actors.admin.id)] == [m.id for m in cea_holders]
    assert [m.id for m in get_liquidity_providers(db, user_id=actors.admin.id)] == [m.id for m in lps]


def test_one_side_alone_is_allowed(db, actors):
    make_holders(db, actors.admin, 2)

    op = create_liquidity(db, "CEA", "0", "5000", actors.admin.id)

    assert op.actual_bid_liquidity_eur == 0 and 0 < op.actual_ask_liquidity_eur <= Decimal("5000")
    assert count_rows(db, "orders", "side = 'BUY'") == 0


# --- execution writes ------------------------------------------------------------------------------------


def test_creation_places_post_only_orders_locks_funds_and_records_actual_amounts(db, actors):
    lps = make_providers(db, actors.admin, 2, eur="50000.00")
    ahs = make_holders(db, actors.admin, 2, certificates=3000)
    preview = preview_liquidity_creation(db, "CEA", "20000", "15000", user_id=actors.admin.id)

    op = create_liquidity(db, "CEA", "20000", "15000", actors.admin.id, notes="morning depth")

    assert op.ticket_id.startswith("TKT-") and op.notes == "morning depth"
    assert op.actual_bid_liquidity_eur == preview.bid_plan.total_eur
    assert op.actual_ask_liquidity_eur == preview.ask_plan.total_eur
    assert len(op.orders_created) == preview.total_orders_count == 12
    orders = (
        db.execute(text("SELECT * FROM orders WHERE id = ANY(:ids) ORDER BY id"), {"ids": op.orders_created})
        .mappings()
        .all()
    )
    assert all(o["post_only"] and o["status"] == "OPEN" and o["order_type"] == "LIMIT" for o in orders)
    assert sum(o["price"] * o["quantity"] for o in orders if o["side"] == "BUY") == op.actual_bid_liquidity_eur
    lp = get_market_maker(db, lps[0].id, user_id=actors.admin.id)
    assert lp.eur_locked == preview.bid_plan.market_makers[0].total_value
    assert lp.eur_available + lp.eur_locked == Decimal("50000.00") == lp.eur_balance
    ah = get_market_maker(db, ahs[0].id, user_id=actors.admin.id)
    assert ah.cea_locked == preview.ask_plan.market_makers[0].total_quantity
    used = {m.id: m for m in op.market_makers_used}
    assert used[lps[0].id].amount == preview.bid_plan.market_makers[0].total_value
    assert used[ahs[1].id].mm_type is MarketMakerType.ASSET_HOLDER
    assert healthy(db)


def test_creation_writes_one_ticket_for_the_operation_and_one_per_order(db, actors):
    make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 1)

    op = create_liquidity(db, "CEA", "3000", "3000", actors.admin.id)

    assert count_rows(db, "ticket_logs", f"action = 'CREATE_LIQUIDITY' AND entity_id = {op.id}") == 1
    per_order = (
        db.execute(text("SELECT entity_id FROM ticket_logs WHERE action = 'PLACE_LIQUIDITY_ORDER' ORDER BY entity_id"))
        .scalars()
        .all()
    )
    assert per_order == sorted(op.orders_created)
    lock_rows = db.execute(
        text(
            "SELECT count(*) FROM asset_transactions WHERE transaction_type = 'LOCK' "
            "AND reference_type = 'liquidity_operation' AND reference_id = :op AND ticket_id = :t"
        ),
        {"op": op.id, "t": op.ticket_id},
    ).scalar_one()
    assert lock_rows == 3  # one per balance row: two LPs' EUR, one AH's CEA
    assert get_liquidity_operations(db, "CEA", user_id=actors.admin.id)[0].id == op.id
    assert healthy(db)


# --- refusals --------------------------------------------------------------------------------------------


def test_short_market_makers_are_each_listed_and_nothing_is_placed(db, actors):
    rich, poor = make_providers(db, actors.admin, 2, eur="100.00")
    make_holders(db, actors.admin, 1, certificates=5)
    preview = preview_liquidity_creation(db, "CEA", "4000", "2000", user_id=actors.admin.id)
    before = snapshot(db)

    with pytest.raises(InsufficientAssetsError) as refused:
        create_liquidity(db, "CEA", "4000", "2000", actors.admin.id)

    assert snapshot(db) == before
    assert not preview.can_execute
    assert [s.asset for s in preview.missing_assets] == [AssetType.EUR, AssetType.CEA]
    eur = preview.missing_assets[0]
    assert [m.id for m in eur.market_makers] == [rich.id, poor.id]
    assert eur.available == Decimal("200.00") and eur.shortfall == eur.required - eur.available > 0
    assert preview.suggested_actions == ["create_lp_mms", "fund_existing_lps", "create_ah_mms", "fund_existing_ahs"]
    error = refused.value
    assert (error.asset_type, error.required, error.available, error.shortfall) == (
        "EUR",
        eur.required,
        eur.available,
        eur.shortfall,
    )
    assert len(error.shortfalls) == 2


def test_a_poor_market_maker_beside_rich_ones_is_left_out_and_the_creation_executes(db, actors):
    rich_lps = make_providers(db, actors.admin, 2, eur="600000.00")
    (poor_lp,) = make_providers(db, actors.admin, 1, eur="100.00", prefix="Poor LP")
    rich_ahs = make_holders(db, actors.admin, 2)
    (poor_ah,) = make_holders(db, actors.admin, 1, certificates=5, prefix="Poor AH")
    preview = preview_liquidity_creation(db, "CEA", "600000", "4000", user_id=actors.admin.id)

    op = create_liquidity(db, "CEA", "600000", "4000", actors.admin.id)

    assert preview.can_execute and preview.missing_assets == []
    assert [m.id for m in preview.left_out] == [poor_lp.id, poor_ah.id]
    assert preview.left_out[0].reason.startswith("holds €100.00, less than an even share of €")
    assert sorted(m.id for m in op.market_makers_used) == sorted(m.id for m in rich_lps + rich_ahs)
    assert op.actual_bid_liquidity_eur == preview.bid_plan.total_eur > Decimal("599000")
    assert get_market_maker(db, poor_lp.id, user_id=actors.admin.id).eur_available == Decimal("100.00")
    assert healthy(db)


def test_a_side_without_market_makers_is_a_shortfall_suggesting_new_ones(db, actors):
    make_providers(db, actors.admin, 1)
    before = snapshot(db)

    preview = preview_liquidity_creation(db, "EUA", "1000", "5000", user_id=actors.admin.id)
    with pytest.raises(InsufficientAssetsError):
        create_liquidity(db, "EUA", "1000", "5000", actors.admin.id)

    assert snapshot(db) == before
    (missing,) = preview.missing_assets
    assert missing.no_market_makers and missing.asset is AssetType.EUA and missing.shortfall > 0
    assert preview.suggested_actions == ["create_ah_mms"]


def test_availability_not_total_balance_decides_sufficiency(db, actors):
    (lp,) = make_providers(db, actors.admin, 1, eur="5000.00")
    create_liquidity(db, "CEA", "4000", "0", actors.admin.id)  # locks most of the EUR

    preview = preview_liquidity_creation(db, "CEA", "4000", "0", user_id=actors.admin.id)

    assert get_market_maker(db, lp.id, user_id=actors.admin.id).eur_balance == Decimal("5000.00")
    assert (
        preview.missing_assets[0].available
        == get_market_maker(db, lp.id, user_id=actors.admin.id).eur_available
        < Decimal("4000")
    )


def test_a_plan_that_would_trade_immediately_is_refused_with_the_reason(db, actors):
    make_providers(db, actors.admin, 1)
    rest_order(db, actors, "CEA", "SELL", "13.00")  # only an ask: reference is the default €14.00
    before = snapshot(db)

    preview = preview_liquidity_creation(db, "CEA", "1000", "0", user_id=actors.admin.id)
    with pytest.raises(ValidationError, match=r"would trade immediately against the best ask at €13\.00"):
        create_liquidity(db, "CEA", "1000", "0", actors.admin.id)

    assert snapshot(db) == before
    assert not preview.can_execute and "post-only" in preview.problems[0]


@pytest.mark.parametrize(
    ("bid", "ask", "fragment"),
    [
        ("0", "0", "above zero"),
        ("-1", "100", "zero or more"),
        ("100.001", "0", "2 decimals"),
        ("NaN", "0", "finite"),
        ("10", "0", "at least €"),
    ],
)
def test_invalid_amounts_are_refused_and_change_nothing(db, actors, bid, ask, fragment):
    make_providers(db, actors.admin, 1)
    before = snapshot(db)

    with pytest.raises(ValidationError, match=fragment):
        create_liquidity(db, "CEA", bid, ask, actors.admin.id)

    assert snapshot(db) == before


def test_only_admins_preview_create_or_list_liquidity(db, actors):
    make_providers(db, actors.admin, 1)
    before = snapshot(db)

    for user in (actors.analyst, actors.trader):
        with pytest.raises(PermissionDenied):
            create_liquidity(db, "CEA", "1000", "0", user.id)
        with pytest.raises(PermissionDenied):
            preview_liquidity_creation(db, "CEA", "1000", "0", user_id=user.id)
        with pytest.raises(PermissionDenied):
            get_liquidity_operations(db, user_id=user.id)
        with pytest.raises(PermissionDenied):
            get_liquidity_providers(db, user_id=user.id)

    assert snapshot(db) == before


# --- idempotency and rate limit --------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_first_operation_and_places_nothing_twice(db, actors):
    make_providers(db, actors.admin, 1, eur="3000.00")

    first = create_liquidity(db, "CEA", "2500", "0", actors.admin.id, idempotency_key="desk-42")
    after_first = snapshot(db)
    again = create_liquidity(db, "CEA", "2500", "0", actors.admin.id, idempotency_key="desk-42")

    assert again == first
    assert snapshot(db) == after_first


def test_an_idempotency_key_reused_for_other_amounts_is_refused_naming_the_operation_by_its_ticket(db, actors):
    make_providers(db, actors.admin, 1)
    first = create_liquidity(db, "CEA", "2500", "0", actors.admin.id, idempotency_key="desk-43")
    before = snapshot(db)

    with pytest.raises(Conflict, match=f"already used by liquidity operation {first.ticket_id} for different"):
        create_liquidity(db, "CEA", "2600", "0", actors.admin.id, idempotency_key="desk-43")

    assert snapshot(db) == before


def test_creations_beyond_the_rate_limit_are_refused_in_the_database(db, actors, monkeypatch):
    monkeypatch.setattr(get_settings(), "liquidity_rate_limit_per_minute", 2)
    make_providers(db, actors.admin, 1)
    create_liquidity(db, "CEA", "1000", "0", actors.admin.id)
    create_liquidity(db, "EUA", "1000", "0", actors.admin.id)  # the limit counts across certificates
    before = snapshot(db)

    with pytest.raises(RateLimited, match="at most 2 liquidity creations per minute"):
        create_liquidity(db, "CEA", "1000", "0", actors.admin.id)

    assert snapshot(db) == before


def test_the_default_rate_limit_is_ten_per_minute():
    assert get_settings().liquidity_rate_limit_per_minute == 10


# --- re-check under the locks ----------------------------------------------------------------------------


def stale_first_plan(db, actors, monkeypatch) -> tuple[object, object, list]:
    """Two providers; a plan made while both were active, then one deactivated: core's first plan is that stale one
    (the stored function refuses it under its locks), every later one is made afresh. Returns the one kept, the
    stale plan, and every plan core made."""
    from core import liquidity_service
    from core.market_makers import deactivate_market_maker

    keep, leaving = make_providers(db, actors.admin, 2)
    stale = preview_liquidity_creation(db, "CEA", "2000", "0", user_id=actors.admin.id)
    deactivate_market_maker(db, leaving.id, actors.admin.id)
    real_plan = liquidity_service._plan
    plans = []

    def first_stale(*args):
        plans.append(stale if not plans else real_plan(*args))
        return plans[-1]

    monkeypatch.setattr(liquidity_service, "_plan", first_stale)
    return keep, stale, plans


def test_a_plan_that_went_stale_is_refused_by_the_stored_function_and_made_again(db, actors, monkeypatch):
    keep, _, plans = stale_first_plan(db, actors, monkeypatch)

    op = create_liquidity(db, "CEA", "2000", "0", actors.admin.id)

    assert len(plans) == 2
    assert [m.id for m in op.market_makers_used] == [keep.id]
    assert healthy(db)


def test_a_confirmed_plan_is_placed_as_shown_or_not_at_all(db, actors):
    make_providers(db, actors.admin, 1)
    shown = plan_signature([preview_liquidity_creation(db, "CEA", "2000", "0", user_id=actors.admin.id)])
    make_providers(db, actors.admin, 1, prefix="Joined meanwhile")  # the plan now splits over two
    before = snapshot(db)

    with pytest.raises(PlanChanged, match="The plan changed since it was shown"):
        create_liquidity(db, "CEA", "2000", "0", actors.admin.id, expected_plan=shown)
    with pytest.raises(PlanChanged):
        create_liquidity_for_all(db, {"CEA": ("2000", "0")}, actors.admin.id, expected_plan=shown)

    assert snapshot(db) == before
    now = plan_signature([preview_liquidity_creation(db, "CEA", "2000", "0", user_id=actors.admin.id)])
    op = create_liquidity(db, "CEA", "2000", "0", actors.admin.id, expected_plan=now)
    assert len(op.market_makers_used) == 2 and healthy(db)


def test_a_confirmed_plan_that_goes_stale_under_the_lock_is_not_made_again_and_placed(db, actors, monkeypatch):
    _, stale, plans = stale_first_plan(db, actors, monkeypatch)
    before = snapshot(db)

    with pytest.raises(PlanChanged):
        create_liquidity(db, "CEA", "2000", "0", actors.admin.id, expected_plan=plan_signature([stale]))

    assert len(plans) == 2  # refused by the stored function, planned again, and the new plan is not the one shown
    assert snapshot(db) == before


def test_the_stored_function_refuses_a_plan_beyond_available_balances(db, actors):
    (lp,) = make_providers(db, actors.admin, 1, eur="100.00")
    before = snapshot(db)
    plan = f'[{{"mm_id": {lp.id}, "level": 1, "price": "10.00", "quantity": 11}}]'

    with pytest.raises(InsufficientFunds, match="Insufficient available balance"), unit_of_work(db):
        db.execute(
            text(
                "SELECT create_liquidity_operation("
                "'CEA', CAST(:p AS jsonb), 200, 0, 10, 'default', :by, NULL, NULL, 10)"
            ),
            {"p": plan, "by": actors.admin.id},
        )

    assert snapshot(db) == before


@pytest.mark.parametrize("price", ["10.005", "0", "-10.00", None])
def test_the_stored_function_refuses_a_plan_with_any_order_priced_off_the_tick(db, actors, price):
    lps = make_providers(db, actors.admin, 2)
    before = snapshot(db)
    orders = [{"mm_id": lp.id, "level": level, "price": "9.00", "quantity": 1} for lp in lps for level in (1, 2)]
    orders[-1]["price"] = price  # one order of four: the check is per order, whatever the others' prices

    with pytest.raises(ValidationError, match=r"a price above zero in steps of €0\.01"), unit_of_work(db):
        db.execute(
            text(
                "SELECT create_liquidity_operation("
                "'CEA', CAST(:p AS jsonb), 200, 0, 10, 'default', :by, NULL, NULL, 10)"
            ),
            {"p": json.dumps(orders), "by": actors.admin.id},
        )

    assert snapshot(db) == before


def test_the_book_side_a_plan_uses_matches_each_market_maker_type(db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1)

    preview = preview_liquidity_creation(db, "CEA", "1000", "1000", user_id=actors.admin.id)

    assert preview.bid_plan.side is OrderSide.BUY and preview.bid_plan.asset is AssetType.EUR
    assert preview.ask_plan.side is OrderSide.SELL and preview.ask_plan.asset is AssetType.CEA


def test_the_stored_functions_refuse_a_non_admin_even_when_called_directly(db, actors):
    (lp,) = make_providers(db, actors.admin, 1)
    before = snapshot(db)
    calls = [
        "SELECT create_liquidity_operation('CEA', CAST(:p AS jsonb), 200, 0, 10, 'default', :by, NULL, NULL, 10)",
        "SELECT withdraw_liquidity(1, :by)",
        "SELECT provision_market_makers('create_new', 'LIQUIDITY_PROVIDER', 'EUR', '{100}', :by)",
    ]
    plan = f'[{{"mm_id": {lp.id}, "level": 1, "price": "10.00", "quantity": 1}}]'

    for sql in calls:
        with pytest.raises(PermissionDenied, match="Only active admins"), unit_of_work(db):
            db.execute(text(sql), {"p": plan, "by": actors.analyst.id})

    assert snapshot(db) == before


def test_the_stored_function_refuses_a_plan_the_book_has_moved_against(db, actors):
    (lp,) = make_providers(db, actors.admin, 1)
    rest_order(db, actors, "CEA", "SELL", "9.99")  # arrived after the plan priced its bid at €10.00
    before = snapshot(db)
    plan = f'[{{"mm_id": {lp.id}, "level": 1, "price": "10.00", "quantity": 1}}]'

    with (
        pytest.raises(Conflict, match=r"would now trade immediately against the best ask at €9\.99"),
        unit_of_work(db),
    ):
        db.execute(
            text(
                "SELECT create_liquidity_operation('CEA', CAST(:p AS jsonb), 10, 0, 10, 'default', :by, NULL, NULL, 10)"
            ),
            {"p": plan, "by": actors.admin.id},
        )

    assert snapshot(db) == before


def _one_book(db, actors):
    return [create_liquidity(db, "CEA", "1000", "1000", actors.admin.id)]


def _every_book(db, actors):
    return create_liquidity_for_all(db, {"CEA": ("1000", "1000")}, actors.admin.id)


@pytest.mark.parametrize("create", [_one_book, _every_book], ids=["one book", "every book"])
def test_both_creations_plan_once_more_when_something_moved_and_refuse_a_second_move(db, actors, monkeypatch, create):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1)
    real, checks, moves = liquidity_service._refuse_unless_executable, [], [InsufficientFunds("moved")]

    def moved_before_placing(previews):  # inside the unit of work, after planning: as a move seen by the placing
        checks.append(len(previews))
        if moves:
            raise moves.pop()
        real(previews)

    monkeypatch.setattr(liquidity_service, "_refuse_unless_executable", moved_before_placing)

    assert [op.orders_count for op in create(db, actors)] == [6]  # planned again, placed
    assert checks == [1, 1]

    checks.clear()
    moves.extend([Conflict("moved again"), InsufficientFunds("moved")])
    before = snapshot(db)
    with pytest.raises(Conflict, match="moved again"):
        create(db, actors)
    assert (checks, snapshot(db)) == ([1, 1], before)
