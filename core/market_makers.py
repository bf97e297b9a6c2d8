"""Market makers: liquidity providers (EUR, BUY side) and asset holders (CEA/EUA, SELL side)."""

import json
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import AssetType, MarketMakerType, Role
from core.errors import NotFound, ValidationError
from core.funding import deposit
from core.models import LedgerEntry, MarketMaker
from core.sqlcall import fetch_all, fetch_one, unit_of_work
from core.validation import parse_amount, parse_enum, parse_id, parse_name

ADMIN = Role.ADMIN
READERS = (Role.ADMIN, Role.ANALYST)


def assets_held_by(mm_type: MarketMakerType) -> tuple[AssetType, ...]:
    """What a market maker of this type may hold and be funded with."""
    if mm_type is MarketMakerType.LIQUIDITY_PROVIDER:
        return (AssetType.EUR,)
    return (AssetType.CEA, AssetType.EUA)


def _initial_balances(
    mm_type: MarketMakerType, initial_eur_balance: object, initial_balances: dict | None
) -> dict[str, Decimal]:
    requested: dict[AssetType, object] = {}
    if initial_eur_balance is not None:
        requested[AssetType.EUR] = initial_eur_balance
    for key, amount in (initial_balances or {}).items():
        asset = parse_enum(AssetType, key, "asset type")
        if asset in requested:
            raise ValidationError(f"Initial {asset} balance is given twice")
        requested[asset] = amount
    allowed = assets_held_by(mm_type)
    parsed: dict[str, Decimal] = {}
    for asset, amount in requested.items():
        if asset not in allowed:
            held = "/".join(allowed)
            raise ValidationError(
                f"A {mm_type.value.replace('_', ' ').lower()} holds {held} only; it cannot start with {asset}"
            )
        value = parse_amount(amount, asset, f"Initial {asset} balance", allow_zero=True)
        if value > 0:
            parsed[asset.value] = value
    return parsed


def create_market_maker(
    db: Session,
    name: str,
    mm_type: MarketMakerType | str,
    created_by_id: int,
    initial_eur_balance: object = None,
    initial_balances: dict | None = None,
) -> MarketMaker:
    """A new active market maker. Liquidity providers accept ``initial_eur_balance`` only; asset holders
    accept ``initial_balances={"CEA": n, "EUA": n}`` only."""
    kind = parse_enum(MarketMakerType, mm_type, "market maker type")
    clean_name = parse_name(name, "Market maker name")
    if initial_balances is not None and not isinstance(initial_balances, dict):
        raise ValidationError("Initial balances must be a mapping of asset to amount")
    initial = _initial_balances(kind, initial_eur_balance, initial_balances)
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "create market makers")
        mm_id = db.execute(
            text("SELECT id FROM create_market_maker(:n, :t, :by, CAST(:init AS jsonb))"),
            {
                "n": clean_name,
                "t": kind.value,
                "by": created_by_id,
                "init": json.dumps({k: str(v) for k, v in initial.items()}),
            },
        ).scalar_one()
    return get_market_maker(db, mm_id)


def fund_market_maker(
    db: Session, mm_id: int, asset_type: AssetType | str, amount: object, created_by_id: int
) -> LedgerEntry:
    """Admin deposit: EUR into a liquidity provider, CEA/EUA into an asset holder. Returns the ledger row."""
    return deposit(db, asset_type, amount, created_by_id, market_maker_id=mm_id)


def deactivate_market_maker(db: Session, mm_id: int, created_by_id: int) -> MarketMaker:
    """Retire a market maker; refused while it still has open orders."""
    mid = parse_id(mm_id, "Market maker id")
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "deactivate market makers")
        db.execute(text("SELECT deactivate_market_maker(:m, :by)"), {"m": mid, "by": created_by_id})
    return get_market_maker(db, mid)


def get_market_makers(
    db: Session,
    mm_type: MarketMakerType | str | None = None,
    include_inactive: bool = True,
    user_id: int | None = None,  # required and checked once core enforces who reads market makers (issue 10)
) -> list[MarketMaker]:
    """Market makers with available/locked per asset, optionally of one type, by name."""
    kind = parse_enum(MarketMakerType, mm_type, "market maker type") if mm_type is not None else None
    rows = fetch_all(
        db,
        "SELECT * FROM market_maker_balances "
        "WHERE (CAST(:t AS market_maker_type) IS NULL OR mm_type = CAST(:t AS market_maker_type)) "
        "AND (:all OR is_active) ORDER BY lower(name)",
        {"t": kind.value if kind else None, "all": include_inactive},
    )
    return [MarketMaker.model_validate(r) for r in rows]


def get_market_maker(db: Session, mm_id: int) -> MarketMaker:
    row = fetch_one(
        db, "SELECT * FROM market_maker_balances WHERE id = :id", {"id": parse_id(mm_id, "Market maker id")}
    )
    if row is None:
        raise NotFound(f"Market maker {mm_id} does not exist")
    return MarketMaker.model_validate(row)


def get_market_maker_ledger(db: Session, mm_id: int, limit: int = 500) -> list[LedgerEntry]:
    """The newest ledger rows of one market maker, newest first."""
    mid = parse_id(mm_id, "Market maker id")
    get_market_maker(db, mid)
    rows = fetch_all(
        db,
        "SELECT * FROM asset_transactions WHERE market_maker_id = :m ORDER BY id DESC LIMIT :lim",
        {"m": mid, "lim": max(1, min(int(limit), 10_000))},
    )
    return [LedgerEntry.model_validate(r) for r in rows]
