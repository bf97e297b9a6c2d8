"""Market health over a period: the two-sided share, mean and median spread and mean depth over the two-sided
snapshots, the points themselves, the chart series and the weekday x hour depth map. Expectations by hand
(tests/quality_helpers.leaving_and_moving explains the book)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.enums import CertificateType, OrderSide
from core.errors import PermissionDenied, ValidationError
from core.market_quality import (
    chart_bucket,
    depth_heatmap,
    health_series,
    health_summary,
    market_health,
    take_snapshot,
)
from tests.quality_helpers import holder, leaving_and_moving, provider, quote, utc

D = Decimal


def test_health_averages_spread_and_depth_over_the_two_sided_snapshots(db, actors):
    s = leaving_and_moving(db, actors)

    health = market_health(db, "CEA", user_id=actors.analyst.id, start=s.start, end=s.end)

    assert (health.snapshots, health.two_sided_pct) == (4, D("100.00"))
    assert [p.spread_bps for p in health.points] == [D("71.2"), D("141.8"), D("7.0"), D("7.0")]
    assert health.avg_spread_bps == D("56.75")  # 227.0 / 4
    assert health.median_spread_bps == D("39.10")  # (7.0 + 71.2) / 2, an even count
    assert health.avg_bid_depth_1pct_eur == D("707.10")  # (1,400 + 1,400 + 14.19 + 14.19) / 4
    assert health.avg_ask_depth_1pct_eur == D("540.65")  # (1,410 + 14.20 + 14.20 + 724.20) / 4


def test_points_carry_each_snapshots_market_makers(db, actors):
    s = leaving_and_moving(db, actors)

    points = market_health(db, "CEA", user_id=actors.admin.id, start=s.start, end=s.end).points

    present = [{q.market_maker_id: q.value_1pct_eur for q in p.market_makers} for p in points]
    assert present == [
        {s.alpha.id: D("1400.00"), s.beta.id: D("1410.00")},
        {s.alpha.id: D("1400.00")},
        {s.alpha.id: D("0.00")},
        {s.alpha.id: D("0.00"), s.beta.id: D("710.00")},
    ]


def test_points_are_typed_records_with_exact_values(db, actors):
    s = leaving_and_moving(db, actors)

    first = market_health(db, "CEA", user_id=actors.analyst.id, start=s.start, end=s.end).points[0]

    assert first.certificate_type is CertificateType.CEA and first.at.tzinfo is not None
    assert isinstance(first.mid, Decimal) and isinstance(first.bid_depth_1pct_eur, Decimal)
    assert {type(q.side) for q in first.market_makers} == {OrderSide}
    assert first.model_dump()["market_makers"][0]["best_price"] == D("14.00")


def test_one_sided_snapshots_count_against_two_sided_presence_and_stay_out_of_the_averages(db, actors):
    lp, ah = provider(db, actors, "LP"), holder(db, actors, "AH")
    quote(db, actors, lp, "EUA", "80.00", 10)
    take_snapshot(db, "EUA", at=utc("2026-01-05 10:00:00"))  # bids only
    ask = quote(db, actors, ah, "EUA", "80.40", 10)
    take_snapshot(db, "EUA", at=utc("2026-01-05 10:00:10"))  # 0.40 / 80.20 → 49.9 bps
    take_snapshot(db, "EUA", at=utc("2026-01-05 10:00:20"))
    assert ask.id

    health = health_summary(
        db, "EUA", user_id=actors.analyst.id, start=utc("2026-01-05 10:00:00"), end=utc("2026-01-05 10:00:20")
    )

    assert (health.snapshots, health.two_sided_snapshots, health.two_sided_pct) == (3, 2, D("66.67"))
    assert (health.avg_spread_bps, health.median_spread_bps) == (D("49.90"), D("49.90"))
    assert (health.avg_bid_depth_1pct_eur, health.avg_ask_depth_1pct_eur) == (D("800.00"), D("804.00"))


def test_both_ends_of_the_period_are_included_and_nothing_outside_it(db, actors):
    for at in ("09:59:59.999999", "10:00:00", "11:00:00", "11:00:00.000001"):
        take_snapshot(db, "CEA", at=utc(f"2026-01-05 {at}"))

    health = market_health(
        db, "CEA", user_id=actors.analyst.id, start=utc("2026-01-05 10:00:00"), end=utc("2026-01-05 11:00:00")
    )

    assert health.snapshots == 2
    assert [p.at for p in health.points] == [utc("2026-01-05 10:00:00"), utc("2026-01-05 11:00:00")]


def test_a_period_without_snapshots_has_no_figures(db, actors):
    health = health_summary(
        db, "EUA", user_id=actors.analyst.id, start=utc("2026-01-05 10:00:00"), end=utc("2026-01-06 10:00:00")
    )

    assert (health.snapshots, health.two_sided_pct, health.avg_spread_bps, health.median_spread_bps) == (
        0,
        None,
        None,
        None,
    )


def test_the_series_and_the_heatmap_average_each_bucket_and_each_weekday_hour(db, actors):
    lp, ah = provider(db, actors, "LP"), holder(db, actors, "AH")
    quote(db, actors, lp, "CEA", "14.00", 100)  # 1,400 within 1 %
    quote(db, actors, ah, "CEA", "14.10", 100)  # 1,410
    take_snapshot(db, "CEA", at=utc("2026-01-05 10:00:00"))  # a Monday
    take_snapshot(db, "CEA", at=utc("2026-01-05 10:30:00"))
    take_snapshot(db, "CEA", at=utc("2026-01-06 15:00:00"))  # Tuesday
    quote(db, actors, lp, "CEA", "14.01", 100)  # the bid within 1 % doubles: 2,801
    take_snapshot(db, "CEA", at=utc("2026-01-06 15:10:00"))
    start, end = utc("2026-01-05 00:00:00"), utc("2026-01-06 23:59:59")

    series = health_series(db, "CEA", user_id=actors.analyst.id, start=start, end=end)
    cells = depth_heatmap(db, "CEA", user_id=actors.analyst.id, start=start, end=end)

    assert series.bucket == timedelta(minutes=5)  # 2 days in at most 720 buckets
    assert [(b.bucket_start, b.snapshots, b.avg_bid_depth_1pct_eur) for b in series.buckets] == [
        (utc("2026-01-05 10:00:00"), 1, D("1400.00")),
        (utc("2026-01-05 10:30:00"), 1, D("1400.00")),
        (utc("2026-01-06 15:00:00"), 1, D("1400.00")),
        (utc("2026-01-06 15:10:00"), 1, D("2801.00")),
    ]
    assert [(c.weekday, c.hour, c.two_sided, c.avg_bid_depth_1pct_eur, c.avg_ask_depth_1pct_eur) for c in cells] == [
        (1, 10, 2, D("1400.00"), D("1410.00")),
        (2, 15, 2, D("2100.50"), D("1410.00")),  # (1,400 + 2,801) / 2
    ]


@pytest.mark.parametrize(
    ("span", "bucket"),
    [
        (timedelta(hours=2), timedelta(seconds=10)),
        (timedelta(hours=24), timedelta(minutes=2)),
        (timedelta(days=7), timedelta(minutes=15)),
        (timedelta(days=30), timedelta(hours=1)),
        (timedelta(days=400), timedelta(days=1)),
    ],
)
def test_a_chart_keeps_to_at_most_720_buckets_of_the_smallest_size_that_fits(span, bucket):
    start = utc("2026-01-05 00:00:00")

    assert chart_bucket(start, start + span) == bucket


@pytest.mark.parametrize("read", [health_summary, market_health, health_series, depth_heatmap])
def test_traders_may_not_read_market_health(db, actors, read):
    with pytest.raises(PermissionDenied, match="Only admins or analysts may read market quality"):
        read(db, "CEA", user_id=actors.trader.id, start=utc("2026-01-05 00:00:00"), end=utc("2026-01-06 00:00:00"))


def test_a_period_that_ends_before_it_starts_is_refused_with_both_ends_named(db, actors):
    with pytest.raises(ValidationError, match=r"starts \(2026-01-06 00:00 UTC\) after it ends \(2026-01-05 00:00"):
        health_summary(
            db, "CEA", user_id=actors.analyst.id, start=utc("2026-01-06 00:00:00"), end=utc("2026-01-05 00:00:00")
        )
