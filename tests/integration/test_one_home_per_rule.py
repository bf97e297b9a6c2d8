"""One home per rule: the notes limit, the price tick, what each kind of market maker trades and what a balance
movement may be are each written once in SQL; core, the table constraints and every writer read the same source."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.enums import AssetType, CertificateType, MarketMakerType, OrderSide
from core.errors import ValidationError
from core.limits import notes_max_length
from core.liquidity_service import create_liquidity, preview_liquidity_creation, side_roles
from core.market import price_tick
from core.market_makers import held_assets_by_type
from tests.helpers import snapshot
from tests.liquidity_helpers import make_holders, make_providers


def test_core_and_the_table_check_share_the_notes_limit(db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1)
    limit = notes_max_length(db)
    operation = create_liquidity(db, "CEA", "1000", "1000", actors.admin.id, notes="n" * limit)
    before = snapshot(db)

    with pytest.raises(ValidationError, match=f"at most {limit:,} characters"):
        create_liquidity(db, "CEA", "1000", "1000", actors.admin.id, notes="n" * (limit + 1))
    assert snapshot(db) == before

    with pytest.raises(IntegrityError, match="liquidity_operations_notes_check"):
        db.execute(text("UPDATE liquidity_operations SET notes = notes || 'n' WHERE id = :id"), {"id": operation.id})
    db.rollback()


def test_the_planner_prices_on_the_tick_the_book_declares(db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1)
    db.execute(text("UPDATE markets SET price_tick = 0.05 WHERE certificate_type = 'CEA'"))
    db.commit()

    preview = preview_liquidity_creation(db, "CEA", "1000", "1000", user_id=actors.admin.id)

    assert price_tick(db, "CEA") == Decimal("0.05")
    prices = [*preview.bid_plan.level_prices, *preview.ask_plan.level_prices]
    assert all(p % Decimal("0.05") == 0 for p in prices), prices
    assert price_tick(db, "EUA") == Decimal("0.01")


def test_the_database_refuses_a_tick_of_zero(db):
    with pytest.raises(IntegrityError, match="markets_price_tick_positive"):
        db.execute(text("UPDATE markets SET price_tick = 0"))
    db.rollback()


def test_what_each_kind_of_market_maker_trades_comes_from_sql(db):
    held = held_assets_by_type(db)

    assert held == {
        MarketMakerType.ASSET_HOLDER: (AssetType.CEA, AssetType.EUA),
        MarketMakerType.LIQUIDITY_PROVIDER: (AssetType.EUR,),
    }
    sides = dict(
        db.execute(
            text("SELECT t::text, market_maker_side(t)::text FROM unnest(enum_range(NULL::market_maker_type)) t")
        ).all()
    )
    assert sides == {"ASSET_HOLDER": "SELL", "LIQUIDITY_PROVIDER": "BUY"}
    db.rollback()


def test_the_planner_is_handed_who_serves_each_side_by_sql(db):
    roles = side_roles(db, CertificateType.EUA)
    db.rollback()

    assert {side: (r.mm_type, r.asset) for side, r in roles.items()} == {
        OrderSide.BUY: (MarketMakerType.LIQUIDITY_PROVIDER, AssetType.EUR),
        OrderSide.SELL: (MarketMakerType.ASSET_HOLDER, AssetType.EUA),
    }


def _refusal(db, statement: str, params: dict) -> str:
    """The sentence a stored function refused with (its transaction rolled back)."""
    with pytest.raises(DBAPIError) as refused:
        db.execute(text(statement), params)
    db.rollback()
    return refused.value.orig.diag.message_primary


@pytest.mark.parametrize(
    ("amount", "asset"),
    [("0", "EUR"), ("-1", "EUR"), ("NaN", "EUR"), ("0.001", "EUR"), ("1.5", "CEA"), ("1000000.00", "EUR")],
)
def test_one_balance_movement_and_many_refuse_an_amount_with_the_same_sentence(db, actors, amount, asset):
    provider, holder = make_providers(db, actors.admin, 1)[0], make_holders(db, actors.admin, 1)[0]
    balance = db.execute(
        text("SELECT balance_id_for(:mm, NULL, CAST(:asset AS asset_type))"),
        {"mm": (provider if asset == "EUR" else holder).id, "asset": asset},
    ).scalar_one()
    params = {"b": balance, "amount": Decimal(amount), "by": actors.admin.id}

    one = _refusal(db, "SELECT apply_balance_change(:b, 'WITHDRAWAL', :amount, 'test', NULL, NULL, :by)", params)
    many = _refusal(
        db, "SELECT apply_balance_changes(ARRAY[:b], ARRAY[:amount], 'WITHDRAWAL', 'test', NULL, NULL, :by)", params
    )

    assert one == many  # a malformed amount, or more than is available (€1,000,000.00 of €100,000.00)


def test_a_movement_of_no_balance_row_is_refused_as_a_balance_that_does_not_exist(db, actors):
    statement = (
        "SELECT apply_balance_changes(ARRAY[CAST(NULL AS bigint)], ARRAY[1], 'DEPOSIT', 'test', NULL, NULL, :by)"
    )

    refusal = _refusal(db, statement, {"by": actors.admin.id})

    assert refusal == "Balance  does not exist"  # not "Each balance row may appear once"
