"""Settings read from the environment (prefix ``CARBON_``), with the demo defaults.

The liquidity levels and their volume split are one validated object, so a bad configuration fails at
start-up, not in the middle of placing orders.
"""

from decimal import Decimal
from functools import lru_cache

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.enums import CertificateType

# The bands around mid that book snapshots record depth in (% of mid): the columns of book_snapshots and
# market_maker_snapshots, so a scorecard can only ask about one of these.
QUOTE_BANDS_PCT = (Decimal("0.5"), Decimal("1"), Decimal("2"))
BANDS_TEXT = "0.5 %, 1 % or 2 %"
# the decimals a scorecard presence is written to, and the most a required presence may have (typed or set)
PRESENCE_PLACES = 2


class LiquidityLevels(BaseModel):
    """Distance of each level from the reference price (fractions) and the share of volume it gets."""

    offsets: tuple[Decimal, ...] = (Decimal("0.002"), Decimal("0.004"), Decimal("0.005"))
    split: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))

    @model_validator(mode="after")
    def _check(self) -> "LiquidityLevels":
        if len(self.offsets) != len(self.split) or not self.offsets:
            raise ValueError("liquidity offsets and split must be non-empty and of equal length")
        if sum(self.split) != Decimal(1):
            raise ValueError("liquidity volume split must add up to exactly 1")
        if any(s <= 0 for s in self.split):
            raise ValueError("every liquidity level must get a positive share of volume")
        if any(not (Decimal(0) < o < Decimal("0.02")) for o in self.offsets):
            raise ValueError("liquidity offsets must lie strictly between 0 and 2 %")
        if list(self.offsets) != sorted(set(self.offsets)):
            raise ValueError("liquidity offsets must be distinct and increasing")
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARBON_", env_nested_delimiter="__", extra="ignore")

    default_prices: dict[CertificateType, Decimal] = Field(
        default_factory=lambda: {CertificateType.CEA: Decimal("14.00"), CertificateType.EUA: Decimal("81.00")}
    )
    liquidity_levels: LiquidityLevels = Field(default_factory=LiquidityLevels)
    liquidity_rate_limit_per_minute: int = Field(default=10, ge=1)
    # dynamic spread (core.volatility): the per-trade σ at which the design's spreads apply (in %), the widest
    # the levels may be pushed (× the offsets), and how many recent trades σ is measured over
    volatility_reference_pct: Decimal = Field(default=Decimal("0.5"), gt=0, le=100)
    max_spread_multiplier: Decimal = Field(default=Decimal(3), ge=1, le=10)
    volatility_window_trades: int = Field(default=50, ge=10, le=10_000)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)
    # a name's failure count is forgotten this long after its last failure (unless it is locked): failures count
    # toward the lock within this window, and names tried once do not keep a row forever
    login_failures_kept_hours: int = Field(default=24, ge=1)
    session_idle_minutes: int = Field(default=30, ge=1)
    # a MARKET order that would move the price further than this (percent of the best price) asks for a
    # confirmation showing its estimated average price and slippage first
    market_order_band_pct: Decimal = Field(default=Decimal("2"), gt=0, le=100)
    # a LIMIT order priced further than this through the market (a BUY above the price it is measured against, a
    # SELL below it; core.order_entry.PriceCollar) asks for a confirmation first: a fat finger's price
    limit_price_band_pct: Decimal = Field(default=Decimal("5"), gt=0, le=100)
    # the worker (core.worker): a periodic tick every few seconds (a divisor of 60, procrastinate's seconds
    # field), a heartbeat, and how long without one before a worker counts as gone and its jobs as stalled
    worker_tick_seconds: int = Field(default=5, ge=1, le=30)
    worker_heartbeat_seconds: float = Field(default=5, gt=0)
    worker_stalled_seconds: float = Field(default=30, gt=0)

    # market quality: how often the worker snapshots every book, how long snapshots are kept, and the
    # market-maker scorecard's obligations (maximum spread band, minimum quote, required presence)
    snapshot_seconds: int = Field(default=10, ge=1)
    # at least a week: pruning then only ever rebuilds a week's rollups once that week is over
    snapshot_retention_days: int = Field(default=90, ge=7, le=3650)
    scorecard_max_spread_pct: Decimal = Decimal("1.0")
    scorecard_min_quote_eur: Decimal = Field(default=Decimal("10000"), gt=0)
    # at most the decimals a scorecard presence is written to, as the page's field takes it
    scorecard_required_presence_pct: Decimal = Field(
        default=Decimal("70"), ge=0, le=100, decimal_places=PRESENCE_PLACES
    )

    @field_validator("snapshot_seconds")
    @classmethod
    def _snapshot_period_fits_the_clock(cls, seconds: int) -> int:
        # the worker schedules snapshots with a cron: a period that divides the minute (or whole minutes that
        # divide the hour) keeps them evenly spaced
        if not (0 < seconds < 60 and 60 % seconds == 0) and not (seconds % 60 == 0 and 60 % (seconds // 60) == 0):
            raise ValueError(
                "the snapshot period must divide a minute (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 s) "
                f"or be whole minutes that divide an hour, got {seconds} s"
            )
        return seconds

    @field_validator("scorecard_max_spread_pct")
    @classmethod
    def _spread_is_a_recorded_band(cls, pct: Decimal) -> Decimal:
        if pct not in QUOTE_BANDS_PCT:
            raise ValueError(f"the scorecard's maximum spread must be a recorded band ({BANDS_TEXT}), got {pct}")
        return pct

    @model_validator(mode="after")
    def _worker_timing(self) -> "Settings":
        if 60 % self.worker_tick_seconds:
            raise ValueError("worker_tick_seconds must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30)")
        if self.worker_stalled_seconds <= 2 * self.worker_heartbeat_seconds:
            raise ValueError("worker_stalled_seconds must exceed two heartbeats, or live workers count as stalled")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
