"""Arrangements shared by the Operations tests: market makers funded for liquidity, operations, trades."""

from decimal import Decimal

from sqlalchemy.orm import Session

from core.entities import fund_entity
from core.liquidity_models import LiquidityOperation
from core.liquidity_service import create_liquidity
from core.market import get_order_book
from core.orders import Order, place_order
from tests.helpers import Actors
from tests.liquidity_helpers import make_holders, make_providers


def fund_market_makers(db: Session, actors: Actors) -> None:
    """Two liquidity providers and two asset holders of each certificate: enough for several operations."""
    make_providers(db, actors.admin, 2, eur="1000000.00")
    make_holders(db, actors.admin, 2, certificates=50_000, cert="CEA", prefix="AH CEA")
    make_holders(db, actors.admin, 2, certificates=10_000, cert="EUA", prefix="AH EUA")


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


def traded_value(order: Order) -> Decimal:
    return sum((f.amount for f in order.fills), Decimal(0))
