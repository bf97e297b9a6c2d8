"""Records of market quality: book snapshots, the health of a book over a period, slippage, and the
market-maker scorecard. Percentages are 0 to 100, ratios 0 to 1, money in EUR; None where a figure has no meaning
(no mid on a one-sided book, no snapshot in the period, no order placed)."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.enums import CertificateType, OrderSide
from core.models import Record


class MarketMakerQuote(Record):
    """One market maker in one snapshot: the side it rests on, its best price there, and its resting EUR within
    each band around mid (None when the book had no mid)."""

    market_maker_id: int
    side: OrderSide
    best_price: Decimal
    value_0_5pct_eur: Decimal | None
    value_1pct_eur: Decimal | None
    value_2pct_eur: Decimal | None


class BookSnapshot(Record):
    """One book at one moment. Mid, spread and the bands are None unless the book had both a bid and an ask."""

    certificate_type: CertificateType
    at: datetime
    best_bid: Decimal | None
    best_ask: Decimal | None
    mid: Decimal | None
    spread_bps: Decimal | None
    bid_depth_0_5pct_eur: Decimal | None
    ask_depth_0_5pct_eur: Decimal | None
    bid_depth_1pct_eur: Decimal | None
    ask_depth_1pct_eur: Decimal | None
    bid_depth_2pct_eur: Decimal | None
    ask_depth_2pct_eur: Decimal | None
    market_makers: list[MarketMakerQuote]


class HealthSummary(Record):
    """How liquid one book was over [start, end]: the averages are over the two-sided snapshots only."""

    certificate_type: CertificateType
    start: datetime
    end: datetime
    snapshots: int
    two_sided_snapshots: int
    two_sided_pct: Decimal | None
    avg_spread_bps: Decimal | None
    median_spread_bps: Decimal | None
    avg_bid_depth_1pct_eur: Decimal | None
    avg_ask_depth_1pct_eur: Decimal | None


class MarketHealth(HealthSummary):
    """The summary and every snapshot of the period, oldest first."""

    points: list[BookSnapshot]


class HealthBucket(Record):
    """One bucket of a chart series: the means are over its two-sided snapshots."""

    bucket_start: datetime
    snapshots: int
    two_sided: int
    avg_spread_bps: Decimal | None
    avg_bid_depth_0_5pct_eur: Decimal | None
    avg_ask_depth_0_5pct_eur: Decimal | None
    avg_bid_depth_1pct_eur: Decimal | None
    avg_ask_depth_1pct_eur: Decimal | None
    avg_bid_depth_2pct_eur: Decimal | None
    avg_ask_depth_2pct_eur: Decimal | None

    @property
    def two_sided_pct(self) -> Decimal:
        return (Decimal(100) * self.two_sided / self.snapshots).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class HealthSeries(Record):
    """A book over a period in buckets of ``bucket`` (oldest first; empty buckets left out)."""

    bucket: timedelta
    buckets: list[HealthBucket]


class DepthCell(Record):
    """Mean depth in one hour of one weekday (UTC; ISO weekday, 1 is Monday) over the two-sided snapshots."""

    weekday: int
    hour: int
    two_sided: int
    avg_bid_depth_0_5pct_eur: Decimal
    avg_ask_depth_0_5pct_eur: Decimal
    avg_bid_depth_1pct_eur: Decimal
    avg_ask_depth_1pct_eur: Decimal
    avg_bid_depth_2pct_eur: Decimal
    avg_ask_depth_2pct_eur: Decimal


class Slippage(Record):
    """What a market order for ``amount_eur`` would get from the live book, in whole certificates: a BUY spends at
    most the amount, a SELL sells until its proceeds reach it. ``fillable`` is False when the book cannot absorb
    the amount; ``slippage_bps`` is None without a mid (one-sided book) or without a fill."""

    certificate_type: CertificateType
    side: OrderSide
    amount_eur: Decimal
    quantity: int
    filled_eur: Decimal
    average_price: Decimal | None
    mid: Decimal | None
    slippage_bps: Decimal | None
    fillable: bool


class MarketMakerScore(Record):
    """One market maker on one book over a period, judged as designated-sponsor programmes judge it."""

    market_maker_id: int
    name: str
    certificate_type: CertificateType
    snapshots: int  # the book's snapshots in the period
    presence_pct: Decimal
    avg_quoted_eur: Decimal
    placed_quantity: int
    filled_quantity: int
    fill_ratio: Decimal | None
    traded_value_eur: Decimal
    passes: bool
