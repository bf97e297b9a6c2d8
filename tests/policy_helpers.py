"""Arrangements shared by the liquidity policy tests: a funded market, a saved policy, its resting orders."""

from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.entities import create_entity, fund_entity
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_policies import save_policy
from core.orders import place_order
from core.policy_models import LiquidityPolicy
from core.users import create_user
from tests.helpers import PASSWORD, Actors
from tests.liquidity_helpers import make_holders, make_providers


def healthy(db: Session) -> bool:
    return verify_ledger(db) == [] and check_invariants(db) == []


def fund_market(db: Session, actors: Actors, certificates: int = 10_000, certs: tuple[str, ...] = ("CEA",)) -> None:
    """Two liquidity providers (€100,000 each) and, per certificate, two asset holders."""
    make_providers(db, actors.admin, 2)
    for cert in certs:
        make_holders(db, actors.admin, 2, certificates=certificates, cert=cert, prefix=f"AH {cert}")


def policy(db: Session, actors: Actors, cert: str = "CEA", **changes: object) -> LiquidityPolicy:
    """The book's policy, running: €10,000 a side, enabled, unless ``changes`` say otherwise."""
    settings: dict[str, object] = {"bid_depth_eur": "10000", "ask_depth_eur": "10000", "enabled": True, **changes}
    return save_policy(db, cert, user_id=actors.admin.id, **settings)


def resting(db: Session, policy_id: int, side: str | None = None) -> list[dict]:
    rows = db.execute(
        text(
            "SELECT id, side, price, remaining_quantity, resting_eur FROM liquidity_policy_orders "
            "WHERE policy_id = :p AND (CAST(:s AS order_side) IS NULL OR side = CAST(:s AS order_side)) ORDER BY id"
        ),
        {"p": policy_id, "s": side},
    ).mappings()
    result = [dict(r) for r in rows]
    db.rollback()
    return result


def resting_eur(db: Session, policy_id: int, side: str) -> Decimal:
    return sum((r["resting_eur"] for r in resting(db, policy_id, side)), Decimal(0))


def trader(db: Session, actors: Actors, name: str = "Taker Firm") -> int:
    """A second trading firm, rich in EUR and certificates, whose trader's id is returned."""
    firm = create_entity(db, name, actors.admin.id)
    user = create_user(db, name.lower().replace(" ", "_")[:20], PASSWORD, "TRADER", entity_id=firm.id)
    fund_entity(db, firm.id, "EUR", Decimal("10000000"), actors.admin.id)
    for cert in ("CEA", "EUA"):
        fund_entity(db, firm.id, cert, 1_000_000, actors.admin.id)
    return user.id


def quote(db: Session, trader_id: int, cert: str, side: str, price: str, quantity: int = 10) -> None:
    place_order(db, trader_id, cert, side, "LIMIT", quantity, price)


def trades_at(db: Session, trader_id: int, seller_id: int, cert: str, prices: list[str]) -> None:
    """One trade of one certificate at each price, in order (``seller_id`` rests, ``trader_id`` takes)."""
    for price in prices:
        place_order(db, seller_id, cert, "SELL", "LIMIT", 1, price)
        place_order(db, trader_id, cert, "BUY", "LIMIT", 1, price)


def age_orders(db: Session, policy_id: int, minutes: int) -> None:
    """Make the policy's resting orders look ``minutes`` old (orders.created_at, as the age rule reads it)."""
    db.execute(
        text(
            "UPDATE orders SET created_at = now() - make_interval(mins => :m) "
            "WHERE id IN (SELECT id FROM liquidity_policy_orders WHERE policy_id = :p)"
        ),
        {"m": minutes, "p": policy_id},
    )
    db.commit()
