"""Provisioning: funding market makers to cover a liquidity shortfall, new ones or existing ones, asked as a plan
(``plan_provisioning``, the confirmation's sentence) and then done (``provision_market_makers``, one stored function
in one transaction, with tickets). Create Liquidity offers it beside a preview that is short; the entry points are
also ``core.liquidity_service``'s, where the design names them."""

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import AssetType, CertificateType, MarketMakerType, Role
from core.errors import ValidationError
from core.liquidity_models import ProvisionedMarketMaker, ProvisioningPlan, ProvisioningResult
from core.market_makers import held_assets_by_type
from core.planning import split_evenly
from core.sqlcall import unit_of_work
from core.validation import FieldFaults, parse_amount, parse_enum, parse_id, parse_whole_number

PROVISION_ACTIONS = ("create_new", "fund_existing")
MAX_NEW_MARKET_MAKERS = 100
NEW_COUNT_FIELD = "Number of new market makers"  # the field's label, which its refusals name
# the typed inputs of a provisioning, as its refusal names them (InvalidFields.faults): its parameters
AMOUNT, COUNT = "amount", "count"
MAX_FUNDED_MARKET_MAKERS = 1000


def _provision_targets(
    action: str, mm_ids: Sequence[object] | None, count: object, faults: FieldFaults
) -> tuple[list[int] | None, int | None]:
    """Whom a provisioning funds: ``count`` new market makers (its refusal kept in ``faults``, under ``COUNT``: None
    then), or the market makers ``mm_ids`` (chosen by the page, not typed: refused at once)."""
    if action == "create_new":
        if mm_ids:
            raise ValidationError("Creating new market makers takes a count, not market maker ids")
        if count is None:
            return None, 1
        new = faults.parse(COUNT, parse_whole_number, count, NEW_COUNT_FIELD, 1, MAX_NEW_MARKET_MAKERS, "market makers")
        return None, new
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


def _provisioned_asset(held: Sequence[AssetType], certificate_type: object) -> AssetType:
    """What provisioning funds a market maker with: the one asset it trades, or the certificate asked for among
    those it trades (SQL's ``market_maker_assets``)."""
    if len(held) == 1:
        return held[0]
    if certificate_type is None:
        raise ValidationError(f"Say which certificate ({' or '.join(held)}) the market makers receive")
    asset = AssetType(parse_enum(CertificateType, certificate_type, "certificate type").value)
    if asset not in held:
        raise ValidationError(f"These market makers are funded with {'/'.join(held)} only, not {asset}")
    return asset


def plan_provisioning(
    db: Session,
    action: str,
    mm_type: object,
    amount: object,
    mm_ids: Sequence[object] | None = None,
    count: object = None,
    certificate_type: object = None,
) -> ProvisioningPlan:
    """What ``provision_market_makers`` would deposit for these arguments, or its refusal, moving nothing: the
    confirmation's sentence. ``create_new`` splits ``amount`` over ``count`` new market makers, ``fund_existing``
    over ``mm_ids``; evenly, exact to the cent (EUR) or the certificate, the remainder to the first ones. Each gets
    what its type trades (liquidity providers EUR; asset holders ``certificate_type``). A typed amount and count
    refused are refused together (``InvalidFields``, under ``AMOUNT`` and ``COUNT``): a form says both at once."""
    if action not in PROVISION_ACTIONS:
        raise ValidationError(f"Unknown provisioning action {action!r}: expected create_new or fund_existing")
    kind = parse_enum(MarketMakerType, mm_type, "market maker type")
    asset = _provisioned_asset(held_assets_by_type(db)[kind], certificate_type)
    faults = FieldFaults()  # the amount and the count typed: every fault at once, each under its field
    value = faults.parse(AMOUNT, parse_amount, amount, asset, f"Amount of {asset}")
    ids, parts = _provision_targets(action, mm_ids, count, faults)
    quantum = Decimal("0.01") if asset is AssetType.EUR else Decimal(1)
    if value is not None and parts is not None and value < quantum * parts:
        faults.refuse(AMOUNT, f"{value} {asset} cannot be split over {parts} market makers: each needs some")
    faults.raise_any()
    assert value is not None and parts is not None  # raise_any refused every field left None
    return ProvisioningPlan(
        action=action,  # type: ignore[arg-type]
        mm_type=kind,
        asset=asset,
        total_amount=value,
        amounts=split_evenly(value, parts, quantum),
        mm_ids=ids,
    )


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
    """Cover a shortfall as ``plan_provisioning`` reads the arguments. One transaction, with tickets."""
    plan = plan_provisioning(db, action, mm_type, amount, mm_ids, count, certificate_type)
    kind, asset, value, amounts, ids = plan.mm_type, plan.asset, plan.total_amount, plan.amounts, plan.mm_ids
    with unit_of_work(db):
        require_role(db, created_by_id, Role.ADMIN, "provision market makers")
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
        deposits = _deposit_tickets(db, [r["market_maker_id"] for r in rows], asset)
    return ProvisioningResult(
        action=action,  # type: ignore[arg-type]
        mm_type=kind,
        asset=asset,
        ticket_id=rows[0]["ticket_id"],
        total_amount=value,
        market_makers=[
            ProvisionedMarketMaker(
                id=r["market_maker_id"],
                name=r["name"],
                amount=r["amount"],
                deposit_ticket_id=deposits[r["market_maker_id"]],
            )
            for r in rows
        ],
    )


def _deposit_tickets(db: Session, mm_ids: list[int], asset: AssetType) -> dict[int, str]:
    """The ticket of each market maker's deposit of ``asset`` just made, the one its ledger row carries (the
    provisioning's own ticket lists the market makers, not their deposits). Read in the provisioning's transaction,
    which still holds every balance row it funded: each one's newest ledger row is its deposit."""
    rows = db.execute(
        text(
            "SELECT b.market_maker_id, last.ticket_id FROM balances b CROSS JOIN LATERAL ("
            "  SELECT t.ticket_id FROM asset_transactions t WHERE t.balance_id = b.id ORDER BY t.id DESC LIMIT 1"
            ") last WHERE b.market_maker_id = ANY(:ids) AND b.asset = CAST(:asset AS asset_type)"
        ),
        {"ids": mm_ids, "asset": asset.value},
    ).mappings()
    return {r["market_maker_id"]: r["ticket_id"] for r in rows}
