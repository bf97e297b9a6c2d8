"""Create Liquidity: preview, execute and withdraw liquidity operations (provisioning: ``core.provisioning``).

Split as in the architecture: ``core.planning`` (pure) makes the plan from what is read here, and one stored
function, ``create_liquidity_operation``, re-checks it under the book and balance locks and writes it.
Every function is for admins only, checked here whatever the UI shows.
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.config import get_settings
from core.enums import CertificateType, OrderSide, Role
from core.errors import Conflict, InsufficientAssetsError, InsufficientFunds, InvalidFields, ValidationError
from core.limits import check_notes
from core.liquidity_models import (
    AssetShortfall,
    FundedMarketMaker,
    LiquidityOperation,
    LiquidityPreview,
    MarketReference,
    SidePlan,
    SideRole,
    WithdrawalResult,
)
from core.liquidity_targets import parse_liquidity_targets
from core.market import BOOK_TICK_SQL
from core.market_makers import MARKET_MAKER_ROWS
from core.models import MarketMaker
from core.planning import choose_reference_price, plan_liquidity, refuse_fields

# re-exported (`x as x`): issue 5 names provisioning in this module; its home is core.provisioning
from core.provisioning import plan_provisioning as plan_provisioning
from core.provisioning import provision_market_makers as provision_market_makers
from core.sqlcall import rows_in_one_trip, unit_of_work
from core.validation import parse_enum, parse_id
from core.volatility import ewma_volatility, spread_multiplier

ADMIN = Role.ADMIN

OPERATION_COLUMNS = (
    "id, ticket_id, certificate_type, target_bid_liquidity_eur, target_ask_liquidity_eur, "
    "actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used::text AS market_makers_used, "
    "orders_created, reference_price, price_source, idempotency_key, created_by, created_at, notes, policy_id, "
    "spread_multiplier, volatility"
)
_BEST_PRICES_SQL = "SELECT * FROM best_prices(:c)"
_RECENT_PRICES_SQL = """
SELECT price FROM (SELECT price, created_at, id FROM trades WHERE certificate_type = :c
                    ORDER BY created_at DESC, id DESC LIMIT :n) recent
 ORDER BY created_at, id
"""

# the market makers that serve one side of a book: those SQL says trade that side (market_maker_side), with their
# balance of what the side locks (order_asset); a side locking certificates is served only by market makers
# holding some of that certificate (an asset holder of EUA only is no holder of CEA), one locking EUR by all
_FUNDED_SQL = """
SELECT m.id, m.name, m.mm_type, b.available
  FROM market_maker_clients m
  JOIN balances b ON b.market_maker_id = m.id
                 AND b.asset = order_asset(CAST(:side AS order_side), CAST(:c AS certificate_type))
 WHERE m.is_active AND market_maker_side(m.mm_type) = CAST(:side AS order_side)
   AND (b.asset = 'EUR' OR b.available > 0)
 ORDER BY m.id
"""
_SIDE_ROLES_SQL = """
SELECT market_maker_side(t) AS side, t AS mm_type,
       order_asset(market_maker_side(t), CAST(:c AS certificate_type)) AS asset
  FROM unnest(enum_range(NULL::market_maker_type)) t
"""


def side_roles(db: Session, cert: CertificateType) -> dict[OrderSide, SideRole]:
    """Who serves each side of ``cert``'s book and what they lock, as SQL defines it (inside the caller's unit
    of work): the one home of the rule is SQL, the planner is handed it."""
    return _side_roles_of(db.execute(text(_SIDE_ROLES_SQL), {"c": cert.value}).mappings())


def _side_roles_of(rows: Iterable[Mapping]) -> dict[OrderSide, SideRole]:
    return {OrderSide(r["side"]): SideRole.model_validate(r) for r in rows}


def _parse_targets(
    certificate_type: object, bid_amount_eur: object, ask_amount_eur: object
) -> tuple[CertificateType, Decimal, Decimal]:
    """One book's targets, read as the page reads them (``parse_liquidity_targets``)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    return parse_liquidity_targets({cert: (bid_amount_eur, ask_amount_eur)})[0]


def _funded(db: Session, side: OrderSide, cert: CertificateType) -> list[FundedMarketMaker]:
    rows = db.execute(text(_FUNDED_SQL), {"side": side.value, "c": cert.value}).mappings()
    return [FundedMarketMaker.model_validate(r) for r in rows]


def _best_prices(db: Session, cert: CertificateType) -> dict:
    return dict(db.execute(text(_BEST_PRICES_SQL), {"c": cert.value}).mappings().one())


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


def market_volatility(db: Session, cert: CertificateType) -> tuple[Decimal | None, Decimal]:
    """σ of the book's recent trades and the spread multiplier it asks for (inside the caller's unit of work)."""
    params = {"c": cert.value, "n": get_settings().volatility_window_trades}
    return _volatility_of([p for (p,) in db.execute(text(_RECENT_PRICES_SQL), params)])


def _volatility_of(prices: list[Decimal]) -> tuple[Decimal | None, Decimal]:
    """σ of ``prices`` (a book's recent trades, oldest first) and the spread multiplier it asks for."""
    settings = get_settings()
    sigma = ewma_volatility(prices)
    return sigma, spread_multiplier(sigma, settings.volatility_reference_pct / 100, settings.max_spread_multiplier)


def _plan(
    db: Session,
    cert: CertificateType,
    bid: Decimal,
    ask: Decimal,
    dynamic_spread: bool = False,
    committed: Mapping[int, Decimal] | None = None,
) -> LiquidityPreview:
    """Read the book and the market makers (inside the caller's unit of work) and plan. With ``dynamic_spread``
    the levels are widened by the multiplier the book's recent volatility asks for (σ is reported either way).
    ``committed`` is what other books' plans of the same request already take from each market maker."""
    settings = get_settings()
    # everything the plan reads, in one round trip (one per read cost a creation ~1 ms of client and server time)
    c = cert.value
    bests, prices, roles, buyers, sellers, ticks = rows_in_one_trip(
        db,
        (_BEST_PRICES_SQL, {"c": c}),
        (_RECENT_PRICES_SQL, {"c": c, "n": settings.volatility_window_trades}),
        (_SIDE_ROLES_SQL, {"c": c}),
        (_FUNDED_SQL, {"side": OrderSide.BUY.value, "c": c}),
        (_FUNDED_SQL, {"side": OrderSide.SELL.value, "c": c}),
        (BOOK_TICK_SQL, {"c": c}),
    )
    best = bests[0]
    sigma, multiplier = _volatility_of([r["price"] for r in prices])
    taken = committed or {}

    def funded(rows: list[dict]) -> list[FundedMarketMaker]:
        makers = [FundedMarketMaker.model_validate(r) for r in rows]
        if not taken:  # one book (the usual request): nothing to take off, and a copy per maker is not free
            return makers
        # what the books before leave, never below nothing: one already short there is counted short once
        left = [(m, max(m.available - taken.get(m.id, Decimal(0)), Decimal(0))) for m in makers]
        return [m.model_copy(update={"available": available}) for m, available in left]

    return plan_liquidity(
        cert,
        _side_roles_of(roles),
        bid,
        ask,
        best["best_bid"],
        best["best_ask"],
        best["last_price"],
        funded(buyers),
        funded(sellers),
        settings.default_prices[cert],
        settings.liquidity_levels,
        ticks[0]["tick"],
        multiplier if dynamic_spread else Decimal(1),
        sigma,
    )


def _plan_books(
    db: Session, books: Sequence[tuple[CertificateType, Decimal, Decimal]], dynamic_spread: bool
) -> list[LiquidityPreview]:
    """One plan per book, in book order; a liquidity provider's EUR serves every book's bids, so each book is
    planned with what the books before it leave (their shortfalls then add up to the request's)."""
    committed: dict[int, Decimal] = {}
    previews = []
    too_small: dict[str, str] = {}  # every book's targets too small to plan, each under its field, at once
    for cert, bid, ask in books:
        try:
            preview = _plan(db, cert, bid, ask, dynamic_spread, committed)
        except InvalidFields as exc:  # which book's amounts it is about, as the page labels them
            too_small |= {field: f"{cert} book: {why}" for field, why in exc.faults.items()}
            continue
        except ValidationError as exc:
            if exc.field is None:
                raise ValidationError(f"{cert} book: {exc.message}") from None
            too_small[exc.field] = f"{cert} book: {exc.message}"
            continue
        for mm in preview.bid_plan.market_makers if preview.bid_plan else ():
            committed[mm.id] = committed.get(mm.id, Decimal(0)) + mm.required
        previews.append(preview)
    refuse_fields(too_small)
    return previews


def preview_liquidity_creation(
    db: Session,
    certificate_type: object,
    bid_amount_eur: object,
    ask_amount_eur: object,
    *,
    user_id: int,
    dynamic_spread: bool = False,
) -> LiquidityPreview:
    """What ``create_liquidity`` would do now, and whether it can: read-only."""
    cert, bid, ask = _parse_targets(certificate_type, bid_amount_eur, ask_amount_eur)
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "preview liquidity")
        return _plan(db, cert, bid, ask, _parse_flag(dynamic_spread, "dynamic spread"))


def _parse_flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"The {what} choice is yes or no (True or False), got {value!r}")
    return value


def _describe_shortfall(s: AssetShortfall) -> str:
    book = f"{s.certificate_type.value} book, " if s.certificate_type is not None else ""
    return f"{book}{s.asset}: {s.required} required, {s.available} available, short by {s.shortfall}" + (
        f" (no active {s.mm_type.value.replace('_', ' ').lower()}s)" if s.no_market_makers else ""
    )


def _refuse_unless_executable(previews: Sequence[LiquidityPreview]) -> None:
    """All or nothing: every shortfall of every book in one error, else every problem in one; else nothing."""
    shortfalls = [
        s.model_copy(update={"certificate_type": p.certificate_type}) if len(previews) > 1 else s
        for p in previews
        for s in p.missing_assets
    ]
    if shortfalls:
        first = shortfalls[0]
        raise InsufficientAssetsError(
            asset_type=first.asset.value,
            required=first.required,
            available=first.available,
            shortfall=first.shortfall,
            shortfalls=shortfalls,
            message=f"Insufficient assets, nothing was placed. {'; '.join(map(_describe_shortfall, shortfalls))}.",
        )
    problems = [f"{p.certificate_type}: {x}" if len(previews) > 1 else x for p in previews for x in p.problems]
    if problems:
        raise ValidationError(" ".join(problems))


class PlanChanged(Conflict):
    """The plan made to place differs from the one the admin confirmed: nothing was placed."""


PLAN_CHANGED = (
    "The plan changed since it was shown (market makers, their balances or the book moved): nothing was placed. "
    "Check the plan and confirm again."
)


def plan_signature(previews: Sequence[LiquidityPreview]) -> tuple[str, ...]:
    """What a confirmation agrees to: the orders each book's plan would place (market makers, prices, quantities),
    its reference and spread, and what stops it. Two previews with the same signature place the same orders."""
    fields = {"certificate_type", "reference_price", "bid_plan", "ask_plan", "spread_multiplier", "missing_assets"}
    return tuple(p.model_dump_json(include=fields) for p in previews)


def _refuse_unless_confirmed(previews: Sequence[LiquidityPreview], expected_plan: Sequence[str] | None) -> None:
    if expected_plan is not None and plan_signature(previews) != tuple(expected_plan):
        raise PlanChanged(PLAN_CHANGED)


Placed = TypeVar("Placed")


def _planned_again_if_moved(plan_and_place: Callable[[], Placed]) -> Placed:
    """``plan_and_place`` (one unit of work that plans against the state it reads and places that plan), made once
    more if it is refused because something moved between its planning and its placing: balances, the book, a market
    maker, a concurrent request with the same idempotency key. A second refusal is the caller's. A plan that differs
    from the one the admin confirmed (``PlanChanged``) is never made again here: the admin must see it first."""
    try:
        return plan_and_place()
    except PlanChanged:
        raise
    except (InsufficientFunds, Conflict):
        pass  # the state it planned against is gone, and so is the refusal: plan once more against what is there now
    return plan_and_place()


def plan_orders(*plans: SidePlan | None) -> list[dict]:
    """The orders of side plans, as create_liquidity_operation takes them."""
    return [
        {"mm_id": mm.id, "level": o.level, "price": str(o.price), "quantity": o.quantity}
        for plan in plans
        if plan is not None
        for mm in plan.market_makers
        for o in mm.orders
    ]


def _plan_json(preview: LiquidityPreview) -> str:
    return json.dumps(plan_orders(preview.bid_plan, preview.ask_plan))


def place_operation(
    db: Session,
    preview: LiquidityPreview,
    created_by: int,
    *,
    notes: str | None = None,
    idempotency_key: str | None = None,
    policy_id: int | None = None,
) -> LiquidityOperation:
    """Place a plan through create_liquidity_operation (inside the caller's unit of work): the one way liquidity
    reaches a book, for Create Liquidity and for policy runs alike."""
    row = (
        db.execute(
            text(
                f"SELECT {OPERATION_COLUMNS} FROM create_liquidity_operation("
                ":cert, CAST(:plan AS jsonb), :bid, :ask, :ref, :source, :by, :notes, :key, :limit, :policy, "
                ":multiplier, :volatility)"
            ),
            {
                "cert": preview.certificate_type.value,
                "plan": _plan_json(preview),
                "bid": preview.bid_amount_eur,
                "ask": preview.ask_amount_eur,
                "ref": preview.reference_price,
                "source": preview.price_source,
                "by": created_by,
                "notes": notes,
                "key": idempotency_key,
                "limit": get_settings().liquidity_rate_limit_per_minute,
                "policy": policy_id,
                "multiplier": preview.spread_multiplier,
                "volatility": preview.volatility,
            },
        )
        .mappings()
        .one()
    )
    return _operation(row)


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
    dynamic_spread: bool = False,
    expected_plan: Sequence[str] | None = None,
) -> LiquidityOperation:
    """Plan, then place every order of the plan in one transaction; returns the operation.

    Raises ``InsufficientAssetsError`` (every shortfall listed) and places nothing when a side is short.
    If the book or the balances move between planning and execution, the stored function refuses and the
    plan is made once more against the new state. A repeated ``idempotency_key`` returns the first operation.
    With ``dynamic_spread`` the levels are widened as the book's recent volatility asks (core.volatility).
    ``expected_plan`` is the ``plan_signature`` of the preview an admin confirmed: a plan that differs is refused
    (``PlanChanged``) and nothing is placed, so what is placed is always what was shown.
    """
    cert, bid, ask = _parse_targets(certificate_type, bid_amount_eur, ask_amount_eur)
    clean_notes = check_notes(db, notes)
    key = _parse_key(idempotency_key)
    dynamic = _parse_flag(dynamic_spread, "dynamic spread")

    def plan_and_place() -> LiquidityOperation:
        with unit_of_work(db):
            require_role(db, created_by_id, ADMIN, "create liquidity")
            if key is not None and (existing := _operation_by_key(db, key)) is not None:
                # a retry of a request that succeeded (checked again under the lock in the stored function)
                if (existing.certificate_type, existing.target_bid_liquidity_eur) != (cert, bid) or (
                    existing.target_ask_liquidity_eur != ask
                ):
                    raise Conflict(
                        f'Idempotency key "{key}" was already used by liquidity operation {existing.ticket_id} for '
                        "different amounts: use a new key for a new operation"
                    )
                return existing
            preview = _plan(db, cert, bid, ask, dynamic)
            _refuse_unless_confirmed([preview], expected_plan)
            _refuse_unless_executable([preview])
            return place_operation(db, preview, created_by_id, notes=clean_notes, idempotency_key=key)

    return _planned_again_if_moved(plan_and_place)


# ---- both certificates at once ------------------------------------------------------------------------------------

Targets = Mapping[object, tuple[object, object]]


def preview_liquidity_for_all(
    db: Session, targets: Targets, *, user_id: int, dynamic_spread: bool = False
) -> list[LiquidityPreview]:
    """One preview per book of ``targets`` (read-only), in book order; ``create_liquidity_for_all`` places them
    all or none."""
    books = parse_liquidity_targets(targets)
    dynamic = _parse_flag(dynamic_spread, "dynamic spread")
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "preview liquidity")
        return _plan_books(db, books, dynamic)


def create_liquidity_for_all(
    db: Session,
    targets: Targets,
    created_by_id: int,
    notes: str | None = None,
    idempotency_key: str | None = None,
    dynamic_spread: bool = False,
    expected_plan: Sequence[str] | None = None,
) -> list[LiquidityOperation]:
    """Liquidity on several books in one transaction, all or nothing: if any book is short, nothing is placed in
    any, and the ``InsufficientAssetsError`` lists every shortfall of every book. One operation per book (book
    order); an ``idempotency_key`` k is kept as "k:CEA", "k:EUA", and a retry returns the same operations.
    ``expected_plan``: as for ``create_liquidity``, the books' plans together."""
    books = parse_liquidity_targets(targets)
    clean_notes = check_notes(db, notes)
    key = _parse_key(idempotency_key)
    dynamic = _parse_flag(dynamic_spread, "dynamic spread")

    def plan_and_place() -> list[LiquidityOperation]:
        with unit_of_work(db):
            require_role(db, created_by_id, ADMIN, "create liquidity")
            if key is not None and (done := _operations_by_keys(db, key, books)) is not None:
                return done
            previews = _plan_books(db, books, dynamic)
            _refuse_unless_confirmed(previews, expected_plan)
            _refuse_unless_executable(previews)
            rows = db.execute(
                text(
                    f"SELECT {OPERATION_COLUMNS} FROM create_liquidity_operations("
                    "CAST(:requests AS jsonb), :by, :notes, :key, :limit)"
                ),
                {
                    "requests": json.dumps([_request(p) for p in previews]),
                    "by": created_by_id,
                    "notes": clean_notes,
                    "key": key,
                    "limit": get_settings().liquidity_rate_limit_per_minute,
                },
            ).mappings()
            return [_operation(r) for r in rows]

    return _planned_again_if_moved(plan_and_place)  # every book planned once more, together


def _request(preview: LiquidityPreview) -> dict:
    return {
        "certificate_type": preview.certificate_type.value,
        "plan": plan_orders(preview.bid_plan, preview.ask_plan),
        "target_bid": str(preview.bid_amount_eur),
        "target_ask": str(preview.ask_amount_eur),
        "reference_price": str(preview.reference_price),
        "price_source": preview.price_source,
        "spread_multiplier": str(preview.spread_multiplier),
        "volatility": None if preview.volatility is None else str(preview.volatility),
    }


def _operations_by_keys(
    db: Session, key: str, books: list[tuple[CertificateType, Decimal, Decimal]]
) -> list[LiquidityOperation] | None:
    """The operations a request with this key already placed (a retry), or None if it placed nothing yet."""
    found = [_operation_by_key(db, f"{key}:{cert.value}") for cert, _, _ in books]
    if all(op is None for op in found):
        return None
    for op, (cert, bid, ask) in zip(found, books, strict=True):
        if op is None or (op.certificate_type, op.target_bid_liquidity_eur, op.target_ask_liquidity_eur) != (
            cert,
            bid,
            ask,
        ):
            raise Conflict(
                f'Idempotency key "{key}" was already used for other books or amounts: use a new key for a new '
                "operation"
            )
    return [op for op in found if op is not None]


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


def _market_makers(db: Session, side: OrderSide, cert: CertificateType, user_id: int, what: str) -> list[MarketMaker]:
    """The market makers that would serve a side (the planner's own rule, ``_FUNDED_SQL``), with balances."""
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, what)
        ids = [m.id for m in _funded(db, side, cert)]
        rows = db.execute(text(f"{MARKET_MAKER_ROWS} WHERE id = ANY(:ids) ORDER BY id"), {"ids": ids})
        return [MarketMaker.model_validate(r) for r in rows.mappings()]


def get_liquidity_providers(db: Session, *, user_id: int) -> list[MarketMaker]:
    """The active market makers of the BID side, with their balances (the bid side locks EUR on every book, so
    any book names it)."""
    return _market_makers(db, OrderSide.BUY, CertificateType.CEA, user_id, "list liquidity providers")


def get_asset_holders(db: Session, certificate_type: object, *, user_id: int) -> list[MarketMaker]:
    """The active market makers of the ASK side of ``certificate_type``'s book (holding some of it)."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    return _market_makers(db, OrderSide.SELL, cert, user_id, "list asset holders")


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
