"""Arrangements shared by the liquidity tests: funded market makers, a book with resting orders, a trade."""

from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.entities import create_entity, fund_entity
from core.market_makers import create_market_maker
from core.models import MarketMaker, User
from core.orders import place_order
from core.users import create_user
from tests.helpers import PASSWORD, Actors


def make_providers(db: Session, admin: User, count: int, eur: object = "100000.00", prefix: str = "LP") -> list:
    return [
        create_market_maker(db, f"{prefix} {i + 1}", "LIQUIDITY_PROVIDER", admin.id, initial_eur_balance=eur)
        for i in range(count)
    ]


def make_holders(
    db: Session, admin: User, count: int, certificates: int = 10_000, cert: str = "CEA", prefix: str = "AH"
) -> list[MarketMaker]:
    return [
        create_market_maker(db, f"{prefix} {i + 1}", "ASSET_HOLDER", admin.id, initial_balances={cert: certificates})
        for i in range(count)
    ]


def rest_order(db: Session, actors: Actors, cert: str, side: str, price: str, quantity: int = 10) -> None:
    """A trader order resting in the book (the trader's firm is funded for it first)."""
    if side == "BUY":
        fund_entity(db, actors.entity.id, "EUR", Decimal(price) * quantity, actors.admin.id)
    else:
        fund_entity(db, actors.entity.id, cert, quantity, actors.admin.id)
    place_order(db, actors.trader.id, cert, side, "LIMIT", quantity, price)


def make_trade(db: Session, actors: Actors, cert: str, price: str) -> None:
    """One trade at ``price`` between the trader's firm (seller) and a second firm (buyer); the book is left
    empty."""
    other = create_entity(db, "Second Firm", actors.admin.id)
    buyer = create_user(db, "trader2", PASSWORD, "TRADER", entity_id=other.id)
    fund_entity(db, other.id, "EUR", Decimal(price), actors.admin.id)
    rest_order(db, actors, cert, "SELL", price, 1)
    place_order(db, buyer.id, cert, "BUY", "LIMIT", 1, price)


def count_rows(db: Session, table: str, where: str = "true") -> int:
    value = db.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one()
    db.rollback()
    return int(value)
