"""Arrangements shared by the Operations tests: market makers funded for liquidity, operations, trades."""

from decimal import Decimal

from sqlalchemy.orm import Session

from core.entities import create_entity, fund_entity
from core.liquidity_models import LiquidityOperation
from core.liquidity_service import create_liquidity
from core.market import get_order_book
from core.market_makers import create_market_maker
from core.orders import Order, place_order
from core.users import create_user
from tests.helpers import PASSWORD, Actors


def fund_market_makers(db: Session, actors: Actors) -> None:
    """Two liquidity providers and two asset holders of each certificate: enough for several operations."""
    for i in (1, 2):
        create_market_maker(db, f"LP {i}", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000000.00")
    for cert, amount in (("CEA", 50_000), ("EUA", 10_000)):
        for i in (1, 2):
            create_market_maker(db, f"AH {cert} {i}", "ASSET_HOLDER", actors.admin.id, initial_balances={cert: amount})


def create_operation(
    db: Session, actors: Actors, cert: str = "CEA", bid: str = "10000.00", ask: str = "5000.00"
) -> LiquidityOperation:
    return create_liquidity(db, cert, bid, ask, actors.admin.id)


def trader_sells(db: Session, actors: Actors, cert: str, quantity: int) -> Order:
    """The trader sells into the best bids at market (its firm is given the certificates first)."""
    fund_entity(db, actors.entity.id, cert, quantity, actors.admin.id)
    return place_order(db, actors.trader.id, cert, "SELL", "MARKET", quantity)


def trader_buys(db: Session, actors: Actors, cert: str, quantity: int) -> Order:
    """The trader lifts the best asks at market (its firm is given ample EUR first)."""
    best_ask = get_order_book(db, cert).best_ask
    assert best_ask is not None
    fund_entity(db, actors.entity.id, "EUR", best_ask * quantity * 2, actors.admin.id)
    return place_order(db, actors.trader.id, cert, "BUY", "MARKET", quantity)


def trade_between_traders(db: Session, actors: Actors, cert: str, price: str) -> None:
    """One trade between two trader firms at ``price``: no liquidity order involved."""
    other = create_entity(db, "Second Firm", actors.admin.id)
    buyer = create_user(db, "trader2", PASSWORD, "TRADER", entity_id=other.id)
    fund_entity(db, actors.entity.id, cert, 1, actors.admin.id)
    fund_entity(db, other.id, "EUR", price, actors.admin.id)
    place_order(db, actors.trader.id, cert, "SELL", "LIMIT", 1, price)
    place_order(db, buyer.id, cert, "BUY", "LIMIT", 1, price)


def traded_value(order: Order) -> Decimal:
    return sum((f.amount for f in order.fills), Decimal(0))
