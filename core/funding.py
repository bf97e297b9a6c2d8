"""Admin movements into and out of an account (a market maker or a trader's entity): one path for both accounts and
both directions."""

from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import AssetType, Role, TransactionType
from core.errors import ValidationError
from core.models import LedgerEntry
from core.sqlcall import unit_of_work
from core.validation import parse_amount, parse_enum, parse_id

# each movement's stored function, and how the role check names it
MOVES: dict[TransactionType, tuple[str, str]] = {
    TransactionType.DEPOSIT: ("fund_account", "fund"),
    TransactionType.WITHDRAWAL: ("withdraw_account", "withdraw from"),
}


def amount_to_move(asset_type: AssetType | str, amount: object) -> tuple[AssetType, Decimal]:
    """The asset and the exact amount a movement of ``amount`` as typed would move, or a ``ValidationError`` saying
    why it is no amount of that asset: what a form checks before it asks to confirm the movement, and what
    ``move_funds`` moves. What is available to withdraw is the stored function's to judge, when it moves."""
    asset = parse_enum(AssetType, asset_type, "asset type")
    return asset, parse_amount(amount, asset)


def move_funds(
    db: Session,
    movement: TransactionType | str,
    asset_type: AssetType | str,
    amount: object,
    created_by_id: int,
    *,
    market_maker_id: object = None,
    entity_id: object = None,
) -> LedgerEntry:
    """A DEPOSIT into exactly one account through ``fund_account`` (which enforces what each account may hold), or a
    WITHDRAWAL out of it through ``withdraw_account`` (which refuses more than is available: what open orders lock
    stays); returns the ledger row with its ticket."""
    kind = parse_enum(TransactionType, movement, "movement")
    if kind not in MOVES:
        raise ValidationError(f"An admin moves funds by DEPOSIT or WITHDRAWAL, not {kind}")
    function, doing = MOVES[kind]
    asset, value = amount_to_move(asset_type, amount)
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
