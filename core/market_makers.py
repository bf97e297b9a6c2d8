"""Market makers: liquidity providers (EUR, BUY side) and asset holders (CEA/EUA, SELL side).

What each kind trades and is funded with is decided in SQL (``market_maker_side``, ``market_maker_assets``);
this module asks, it never spells the rule again. Writes are for admins; reads for admins and analysts.
"""

import json
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.audit import written_ticket
from core.auth import READERS, conflict_as, read_as, require_role, rows_as
from core.enums import AssetType, MarketMakerType, Role, TransactionType
from core.errors import Conflict, InvalidFields, NotFound, ValidationError, conflicts_name
from core.funding import move_funds
from core.models import ChangedMarketMaker, CreatedMarketMaker, LedgerEntry, MarketMaker, MarketMakerLedgerEntry
from core.sqlcall import fetch_all, unit_of_work
from core.validation import FieldFaults, parse_amount, parse_enum, parse_id, parse_name

ADMIN = Role.ADMIN
MAX_LEDGER_ROWS = 10_000
NAME_FIELD = "Market maker name"  # how a refusal names the inputs of a creation (CoreError.field)
# a market maker as MarketMaker reads it: its balances and the side it trades, as SQL says (market_maker_side)
MARKET_MAKER_ROWS = "SELECT *, market_maker_side(mm_type) AS side FROM market_maker_balances"


def initial_balance_field(asset: AssetType | str) -> str:
    return f"Initial {AssetType(asset).value} balance"


def held_assets_by_type(db: Session) -> dict[MarketMakerType, tuple[AssetType, ...]]:
    """What each kind of market maker is funded with and trades, as SQL defines it (``market_maker_assets``)."""
    rows = fetch_all(
        db, "SELECT t, market_maker_assets(t)::text[] AS assets FROM unnest(enum_range(NULL::market_maker_type)) t"
    )
    return {MarketMakerType(r["t"]): tuple(AssetType(a) for a in r["assets"]) for r in rows}


def _initial_balances(
    initial_eur_balance: object, initial_balances: dict | None, faults: FieldFaults
) -> dict[str, Decimal]:
    """The initial deposits, parsed exactly, each amount's refusal kept in ``faults`` under its field; which assets a
    type may start with is checked in SQL."""
    requested: dict[AssetType, object] = {}
    if initial_eur_balance is not None:
        requested[AssetType.EUR] = initial_eur_balance
    for key, amount in (initial_balances or {}).items():
        asset = parse_enum(AssetType, key, "asset type")
        if asset in requested:
            raise ValidationError(f"Initial {asset} balance is given twice")
        requested[asset] = amount
    parsed = {
        a: faults.parse(initial_balance_field(a), parse_amount, v, a, initial_balance_field(a), allow_zero=True)
        for a, v in requested.items()
    }
    return {asset.value: value for asset, value in parsed.items() if value}


def _market_maker(db: Session, mm_id: int) -> MarketMaker:
    """One market maker with its balances, read inside the caller's unit of work."""
    row = db.execute(text(f"{MARKET_MAKER_ROWS} WHERE id = :id"), {"id": mm_id}).mappings().first()
    if row is None:
        raise NotFound(f"Market maker {mm_id} does not exist")
    return MarketMaker.model_validate(row)


class NewMarketMaker(NamedTuple):
    """A market maker as a creation would make it: its name as stored, its type and its initial deposits."""

    name: str
    mm_type: MarketMakerType
    initial: dict[AssetType, Decimal]  # only the assets it starts with more than zero of


def check_new_market_maker(
    name: str, mm_type: MarketMakerType | str, initial_eur_balance: object = None, initial_balances: dict | None = None
) -> NewMarketMaker:
    """What ``create_market_maker`` would create of these inputs, or the refusal of every field it refuses at once
    (``InvalidFields``, keyed by ``NAME_FIELD`` and ``initial_balance_field``): for a form to say what will be created
    before it is, each fault under its field. A name taken is the database's to refuse
    (``check_market_maker_creation``)."""
    kind = parse_enum(MarketMakerType, mm_type, "market maker type")
    if initial_balances is not None and not isinstance(initial_balances, dict):
        raise ValidationError("Initial balances must be a mapping of asset to amount")
    faults = FieldFaults()
    clean_name = faults.parse(NAME_FIELD, parse_name, name, NAME_FIELD)
    initial = _initial_balances(initial_eur_balance, initial_balances, faults)
    faults.raise_any()
    return NewMarketMaker(clean_name, kind, {AssetType(a): v for a, v in initial.items()})


def check_market_maker_creation(
    db: Session,
    name: str,
    mm_type: MarketMakerType | str,
    created_by_id: int,
    initial_eur_balance: object = None,
    initial_balances: dict | None = None,
) -> NewMarketMaker:
    """``check_new_market_maker``, and a name taken refused as ``create_market_maker`` would refuse it now (SQL's
    ``claim_market_maker_name``, a ``Conflict`` about the name): for a form to refuse it before it asks to confirm
    the deposits, with the other faults if any (said at once, not once they are fixed). Asked of admins only, so
    nobody else learns which names exist."""
    try:
        new = check_new_market_maker(name, mm_type, initial_eur_balance, initial_balances)
    except InvalidFields as exc:
        if NAME_FIELD not in exc.faults and (taken := _name_taken(db, parse_name(name, NAME_FIELD), created_by_id)):
            raise InvalidFields({NAME_FIELD: taken, **exc.faults}) from None
        raise
    if (taken := _name_taken(db, new.name, created_by_id)) is not None:
        raise Conflict(taken, field=NAME_FIELD)
    return new


def _name_taken(db: Session, name: str, created_by_id: int) -> str | None:
    """Why ``name`` cannot be a new market maker's (SQL's ``claim_market_maker_name``), or None; admins only."""
    return conflict_as(
        db, created_by_id, ADMIN, "create market makers", "SELECT claim_market_maker_name(:n)", {"n": name}
    )


def create_market_maker(
    db: Session,
    name: str,
    mm_type: MarketMakerType | str,
    created_by_id: int,
    initial_eur_balance: object = None,
    initial_balances: dict | None = None,
) -> CreatedMarketMaker:
    """A new active market maker, funded at birth with what its type trades (a liquidity provider with
    ``initial_eur_balance``, an asset holder with ``initial_balances={"CEA": n, "EUA": n}``), with the ticket its
    creation wrote (its initial deposits carry the same one)."""
    clean_name, kind, initial = check_new_market_maker(name, mm_type, initial_eur_balance, initial_balances)
    with conflicts_name(NAME_FIELD), unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "create market makers")
        mm_id = db.execute(
            text("SELECT id FROM create_market_maker(:n, :t, :by, CAST(:init AS jsonb))"),
            {
                "n": clean_name,
                "t": kind.value,
                "by": created_by_id,
                "init": json.dumps({k.value: str(v) for k, v in initial.items()}),
            },
        ).scalar_one()
        # read back in the same transaction: if this fails, the creation is rolled back with it, so an error
        # that says "nothing was changed" is true
        ticket_id = written_ticket(db, "CREATE_MARKET_MAKER", "market_maker", mm_id)
        return CreatedMarketMaker(**_market_maker(db, mm_id).model_dump(), ticket_id=ticket_id)


def fund_market_maker(
    db: Session, mm_id: int, asset_type: AssetType | str, amount: object, created_by_id: int
) -> LedgerEntry:
    """Admin deposit of what the market maker trades (EUR into a liquidity provider, CEA/EUA into an asset
    holder). Returns the ledger row."""
    return move_funds(db, TransactionType.DEPOSIT, asset_type, amount, created_by_id, market_maker_id=mm_id)


def withdraw_market_maker(
    db: Session, mm_id: int, asset: AssetType | str, amount: object, created_by_id: int
) -> LedgerEntry:
    """Admin withdrawal of what the market maker has available of ``asset`` (what open orders lock stays);
    allowed from a deactivated one too, whose funds are returned this way. Returns the ledger row."""
    return move_funds(db, TransactionType.WITHDRAWAL, asset, amount, created_by_id, market_maker_id=mm_id)


def deactivate_market_maker(db: Session, mm_id: int, created_by_id: int) -> ChangedMarketMaker:
    """Retire a market maker; refused while it still has open orders (reactivate_market_maker brings it back)."""
    return _switch(db, mm_id, created_by_id, "deactivate_market_maker", "DEACTIVATE_MARKET_MAKER", "deactivate")


def reactivate_market_maker(db: Session, mm_id: int, created_by_id: int) -> ChangedMarketMaker:
    """Bring a deactivated market maker back: it takes part in new liquidity again, with what it holds."""
    return _switch(db, mm_id, created_by_id, "reactivate_market_maker", "REACTIVATE_MARKET_MAKER", "reactivate")


def _switch(db: Session, mm_id: object, by: int, function: str, action: str, verb: str) -> ChangedMarketMaker:
    """Deactivate or reactivate (``function``, the stored function) and read back, in the same transaction, the market
    maker and the ``action`` ticket the change wrote. A failed read back rolls the change back, so "nothing was
    changed" is true."""
    mid = parse_id(mm_id, "Market maker id")
    with unit_of_work(db):
        require_role(db, by, ADMIN, f"{verb} market makers")
        db.execute(text(f"SELECT {function}(:m, :by)"), {"m": mid, "by": by})
        ticket_id = written_ticket(db, action, "market_maker", mid)
        return ChangedMarketMaker(**_market_maker(db, mid).model_dump(), ticket_id=ticket_id)


def get_market_makers(
    db: Session, mm_type: MarketMakerType | str | None = None, *, user_id: int, include_inactive: bool = True
) -> list[MarketMaker]:
    """Market makers with available/locked per asset, optionally of one type, by name (admins and analysts)."""
    kind = parse_enum(MarketMakerType, mm_type, "market maker type") if mm_type is not None else None
    rows = rows_as(
        db,
        user_id,
        READERS,
        "see market makers",
        f"{MARKET_MAKER_ROWS} "
        "WHERE (CAST(:t AS market_maker_type) IS NULL OR mm_type = CAST(:t AS market_maker_type)) "
        "AND (:all OR is_active) ORDER BY lower(name)",
        {"t": kind.value if kind else None, "all": bool(include_inactive)},
    )
    return [MarketMaker.model_validate(r) for r in rows]


def get_market_maker(db: Session, mm_id: int, *, user_id: int) -> MarketMaker:
    """One market maker with its balances (admins and analysts)."""
    mid = parse_id(mm_id, "Market maker id")
    return read_as(db, user_id, READERS, "see market makers", lambda s: _market_maker(s, mid))


def get_market_maker_ledger(db: Session, mm_id: int, limit: int = 500, *, user_id: int) -> list[MarketMakerLedgerEntry]:
    """The newest ledger rows of one market maker, newest first, each with the order it comes from (admins and
    analysts)."""
    mid = parse_id(mm_id, "Market maker id")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LEDGER_ROWS:
        raise ValidationError(f"Limit must be a whole number from 1 to {MAX_LEDGER_ROWS:,}, got {limit!r}")

    def load(session: Session) -> list[LedgerEntry]:
        _market_maker(session, mid)
        # a fill's row names the trade; its order is the one of the two that is this market maker's (it never
        # trades with itself: self-trade prevention)
        rows = session.execute(
            text(
                "SELECT a.*, CASE a.reference_type WHEN 'order' THEN a.reference_id "
                "WHEN 'trade' THEN (SELECT o.id FROM orders o WHERE o.id IN (t.buy_order_id, t.sell_order_id) "
                "AND o.market_maker_id = a.market_maker_id LIMIT 1) END AS order_id "
                "FROM asset_transactions a LEFT JOIN trades t ON a.reference_type = 'trade' AND t.id = a.reference_id "
                "WHERE a.market_maker_id = :m ORDER BY a.id DESC LIMIT :lim"
            ),
            {"m": mid, "lim": limit},
        ).mappings()
        return [MarketMakerLedgerEntry.model_validate(r) for r in rows]

    return read_as(db, user_id, READERS, "see market maker ledgers", load)
