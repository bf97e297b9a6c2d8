"""Admin deposits into and withdrawals out of an account (a market maker or a trader's entity): one path for both
accounts and both directions."""

from typing import Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import AssetType, Role
from core.models import LedgerEntry
from core.sqlcall import unit_of_work
from core.validation import parse_amount, parse_enum, parse_id


def deposit(
    db: Session,
    asset_type: AssetType | str,
    amount: object,
    created_by_id: int,
    *,
    market_maker_id: object = None,
    entity_id: object = None,
) -> LedgerEntry:
    """Deposit into exactly one account through ``fund_account`` (which enforces what each account may hold);
    returns the ledger row with its ticket."""
    return _move(db, "fund_account", "fund", asset_type, amount, created_by_id, market_maker_id, entity_id)


def withdraw(
    db: Session,
    asset_type: AssetType | str,
    amount: object,
    created_by_id: int,
    *,
    market_maker_id: object = None,
    entity_id: object = None,
) -> LedgerEntry:
    """Withdraw what is available out of exactly one account through ``withdraw_account`` (which refuses more than
    is available: locked funds back open orders); returns the ledger row with its ticket."""
    return _move(db, "withdraw_account", "withdraw from", asset_type, amount, created_by_id, market_maker_id, entity_id)


def _move(
    db: Session,
    function: Literal["fund_account", "withdraw_account"],
    doing: str,
    asset_type: AssetType | str,
    amount: object,
    created_by_id: int,
    market_maker_id: object,
    entity_id: object,
) -> LedgerEntry:
    """One admin movement of one asset into or out of one account, through the stored ``function``."""
    asset = parse_enum(AssetType, asset_type, "asset type")
    value = parse_amount(amount, asset)
    mm = parse_id(market_maker_id, "Market maker id") if entity_id is None else None
    entity = parse_id(entity_id, "Entity id") if entity_id is not None else None
    with unit_of_work(db):
        require_role(db, created_by_id, Role.ADMIN, f"{doing} {'market makers' if mm else 'entities'}")
        row = (
            db.execute(
                text(f"SELECT * FROM {function}(:m, :e, :a, :v, :by)"),
                {"m": mm, "e": entity, "a": asset.value, "v": value, "by": created_by_id},
            )
            .mappings()
            .one()
        )
    return LedgerEntry.model_validate(row)
