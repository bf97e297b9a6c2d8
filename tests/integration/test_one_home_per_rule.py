"""One home per rule: the notes limit, the price tick and what each kind of market maker trades are each written
once in SQL; core and the table constraints read the same source."""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

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
