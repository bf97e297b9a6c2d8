"""Entities: trader firms. They hold balances like market makers; admins create and fund them."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.audit import written_ticket
from core.auth import READERS, read_as, require_role, rows_as
from core.enums import AssetType, Role, TransactionType
from core.errors import NotFound, PermissionDenied, conflicts_name
from core.funding import move_funds
from core.models import AssetBalance, CreatedEntity, Entity, LedgerEntry, TraderFirm
from core.sqlcall import read, unit_of_work
from core.validation import parse_id, parse_name

NAME_FIELD = "Firm name"  # how a refusal names the input of a creation (CoreError.field)


def create_entity(db: Session, name: str, created_by_id: int) -> CreatedEntity:
    """A new trader firm, with the ticket its creation wrote."""
    clean_name = parse_name(name, NAME_FIELD)
    with conflicts_name(NAME_FIELD), unit_of_work(db):
        require_role(db, created_by_id, Role.ADMIN, "create trader firms")
        row = (
            db.execute(
                text("SELECT id, name, created_at FROM create_entity(:n, :by)"), {"n": clean_name, "by": created_by_id}
            )
            .mappings()
            .one()
        )
        return CreatedEntity(**row, ticket_id=written_ticket(db, "CREATE_ENTITY", "entity", row["id"]))


def fund_entity(
    db: Session, entity_id: int, asset_type: AssetType | str, amount: object, created_by_id: int
) -> LedgerEntry:
    """Admin deposit of EUR or certificates into a trader firm; returns the ledger row (with its ticket)."""
    return move_funds(db, TransactionType.DEPOSIT, asset_type, amount, created_by_id, entity_id=entity_id)


def withdraw_entity(
    db: Session, entity_id: int, asset_type: AssetType | str, amount: object, created_by_id: int
) -> LedgerEntry:
    """Admin withdrawal of what a trader firm has available of ``asset_type`` (what its open orders lock stays);
    returns the ledger row (with its ticket)."""
    return move_funds(db, TransactionType.WITHDRAWAL, asset_type, amount, created_by_id, entity_id=entity_id)


def get_trader_firms(db: Session, *, user_id: int) -> list[TraderFirm]:
    """Every trader firm with available and locked per asset and its number of active traders, by name (admins
    and analysts)."""
    rows = rows_as(db, user_id, READERS, "list trader firms", "SELECT * FROM entity_balances ORDER BY lower(name)")
    return [TraderFirm.model_validate(r) for r in rows]


def get_trader_firm(db: Session, entity_id: object, *, user_id: int) -> TraderFirm:
    """One trader firm with its balances and active traders (admins and analysts)."""
    eid = parse_id(entity_id, "Entity id")

    def load(session: Session) -> TraderFirm:
        row = session.execute(text("SELECT * FROM entity_balances WHERE id = :id"), {"id": eid}).mappings().first()
        if row is None:
            raise NotFound(f"Trader firm {eid} does not exist")
        return TraderFirm.model_validate(row)

    return read_as(db, user_id, READERS, "see trader firms", load)


def _require_entity_reader(db: Session, user_id: object, entity_id: int) -> None:
    """Admins and analysts read any firm; a trader only its own (inside the caller's unit of work)."""
    user = require_role(db, user_id, (Role.ADMIN, Role.ANALYST, Role.TRADER), "see trader firms")
    if user.role is Role.TRADER and user.entity_id != entity_id:
        raise PermissionDenied("Traders see their own firm only")


def get_entity(db: Session, entity_id: int, *, user_id: int) -> Entity:
    eid = parse_id(entity_id, "Entity id")

    def load(session: Session) -> Entity:
        _require_entity_reader(session, user_id, eid)
        row = session.execute(text("SELECT id, name, created_at FROM entities WHERE id = :id"), {"id": eid})
        found = row.mappings().first()
        if found is None:
            raise NotFound(f"Entity {eid} does not exist")
        return Entity.model_validate(found)

    return read(db, load)


def list_entities(db: Session, *, user_id: int) -> list[Entity]:
    """Every trader firm, by name (admins and analysts)."""
    rows = rows_as(db, user_id, READERS, "list trader firms", "SELECT id, name, created_at FROM entities ORDER BY name")
    return [Entity.model_validate(r) for r in rows]


def get_entity_balances(db: Session, entity_id: int, *, user_id: int) -> dict[AssetType, AssetBalance]:
    """Available and locked amounts per asset of one firm (its traders, admins and analysts)."""
    eid = parse_id(entity_id, "Entity id")

    def load(session: Session) -> dict[AssetType, AssetBalance]:
        _require_entity_reader(session, user_id, eid)
        rows = session.execute(
            text("SELECT asset, available, locked FROM balances WHERE entity_id = :id"), {"id": eid}
        ).mappings()
        balances = {AssetType(r["asset"]): AssetBalance.model_validate(r) for r in rows}
        if not balances:
            raise NotFound(f"Entity {eid} does not exist")
        return balances

    return read(db, load)
