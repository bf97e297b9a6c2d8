"""The health summary and the scorecard read day, hour and five-minute rollups and only the ends of a period from
the snapshots themselves. Whatever the period, they must give exactly what the snapshots in it give: checked
against a plain computation over the points, for periods hypothesis draws around bucket boundaries."""

import itertools
import statistics
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from core.market_quality import market_health, mm_scorecard, prune_snapshots, take_snapshot
from core.orders import cancel_order
from tests.helpers import load_actors
from tests.module_database import cloned_session_factory
from tests.quality_helpers import holder, provider, quote, trader_order, utc

FIRST = utc("2026-01-04 22:50:00")  # a Sunday night: the history spans a whole week and more
LAST = utc("2026-01-14 01:20:00")
STEP_SECONDS = 2593  # 43 min 13 s: off every bucket boundary
CENT = Decimal("0.01")


def _times() -> list[datetime]:
    """Snapshots every 43 min 13 s across nine days, plus bursts around bucket boundaries (a Monday midnight, an
    hour, five minutes) and some exactly on them."""
    steps = int((LAST - FIRST).total_seconds()) // STEP_SECONDS
    times = {FIRST + timedelta(seconds=STEP_SECONDS * i) for i in range(steps)}
    for edge in ("2026-01-05 00:00:00", "2026-01-12 00:00:00", "2026-01-05 13:00:00", "2026-01-06 07:35:00"):
        times |= {utc(edge) + timedelta(seconds=10 * k) for k in range(-6, 7)}
    return sorted(times)


@pytest.fixture(scope="module")
def history(pg_admin_url, actors_template_name):
    """Three days of CEA snapshots of a book that keeps changing: quotes come and go, the mid moves, and for a
    while the book is one-sided."""
    with cloned_session_factory(pg_admin_url, actors_template_name) as factory, factory() as db:
        actors = load_actors(db)
        lps = [provider(db, actors, f"LP {i}") for i in range(2)]
        ahs = [holder(db, actors, f"AH {i}") for i in range(2)]
        resting = []
        for i, at in enumerate(_times()):
            if i % 3 == 0:  # a provider bids a little higher or lower, sizes vary around the €1,000 minimum
                resting.append(quote(db, actors, lps[i % 2], "CEA", f"{13.80 + (i % 7) * 0.03:.2f}", 40 + i % 50))
            if i % 4 == 1:
                resting.append(quote(db, actors, ahs[i % 2], "CEA", f"{14.25 + (i % 5) * 0.04:.2f}", 30 + i % 60))
            if i % 5 == 2 and len(resting) > 3:
                cancel_order(db, resting.pop(0).id, actors.admin.id)
            if i % 40 == 20:  # the asks go for a while: one-sided snapshots
                for order in [o for o in resting if o.side == "SELL"]:
                    cancel_order(db, order.id, actors.admin.id)
                    resting.remove(order)
            if i % 17 == 5:
                trader_order(db, actors, "CEA", "BUY", "14.05", 1)
            take_snapshot(db, "CEA", at=at)
        yield factory, actors


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _expected_health(points: list) -> tuple:
    spreads = [p.spread_bps for p in points if p.spread_bps is not None]
    two_sided = [p for p in points if p.spread_bps is not None]
    if not spreads:
        return len(points), 0, None, None, None, None
    return (
        len(points),
        len(spreads),
        _round(sum(spreads) / len(spreads)),
        _round(Decimal(statistics.median(spreads))),
        _round(sum(p.bid_depth_1pct_eur for p in two_sided) / len(two_sided)),
        _round(sum(p.ask_depth_1pct_eur for p in two_sided) / len(two_sided)),
    )


boundaries = st.sampled_from([*_times(), utc("2026-01-05 00:00:00"), utc("2026-01-12 00:00:00")]).flatmap(
    lambda t: st.sampled_from([t, t - timedelta(microseconds=1), t + timedelta(microseconds=1)])
)
anywhere = st.integers(0, int((LAST - FIRST).total_seconds()) + 3600).map(lambda s: FIRST + timedelta(seconds=s))
moments = st.one_of(boundaries, anywhere)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=moments, b=moments)
def test_the_health_summary_equals_the_snapshots_of_any_period(history, a, b):
    factory, actors = history
    start, end = min(a, b), max(a, b)
    with factory() as db:
        health = market_health(db, "CEA", user_id=actors.analyst.id, start=start, end=end)

    got = (
        health.snapshots,
        health.two_sided_snapshots,
        health.avg_spread_bps,
        health.median_spread_bps,
        health.avg_bid_depth_1pct_eur,
        health.avg_ask_depth_1pct_eur,
    )
    assert got == _expected_health(health.points)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=moments, b=moments, band=st.sampled_from(["0.5", "1", "2"]), minimum=st.sampled_from(["500", "1000"]))
def test_the_scorecard_presence_equals_the_snapshots_of_any_period(history, a, b, band, minimum):
    factory, actors = history
    start, end = min(a, b), max(a, b)
    column = {"0.5": "value_0_5pct_eur", "1": "value_1pct_eur", "2": "value_2pct_eur"}[band]
    with factory() as db:
        points = market_health(db, "CEA", user_id=actors.analyst.id, start=start, end=end).points
        rows = mm_scorecard(
            db, user_id=actors.analyst.id, start=start, end=end, max_spread_pct=band, min_quote_eur=minimum
        )
        types = dict(db.execute(text("SELECT id, mm_type::text FROM market_maker_clients")).all())

    for row in rows:
        own = "BUY" if types[row.market_maker_id] == "LIQUIDITY_PROVIDER" else "SELL"
        values = [
            getattr(q, column) or Decimal(0)
            for p in points
            for q in p.market_makers
            if q.market_maker_id == row.market_maker_id and q.side == own
        ]
        present = sum(1 for v in values if v >= Decimal(minimum))
        assert row.snapshots == len(points)
        assert row.presence_pct == (_round(Decimal(100) * present / len(points)) if points else Decimal(0))
        assert row.avg_quoted_eur == (_round(sum(values, Decimal(0)) / len(points)) if points else Decimal(0))


def test_pieces_of_a_period_cover_it_exactly_once(history):
    factory, _ = history
    start, end = utc("2026-01-04 22:07:03.5"), utc("2026-01-13 01:12:00")  # Sunday night to Tuesday week
    with factory() as db:
        pieces = db.execute(
            text("SELECT grain, lo, hi FROM snapshot_spans(:s, :e) ORDER BY lo"), {"s": start, "e": end}
        ).all()

    assert pieces[0].lo == start and pieces[-1].hi == end + timedelta(microseconds=1)
    assert all(p.hi == q.lo for p, q in itertools.pairwise(pieces))
    assert [(p.grain, p.lo) for p in pieces] == [
        (None, start),
        (timedelta(minutes=5), utc("2026-01-04 22:10:00")),
        (timedelta(minutes=15), utc("2026-01-04 22:15:00")),
        (timedelta(hours=1), utc("2026-01-04 23:00:00")),
        (timedelta(days=7), utc("2026-01-05 00:00:00")),  # Monday to Monday
        (timedelta(days=1), utc("2026-01-12 00:00:00")),
        (timedelta(hours=1), utc("2026-01-13 00:00:00")),
        (timedelta(minutes=5), utc("2026-01-13 01:00:00")),
        (None, utc("2026-01-13 01:10:00")),
    ]


def test_after_pruning_the_rollups_still_count_exactly_the_snapshots_kept(pg_admin_url, actors_template_name):
    with cloned_session_factory(pg_admin_url, actors_template_name) as factory, factory() as db:
        actors = load_actors(db)
        lp, ah = provider(db, actors, "LP"), holder(db, actors, "AH")
        quote(db, actors, lp, "EUA", "80.00", 20)
        quote(db, actors, ah, "EUA", "80.50", 20)
        for hours in range(0, 72, 5):
            take_snapshot(db, "EUA", at=utc("2026-01-01 00:00:00") + timedelta(hours=hours, minutes=hours))
        prune_snapshots(db, now=utc("2026-01-03 12:00:00") + timedelta(days=90))  # cut at 2026-01-03 00:00

        health = market_health(
            db, "EUA", user_id=actors.analyst.id, start=utc("2025-12-01 00:00:00"), end=utc("2026-02-01 00:00:00")
        )

    assert health.snapshots == len(health.points) == 5  # only 2026-01-03 is kept
    assert {p.at.date().isoformat() for p in health.points} == {"2026-01-03"}
