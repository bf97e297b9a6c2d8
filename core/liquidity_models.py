"""Records of the liquidity service: the plan (per side, per market maker, per level), the preview with its
shortfalls, the executed operation, withdrawal and provisioning results. Pure data, no I/O."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field, computed_field

from core.enums import AssetType, CertificateType, MarketMakerType, OrderSide
from core.models import Record
from core.wording import amount_text

# where a reference price came from; "previous_run" only for a policy run (its previous run's reference)
PriceSource = Literal["mid", "last_trade", "previous_run", "default"]


class SideRole(Record):
    """Who serves one side of a book and what their orders lock, as SQL defines it (``market_maker_side``,
    ``order_asset``): core reads it (``core.liquidity_service.side_roles``) and never spells the rule itself."""

    side: OrderSide
    mm_type: MarketMakerType
    asset: AssetType


class FundedMarketMaker(Record):
    """A market maker as the planner sees it: what it may commit right now (available, never total)."""

    id: int
    name: str
    mm_type: MarketMakerType
    available: Decimal


class MarketReference(Record):
    """Top of one book and the price liquidity would be centred on now."""

    certificate_type: CertificateType
    best_bid: Decimal | None
    best_ask: Decimal | None
    last_price: Decimal | None
    reference_price: Decimal
    price_source: PriceSource

    @property
    def mid(self) -> Decimal | None:
        return self.reference_price if self.price_source == "mid" else None


class PlannedOrder(Record):
    level: int
    price: Decimal
    quantity: int
    value_eur: Decimal


def locked_by(orders: Sequence[PlannedOrder], asset: AssetType) -> Decimal:
    """What ``orders`` lock, in ``asset``: their value when that is EUR, else their certificates."""
    if asset is AssetType.EUR:
        return sum((o.value_eur for o in orders), Decimal("0.00"))
    return Decimal(sum(o.quantity for o in orders))


class MarketMakerAllocation(Record):
    """One market maker's share of a side: its EUR budget, what it holds, and the orders it will rest."""

    id: int
    name: str
    mm_type: MarketMakerType
    amount: Decimal  # EUR budget; the budgets of a side add up to its target to the cent
    available: Decimal  # of ``asset``
    asset: AssetType  # what its orders lock (the side's SideRole.asset)
    orders: tuple[PlannedOrder, ...]

    @property
    def total_value(self) -> Decimal:
        return sum((o.value_eur for o in self.orders), Decimal("0.00"))

    @property
    def total_quantity(self) -> int:
        return sum(o.quantity for o in self.orders)

    @property
    def required(self) -> Decimal:
        """What the orders lock, in ``asset``: their value when that is EUR, else their certificates."""
        return locked_by(self.orders, self.asset)

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.available, Decimal(0))


class LeftOutMarketMaker(Record):
    """A market maker of the side's role that the plan leaves out: it holds less than what an even share's orders
    lock (``core.planning.even_share_set``)."""

    id: int
    name: str
    asset: AssetType  # what the side's orders lock
    available: Decimal  # of ``asset``
    required: Decimal  # what each market maker the side uses locks, in ``asset``: more than ``available``

    @property
    def reason(self) -> str:
        """Why it is left out: "holds €100.00, less than an even share of €299,987.50"."""
        held, share = amount_text(self.asset, self.available), amount_text(self.asset, self.required)
        return f"holds {held}, less than an even share of {share}"


class SidePlan(Record):
    side: OrderSide
    mm_type: MarketMakerType  # who serves the side
    asset: AssetType  # what the side's market makers lock
    target_eur: Decimal
    level_prices: tuple[Decimal, ...]
    split: tuple[Decimal, ...]
    market_makers: tuple[MarketMakerAllocation, ...]  # the ones used, by id: each funds the same orders
    left_out: tuple[LeftOutMarketMaker, ...] = ()  # the role's others, by id: each too poor for an even share
    # how many of the role's others could fund a share but are not needed: a share over more of them would be too
    # thin to rest one whole certificate at every level (a small target; core.planning.even_share_set)
    unneeded: int = 0

    @property
    def total_eur(self) -> Decimal:
        return sum((m.total_value for m in self.market_makers), Decimal("0.00"))

    @property
    def total_quantity(self) -> int:
        return sum(m.total_quantity for m in self.market_makers)

    @property
    def orders_count(self) -> int:
        return sum(len(m.orders) for m in self.market_makers)


class MarketMakerShortfall(Record):
    id: int
    name: str
    required: Decimal
    available: Decimal
    shortfall: Decimal


class AssetShortfall(Record):
    """One asset the plan lacks: totals over the short market makers, and each of them."""

    asset: AssetType
    side: OrderSide
    mm_type: MarketMakerType
    required: Decimal
    available: Decimal
    shortfall: Decimal
    market_makers: tuple[MarketMakerShortfall, ...] = ()
    no_market_makers: bool = False  # nobody of the right type is active: create some
    # what one new market maker must hold for the whole side to be placed (core.planning.new_market_maker_needs)
    new_market_maker_needs: Decimal
    certificate_type: CertificateType | None = None  # the book, when liquidity for several books is refused

    @property
    def even_top_up(self) -> Decimal:
        """Funding split evenly over the short market makers that covers each of them."""
        if not self.market_makers:
            return self.shortfall
        return max(m.shortfall for m in self.market_makers) * len(self.market_makers)


class LiquidityPreview(Record):
    certificate_type: CertificateType
    bid_amount_eur: Decimal
    ask_amount_eur: Decimal
    reference_price: Decimal
    price_source: PriceSource
    best_bid: Decimal | None
    best_ask: Decimal | None
    last_price: Decimal | None
    bid_plan: SidePlan | None
    ask_plan: SidePlan | None
    missing_assets: list[AssetShortfall] = Field(default_factory=list)
    suggested_actions: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)  # why it cannot execute, other than shortfalls
    spread_multiplier: Decimal = Decimal(1)  # the level offsets times this (core.volatility)
    volatility: Decimal | None = None  # σ of recent trades behind it (None: too few trades, or not asked)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def can_execute(self) -> bool:
        return not self.missing_assets and not self.problems

    @property
    def left_out(self) -> tuple[LeftOutMarketMaker, ...]:
        """The market makers either side leaves out, each too poor for an even share of it."""
        return tuple(m for p in (self.bid_plan, self.ask_plan) if p is not None for m in p.left_out)

    @property
    def total_orders_count(self) -> int:
        return sum(p.orders_count for p in (self.bid_plan, self.ask_plan) if p is not None)

    @property
    def estimated_spread_pct(self) -> Decimal | None:
        """Distance between the innermost planned bid and ask, in % of the reference price."""
        if self.bid_plan is None or self.ask_plan is None:
            return None
        spread = self.ask_plan.level_prices[0] - self.bid_plan.level_prices[0]
        return (spread / self.reference_price * 100).quantize(Decimal("0.001"))


class MarketMakerUsed(Record):
    id: int
    name: str
    mm_type: MarketMakerType
    amount: Decimal  # EUR value of the orders it rests
    quantity: int
    orders: int


class LiquidityOperation(Record):
    id: int
    ticket_id: str
    certificate_type: CertificateType
    target_bid_liquidity_eur: Decimal
    target_ask_liquidity_eur: Decimal
    actual_bid_liquidity_eur: Decimal
    actual_ask_liquidity_eur: Decimal
    market_makers_used: list[MarketMakerUsed]
    orders_created: list[int]
    reference_price: Decimal
    price_source: PriceSource
    idempotency_key: str | None
    created_by: int
    created_at: datetime
    notes: str | None
    policy_id: int | None = None  # the liquidity policy whose run placed it
    spread_multiplier: Decimal = Decimal(1)
    volatility: Decimal | None = None

    @property
    def orders_count(self) -> int:
        return len(self.orders_created)


class WithdrawalResult(Record):
    operation_id: int
    ticket_id: str
    orders_cancelled: int
    eur_unlocked: Decimal
    certificates_unlocked: int


class ProvisionedMarketMaker(Record):
    id: int
    name: str
    amount: Decimal
    deposit_ticket_id: str  # the ticket of its deposit: the one its ledger row carries


class ProvisioningPlan(Record):
    """What a provisioning would deposit, read as ``provision_market_makers`` reads it: the sentence confirmed
    before any money moves."""

    action: Literal["create_new", "fund_existing"]
    mm_type: MarketMakerType
    asset: AssetType
    total_amount: Decimal
    amounts: list[Decimal]  # each market maker's deposit, in the order of ``mm_ids`` (or of the new ones)
    mm_ids: list[int] | None  # the market makers funded; None: new ones


class ProvisioningResult(Record):
    action: Literal["create_new", "fund_existing"]
    mm_type: MarketMakerType
    asset: AssetType
    ticket_id: str  # the PROVISION_MARKET_MAKERS ticket (the audit log's); each deposit has its own
    total_amount: Decimal
    market_makers: list[ProvisionedMarketMaker]
