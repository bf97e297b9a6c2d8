"""Records of liquidity policies: the policy, one run of it, the kill switch, and a book's policy at a glance."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from core.enums import CertificateType
from core.liquidity_models import PriceSource
from core.models import Record

# what a run did; "kill_switch" and "resumed" are recorded by the kill switch (pause_liquidity, resume_liquidity),
# never decided by a run: what it withdrew of the policy, and when liquidity came back, so its runs say where its
# orders went and why they return
PolicyAction = Literal["placed", "refreshed", "topped_up", "none", "skipped", "kill_switch", "resumed"]
KILL_SWITCH_ACTIONS = ("kill_switch", "resumed")  # no run of the policy's own: its schedule does not count from them


class LiquidityPolicy(Record):
    """The standing liquidity of one book: targets per side, when to refresh or top up, the price band, the
    schedule (``cron`` when set, else every ``interval_seconds``), and who its runs act as (``updated_by``)."""

    id: int
    certificate_type: CertificateType
    bid_depth_eur: Decimal
    ask_depth_eur: Decimal
    refresh_tolerance_pct: Decimal
    top_up_below_pct: Decimal
    max_order_age_minutes: int
    price_floor: Decimal | None
    price_ceiling: Decimal | None
    dynamic_spread: bool
    interval_seconds: int | None  # None on a cron: one schedule, never both
    cron: str | None
    enabled: bool
    paused: bool  # disabled by the kill switch (resume re-enables it)
    notes: str | None
    updated_by: int
    updated_by_username: str
    created_at: datetime
    updated_at: datetime

    @property
    def schedule(self) -> str:
        return f"cron {self.cron}" if self.cron else f"every {self.interval_seconds} s"


class SavedPolicy(LiquidityPolicy):
    """A policy as ``save_policy`` just stored it, with what its runs could not place now, field by field
    (``save_policy``'s parameter → why): warnings, not refusals, for the price they depend on moves; and how many
    of its orders rest in the book (saved disabled, they stay there, no longer maintained)."""

    warnings: dict[str, str] = Field(default_factory=dict)
    resting_orders: int = 0


class PolicyRun(Record):
    """One maintenance cycle of a policy: what it did and why, and how the book stood afterwards."""

    id: int
    policy_id: int
    certificate_type: CertificateType
    action: PolicyAction
    reason: str
    operation_id: int | None
    placed_orders: int
    withdrawn_orders: int
    reference_price: Decimal | None
    price_source: PriceSource | None
    spread_multiplier: Decimal
    volatility: Decimal | None
    bid_target_eur: Decimal
    ask_target_eur: Decimal
    bid_resting_before_eur: Decimal  # when the run began
    ask_resting_before_eur: Decimal
    bid_resting_eur: Decimal  # once it was done
    ask_resting_eur: Decimal
    acted_by: int | None
    created_at: datetime


class KillSwitch(Record):
    paused: bool
    reason: str | None  # typed by the admin who paused
    changed_by: int | None
    changed_by_username: str | None
    changed_at: datetime | None
    policies_running: int = 0  # enabled policies (none while paused)


class PauseResult(Record):
    ticket_id: str
    orders_withdrawn: int
    eur_unlocked: Decimal
    certificates_unlocked: int
    policies_paused: int


class ResumeResult(Record):
    ticket_id: str
    policies_resumed: int


class PolicyStatus(Record):
    """A book's policy at a glance, for its card: the policy, what rests now per side, the last run, when the
    next one is due, and the volatility the next run would see."""

    policy: LiquidityPolicy
    bid_resting_eur: Decimal
    ask_resting_eur: Decimal
    resting_orders: int
    last_run: PolicyRun | None
    next_due_at: datetime | None  # None while disabled or paused, or when its cron never comes
    schedule_never_comes: bool = False  # a cron naming a day no month it names has (saved before they were refused)
    volatility: Decimal | None
    spread_multiplier: Decimal  # what the next full placement would use
    # whether a job worker is running (one heartbeat within CARBON_WORKER_STALLED_SECONDS), and the last heartbeat
    # of one that went silent (one stopped cleanly unregisters: None): scheduled runs happen only while one runs
    worker_running: bool = True
    worker_seen_at: datetime | None = None
