"""Admin movements into and out of an account (a market maker or a trader's entity): one path for both accounts and
both directions."""

from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import AssetType, Role, TransactionType
from core.errors import ValidationError
from core.models import LedgerEntry
from core.sqlcall import unit_of_work
from core.validation import parse_amount, parse_enum, parse_id


class _Functions(NamedTuple):
    """A movement's stored function, the stored function holding its rules (the movement asks it under the row's
    lock; ``check_movement`` asks it before), and how the role check names the movement."""

    move: str
    check: str
    doing: str


MOVES: dict[TransactionType, _Functions] = {
    TransactionType.DEPOSIT: _Functions("fund_account", "check_deposit", "fund"),
    TransactionType.WITHDRAWAL: _Functions("withdraw_account", "check_withdrawal", "withdraw from"),
}


def check_movement(
    db: Session,
    movement: TransactionType | str,
    asset_type: AssetType | str,
    amount: object,
    created_by_id: int,
    *,
    market_maker_id: object = None,
    entity_id: object = None,
) -> tuple[AssetType, Decimal]:
    """The asset and exact amount ``move_funds`` would move for the same arguments, refused as it would refuse them
    now: what a form checks before it asks to confirm. The stored function's own rules (``check_deposit``: an active
    market maker, an asset it trades, no balance past what it can hold; ``check_withdrawal``: no more than is
    available) are asked of the row as it is; the movement asks them again under the row's lock when the amount
    moves, as an order or another admin may change the balance in between."""
    move = _movement(movement, asset_type, amount, market_maker_id, entity_id)
    with unit_of_work(db):
        require_role(db, created_by_id, Role.ADMIN, move.doing)
        db.execute(
            text(
                f"SELECT {MOVES[move.kind].check}(b, :v) FROM balances b "
                "WHERE b.id = balance_id_for(:m, :e, CAST(:a AS asset_type))"
            ),
            {"m": move.market_maker_id, "e": move.entity_id, "a": move.asset.value, "v": move.amount},
        )
    return move.asset, move.amount


class _Movement(NamedTuple):
    """A movement's arguments as read: its kind, asset and exact amount, and its one account (a market maker or an
    entity)."""

    kind: TransactionType
    asset: AssetType
    amount: Decimal
    market_maker_id: int | None
    entity_id: int | None

    @property
    def doing(self) -> str:
        """What the role check says the caller does: "withdraw from market makers"."""
        return f"{MOVES[self.kind].doing} {'market makers' if self.market_maker_id else 'entities'}"


def _movement(
    movement: object, asset_type: object, amount: object, market_maker_id: object, entity_id: object
) -> _Movement:
    kind = parse_enum(TransactionType, movement, "movement")
    if kind not in MOVES:
        raise ValidationError(f"An admin moves funds by DEPOSIT or WITHDRAWAL, not {kind}")
    asset = parse_enum(AssetType, asset_type, "asset type")
    return _Movement(
        kind,
        asset,
        parse_amount(amount, asset),
        parse_id(market_maker_id, "Market maker id") if entity_id is None else None,
        parse_id(entity_id, "Entity id") if entity_id is not None else None,
    )


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
    move = _movement(movement, asset_type, amount, market_maker_id, entity_id)
    with unit_of_work(db):
        require_role(db, created_by_id, Role.ADMIN, move.doing)
        row = (
            db.execute(
                text(f"SELECT * FROM {MOVES[move.kind].move}(:m, :e, :a, :v, :by)"),
                {
                    "m": move.market_maker_id,
                    "e": move.entity_id,
                    "a": move.asset.value,
                    "v": move.amount,
                    "by": created_by_id,
                },
            )
            .mappings()
            .one()
        )
    return LedgerEntry.model_validate(row)
