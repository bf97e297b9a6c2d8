"""Helpers for order and market tests: funded market makers on both sides, and the invariants every
call must keep (ledger exact, locks equal to what open orders hold, book never crossed)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.entities import fund_entity
from core.ledger import verify_ledger
from core.market_makers import create_market_maker
from core.models import MarketMaker
from tests.helpers import Actors


@dataclass(frozen=True)
class Desk:
    """Two liquidity providers (EUR, they buy) and two asset holders (certificates, they sell)."""

    lp: MarketMaker
    lp2: MarketMaker
    ah: MarketMaker
    ah2: MarketMaker


def make_desk(db: Session, actors: Actors, eur: str = "1000000.00", certificates: int = 100_000) -> Desk:
    admin = actors.admin.id
    lp = create_market_maker(db, "LP One", "LIQUIDITY_PROVIDER", admin, initial_eur_balance=Decimal(eur))
    lp2 = create_market_maker(db, "LP Two", "LIQUIDITY_PROVIDER", admin, initial_eur_balance=Decimal(eur))
    holdings = {"CEA": certificates, "EUA": certificates}
    ah = create_market_maker(db, "AH One", "ASSET_HOLDER", admin, initial_balances=holdings)
    ah2 = create_market_maker(db, "AH Two", "ASSET_HOLDER", admin, initial_balances=holdings)
    return Desk(lp=lp, lp2=lp2, ah=ah, ah2=ah2)


def fund_trader(db: Session, actors: Actors, eur: object = "100000.00", eua: int = 0, cea: int = 0) -> None:
    for asset, amount in (("EUR", eur), ("EUA", eua), ("CEA", cea)):
        if Decimal(amount) > 0:
            fund_entity(db, actors.entity.id, asset, amount, actors.admin.id)


def balance(db: Session, asset: str, market_maker_id: int | None = None, entity_id: int | None = None) -> tuple:
    """(available, locked) of one account's asset."""
    row = db.execute(
        text("SELECT available, locked FROM balances WHERE id = balance_id_for(:m, :e, :a)"),
        {"m": market_maker_id, "e": entity_id, "a": asset},
    ).one()
    db.rollback()
    return (row.available, row.locked)


def totals(db: Session) -> dict[str, Decimal]:
    """Everything held per asset (available + locked over all accounts): trading never changes it."""
    rows = db.execute(text("SELECT asset::text, sum(available + locked) FROM balances GROUP BY asset")).all()
    db.rollback()
    return {asset: total for asset, total in rows}


def lock_mismatches(db: Session) -> list[tuple]:
    """Balance rows whose locked amount differs from what their open orders hold."""
    rows = db.execute(
        text(
            """
            SELECT b.id, b.locked, coalesce(sum(o.locked_amount), 0) AS held
              FROM balances b
              LEFT JOIN orders o ON order_balance_id(o) = b.id AND o.status IN ('OPEN', 'PARTIALLY_FILLED')
             GROUP BY b.id HAVING b.locked <> coalesce(sum(o.locked_amount), 0)
            """
        )
    ).all()
    db.rollback()
    return [tuple(r) for r in rows]


def crossed_books(db: Session) -> list[str]:
    rows = db.execute(
        text("SELECT certificate_type::text FROM markets, best_prices(certificate_type) bp WHERE best_bid >= best_ask")
    ).scalars()
    result = list(rows)
    db.rollback()
    return result


def assert_consistent(db: Session) -> None:
    """The ledger is exact, every lock is held by an open order, and no book is crossed."""
    assert verify_ledger(db) == []
    assert lock_mismatches(db) == []
    assert crossed_books(db) == []
