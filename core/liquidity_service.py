"""Create Liquidity: preview, execute and withdraw liquidity operations; provision the market makers they need.

Split as in the architecture: ``core.planning`` (pure) makes the plan from what is read here, and one stored
function, ``create_liquidity_operation``, re-checks it under the book and balance locks and writes it.
Every function is for admins only, checked here whatever the UI shows.
"""

import json
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.config import get_settings
from core.enums import AssetType, CertificateType, MarketMakerType, Role
from core.errors import Conflict, InsufficientAssetsError, InsufficientFunds, ValidationError
from core.limits import notes_max_length
from core.liquidity_models import (
    FundedMarketMaker,
    LiquidityOperation,
    LiquidityPreview,
    MarketReference,
    ProvisionedMarketMaker,
    ProvisioningResult,
    WithdrawalResult,
)
from core.models import MarketMaker
from core.planning import choose_reference_price, plan_liquidity, split_evenly
from core.sqlcall import unit_of_work
from core.validation import parse_amount, parse_enum, parse_eur, parse_id, parse_notes

ADMIN = Role.ADMIN
PROVISION_ACTIONS = ("create_new", "fund_existing")
MAX_NEW_MARKET_MAKERS = 100
MAX_FUNDED_MARKET_MAKERS = 1000

OPERATION_COLUMNS = (
    "id, ticket_id, certificate_type, target_bid_liquidity_eur, target_ask_liquidity_eur, "
    "actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used::text AS market_makers_used, "
    "orders_created, reference_price, price_source, idempotency_key, created_by, created_at, notes"
)

# the market makers a side may use: every active liquidity provider (EUR), and the active asset holders
# that hold some of the certificate available (an asset holder of EUA only is no holder of CEA)
_FUNDED_SQL = """
SELECT m.id, m.name, m.mm_type, b.available
  FROM market_maker_clients m
  JOIN balances b ON b.market_maker_id = m.id AND b.asset = CAST(:asset AS asset_type)
 WHERE m.is_active AND m.mm_type = CAST(:mm_type AS market_maker_type)
   AND (m.mm_type = 'LIQUIDITY_PROVIDER' OR b.available > 0)
 ORDER BY m.id
"""


def _parse_targets(
    certificate_type: object, bid_amount_eur: object, ask_amount_eur: object
) -> tuple[CertificateType, Decimal, Decimal]:
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    bid = parse_eur(bid_amount_eur, "BID liquidity", allow_zero=True)
    ask = parse_eur(ask_amount_eur, "ASK liquidity", allow_zero=True)
    if bid == 0 and ask == 0:
        raise ValidationError("Enter a BID or an ASK liquidity amount above zero (one side alone is fine)")
    return cert, bid, ask


def _funded(db: Session, mm_type: MarketMakerType, asset: AssetType) -> list[FundedMarketMaker]:
    rows = db.execute(text(_FUNDED_SQL), {"asset": asset.value, "mm_type": mm_type.value}).mappings()
    return [FundedMarketMaker.model_validate(r) for r in rows]


def _best_prices(db: Session, cert: CertificateType) -> dict:
    return dict(db.execute(text("SELECT * FROM best_prices(:c)"), {"c": cert.value}).mappings().one())


def get_market_reference(db: Session, certificate_type: object, *, user_id: int) -> MarketReference:
    """Best bid and ask, last trade, and the reference price a liquidity plan would use now (and why)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "view the liquidity reference price")
        best = _best_prices(db, cert)
    reference, source = choose_reference_price(
        best["best_bid"], best["best_ask"], best["last_price"], get_settings().default_prices[cert]
    )
    return MarketReference(
        certificate_type=cert,
        best_bid=best["best_bid"],
        best_ask=best["best_ask"],
        last_price=best["last_price"],
        reference_price=reference,
        price_source=source,
    )


def _plan(db: Session, cert: CertificateType, bid: Decimal, ask: Decimal) -> LiquidityPreview:
    """Read the book and the market makers (inside the caller's unit of work) and plan."""
    settings = get_settings()
    best = _best_prices(db, cert)
    return plan_liquidity(
        cert,
        bid,
        ask,
        best["best_bid"],
        best["best_ask"],
        best["last_price"],
        _funded(db, MarketMakerType.LIQUIDITY_PROVIDER, AssetType.EUR),
        _funded(db, MarketMakerType.ASSET_HOLDER, AssetType(cert.value)),
        settings.default_prices[cert],
        settings.liquidity_levels,
        db.execute(text("SELECT price_tick(:c)"), {"c": cert.value}).scalar_one(),
    )


def preview_liquidity_creation(
    db: Session, certificate_type: object, bid_amount_eur: object, ask_amount_eur: object, *, user_id: int
) -> LiquidityPreview:
    """What ``create_liquidity`` would do now, and whether it can: read-only."""
    cert, bid, ask = _parse_targets(certificate_type, bid_amount_eur, ask_amount_eur)
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "preview liquidity")
        return _plan(db, cert, bid, ask)


def _refuse_unless_executable(preview: LiquidityPreview) -> None:
    if preview.missing_assets:
        first = preview.missing_assets[0]
        described = "; ".join(
            f"{s.asset}: {s.required} required, {s.available} available, short by {s.shortfall}"
            + (f" (no active {s.mm_type.value.replace('_', ' ').lower()}s)" if s.no_market_makers else "")
            for s in preview.missing_assets
        )
        raise InsufficientAssetsError(
            asset_type=first.asset.value,
            required=first.required,
            available=first.available,
            shortfall=first.shortfall,
            shortfalls=list(preview.missing_assets),
            message=f"Insufficient assets, nothing was placed. {described}.",
        )
    if preview.problems:
        raise ValidationError(" ".join(preview.problems))


def _plan_json(preview: LiquidityPreview) -> str:
    orders = [
        {"mm_id": mm.id, "level": o.level, "price": str(o.price), "quantity": o.quantity}
        for plan in (preview.bid_plan, preview.ask_plan)
        if plan is not None
        for mm in plan.market_makers
        for o in mm.orders
    ]
    return json.dumps(orders)


def _operation(row: object) -> LiquidityOperation:
    data = dict(row)  # type: ignore[call-overload]
    data["market_makers_used"] = json.loads(data["market_makers_used"], parse_float=Decimal)
    return LiquidityOperation.model_validate(data)


def _operation_by_key(db: Session, key: str) -> LiquidityOperation | None:
    row = (
        db.execute(text(f"SELECT {OPERATION_COLUMNS} FROM liquidity_operations WHERE idempotency_key = :k"), {"k": key})
        .mappings()
        .first()
    )
    return _operation(row) if row else None


def _parse_key(idempotency_key: object) -> str | None:
    if idempotency_key is None:
        return None
    if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key.strip()) <= 200:
        raise ValidationError("The idempotency key is text of 1 to 200 characters")
    return idempotency_key.strip()


def create_liquidity(
    db: Session,
    certificate_type: object,
    bid_amount_eur: object,
    ask_amount_eur: object,
    created_by_id: int,
    notes: str | None = None,
    idempotency_key: str | None = None,
) -> LiquidityOperation:
    """Plan, then place every order of the plan in one transaction; returns the operation.

    Raises ``InsufficientAssetsError`` (every shortfall listed) and places nothing when a side is short.
    If the book or the balances move between planning and execution, the stored function refuses and the
    plan is made once more against the new state. A repeated ``idempotency_key`` returns the first operation.
    """
    cert, bid, ask = _parse_targets(certificate_type, bid_amount_eur, ask_amount_eur)
    clean_notes = parse_notes(notes, notes_max_length(db))
    key = _parse_key(idempotency_key)
    settings = get_settings()
    for attempt in (1, 2):
        try:
            with unit_of_work(db):
                require_role(db, created_by_id, ADMIN, "create liquidity")
                if key is not None and (existing := _operation_by_key(db, key)) is not None:
                    # a retry of a request that succeeded (checked again under the lock in the stored function)
                    if (existing.certificate_type, existing.target_bid_liquidity_eur) != (cert, bid) or (
                        existing.target_ask_liquidity_eur != ask
                    ):
                        raise Conflict(
                            f'Idempotency key "{key}" was already used by liquidity operation {existing.id} for '
                            "different amounts: use a new key for a new operation"
                        )
                    return existing
                preview = _plan(db, cert, bid, ask)
                _refuse_unless_executable(preview)
                row = (
                    db.execute(
                        text(
                            f"SELECT {OPERATION_COLUMNS} FROM create_liquidity_operation("
                            ":cert, CAST(:plan AS jsonb), :bid, :ask, :ref, :source, :by, :notes, :key, :limit)"
                        ),
                        {
                            "cert": cert.value,
                            "plan": _plan_json(preview),
                            "bid": bid,
                            "ask": ask,
                            "ref": preview.reference_price,
                            "source": preview.price_source,
                            "by": created_by_id,
                            "notes": clean_notes,
                            "key": key,
                            "limit": settings.liquidity_rate_limit_per_minute,
                        },
                    )
                    .mappings()
                    .one()
                )
            return _operation(row)
        except (InsufficientFunds, Conflict):
            # something moved since planning (balances, the book, a market maker, a concurrent request with
            # the same key): plan once more against what is there now
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def withdraw_liquidity(db: Session, operation_id: int, created_by_id: int) -> WithdrawalResult:
    """Cancel the operation's still-open orders and unlock exactly what they hold."""
    op_id = parse_id(operation_id, "Liquidity operation id")
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "withdraw liquidity")
        row = (
            db.execute(text("SELECT * FROM withdraw_liquidity(:op, :by)"), {"op": op_id, "by": created_by_id})
            .mappings()
            .one()
        )
    return WithdrawalResult.model_validate(row)


def _market_makers(
    db: Session, mm_type: MarketMakerType, asset: AssetType, user_id: int, what: str
) -> list[MarketMaker]:
    """The market makers that would serve a side (the planner's own rule, ``_FUNDED_SQL``), with balances."""
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, what)
        ids = [m.id for m in _funded(db, mm_type, asset)]
        rows = db.execute(text("SELECT * FROM market_maker_balances WHERE id = ANY(:ids) ORDER BY id"), {"ids": ids})
        return [MarketMaker.model_validate(r) for r in rows.mappings()]


def get_liquidity_providers(db: Session, *, user_id: int) -> list[MarketMaker]:
    """Active EUR-holding market makers with their balances (the BID side)."""
    return _market_makers(db, MarketMakerType.LIQUIDITY_PROVIDER, AssetType.EUR, user_id, "list liquidity providers")


def get_asset_holders(db: Session, certificate_type: object, *, user_id: int) -> list[MarketMaker]:
    """Active asset holders holding some ``certificate_type`` available (the ASK side of that book)."""
    asset = AssetType(parse_enum(CertificateType, certificate_type, "certificate type").value)
    return _market_makers(db, MarketMakerType.ASSET_HOLDER, asset, user_id, "list asset holders")


def _provision_targets(action: str, mm_ids: Sequence[object] | None, count: object) -> tuple[list[int] | None, int]:
    if action == "create_new":
        if mm_ids:
            raise ValidationError("Creating new market makers takes a count, not market maker ids")
        number = 1 if count is None else parse_id(count, "Number of new market makers")
        if number > MAX_NEW_MARKET_MAKERS:
            raise ValidationError(f"At most {MAX_NEW_MARKET_MAKERS} market makers can be created at once")
        return None, number
    if not mm_ids:
        raise ValidationError("Choose the market makers to fund")
    if isinstance(mm_ids, str | bytes) or not isinstance(mm_ids, Sequence | set | frozenset):
        raise ValidationError(f"Market maker ids must be a list of ids, got {mm_ids!r}")
    ids = [parse_id(i, "Market maker id") for i in mm_ids]
    if len(set(ids)) != len(ids):
        raise ValidationError("Each market maker may be funded once per provisioning")
    if len(ids) > MAX_FUNDED_MARKET_MAKERS:
        raise ValidationError(f"At most {MAX_FUNDED_MARKET_MAKERS} market makers can be funded at once")
    return ids, len(ids)


def provision_market_makers(
    db: Session,
    action: str,
    mm_type: object,
    amount: object,
    created_by_id: int,
    mm_ids: Sequence[object] | None = None,
    count: object = None,
    certificate_type: object = None,
) -> ProvisioningResult:
    """Cover a shortfall: ``create_new`` splits ``amount`` over ``count`` new market makers, ``fund_existing``
    over ``mm_ids``; evenly, exact to the cent (EUR) or the certificate, the remainder to the first ones.
    Liquidity providers get EUR; asset holders get ``certificate_type``. One transaction, with tickets."""
    if action not in PROVISION_ACTIONS:
        raise ValidationError(f"Unknown provisioning action {action!r}: expected create_new or fund_existing")
    kind = parse_enum(MarketMakerType, mm_type, "market maker type")
    if kind is MarketMakerType.LIQUIDITY_PROVIDER:
        asset = AssetType.EUR
    elif certificate_type is None:
        raise ValidationError("Say which certificate (CEA or EUA) the asset holders receive")
    else:
        asset = AssetType(parse_enum(CertificateType, certificate_type, "certificate type").value)
    value = parse_amount(amount, asset, f"Amount of {asset}")
    ids, parts = _provision_targets(action, mm_ids, count)
    quantum = Decimal("0.01") if asset is AssetType.EUR else Decimal(1)
    if value < quantum * parts:
        raise ValidationError(f"{value} {asset} cannot be split over {parts} market makers: each needs some")
    amounts = split_evenly(value, parts, quantum)
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "provision market makers")
        rows = list(
            db.execute(
                text(
                    "SELECT * FROM provision_market_makers(:action, CAST(:t AS market_maker_type), "
                    "CAST(:asset AS asset_type), CAST(:amounts AS numeric[]), :by, CAST(:ids AS bigint[]))"
                ),
                {
                    "action": action,
                    "t": kind.value,
                    "asset": asset.value,
                    "amounts": amounts,
                    "by": created_by_id,
                    "ids": ids,
                },
            ).mappings()
        )
    return ProvisioningResult(
        action=action,  # type: ignore[arg-type]
        mm_type=kind,
        asset=asset,
        ticket_id=rows[0]["ticket_id"],
        total_amount=value,
        market_makers=[
            ProvisionedMarketMaker(id=r["market_maker_id"], name=r["name"], amount=r["amount"]) for r in rows
        ],
    )


def get_liquidity_operations(
    db: Session, certificate_type: object = None, limit: int = 50, *, user_id: int
) -> list[LiquidityOperation]:
    """The newest liquidity operations, optionally of one certificate."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type") if certificate_type is not None else None
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "list liquidity operations")
        rows = db.execute(
            text(
                f"SELECT {OPERATION_COLUMNS} FROM liquidity_operations "
                "WHERE CAST(:c AS certificate_type) IS NULL OR certificate_type = CAST(:c AS certificate_type) "
                "ORDER BY created_at DESC, id DESC LIMIT :lim"
            ),
            {"c": cert.value if cert else None, "lim": max(1, min(int(limit), 1000))},
        ).mappings()
        return [_operation(r) for r in rows]
