"""Entities: trader firms. They hold balances like market makers; admins create and fund them."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import AssetType, Role
from core.errors import NotFound
from core.funding import deposit
from core.models import AssetBalance, Entity, LedgerEntry
from core.sqlcall import fetch_all, fetch_one, unit_of_work
from core.validation import parse_id, parse_name


def create_entity(db: Session, name: str, created_by_id: int) -> Entity:
    clean_name = parse_name(name, "Entity name")
    with unit_of_work(db):
        require_role(db, created_by_id, Role.ADMIN, "create entities")
        row = (
            db.execute(
                text("SELECT id, name, created_at FROM create_entity(:n, :by)"), {"n": clean_name, "by": created_by_id}
            )
            .mappings()
            .one()
        )
    return Entity.model_validate(row)


def fund_entity(
    db: Session, entity_id: int, asset_type: AssetType | str, amount: object, created_by_id: int
) -> LedgerEntry:
    """Admin deposit of EUR or certificates into a trader firm; returns the ledger row (with its ticket)."""
    return deposit(db, asset_type, amount, created_by_id, entity_id=entity_id)


def get_entity(db: Session, entity_id: int) -> Entity:
    row = fetch_one(
        db, "SELECT id, name, created_at FROM entities WHERE id = :id", {"id": parse_id(entity_id, "Entity id")}
    )
    if row is None:
        raise NotFound(f"Entity {entity_id} does not exist")
    return Entity.model_validate(row)


def list_entities(db: Session) -> list[Entity]:
    return [Entity.model_validate(r) for r in fetch_all(db, "SELECT id, name, created_at FROM entities ORDER BY name")]


def get_entity_balances(db: Session, entity_id: int) -> dict[AssetType, AssetBalance]:
    """Available and locked amounts per asset of one entity."""
    rows = fetch_all(
        db,
        "SELECT asset, available, locked FROM balances WHERE entity_id = :id",
        {"id": parse_id(entity_id, "Entity id")},
    )
    if not rows:
        raise NotFound(f"Entity {entity_id} does not exist")
    return {AssetType(r["asset"]): AssetBalance.model_validate(r) for r in rows}
