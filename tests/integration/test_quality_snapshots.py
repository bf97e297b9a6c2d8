"""Book snapshots (core.market_quality.take_snapshot): the spread, every band's depth with its bounds inclusive,
each market maker's quotes, one-sided and empty books, and what a snapshot refuses. Expectations by hand."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from core.errors import Conflict, ValidationError
from core.market_quality import market_health, prune_snapshots, snapshot_all_books, take_snapshot
from tests.helpers import snapshot as table_snapshot
from tests.quality_helpers import holder, provider, quote, trader_order, utc

D = Decimal


@pytest.fixture
def banded_book(db, actors):
    """EUA around a mid of 100.000 (bid 99.90, ask 100.10), with orders on and just past each band's bound:
    ±0.5 % is [99.50, 100.50], ±1 % is [99.00, 101.00], ±2 % is [98.00, 102.00]."""
    lp1, lp2 = provider(db, actors, "LP One"), provider(db, actors, "LP Two")
    ah1, ah2 = holder(db, actors, "AH One"), holder(db, actors, "AH Two")
    quote(db, actors, lp1, "EUA", "99.90", 10)  # 999.00
    quote(db, actors, lp2, "EUA", "99.50", 20)  # 1,990.00 on the 0.5 % bound
    quote(db, actors, lp1, "EUA", "99.00", 5)  # 495.00 on the 1 % bound
    trader_order(db, actors, "EUA", "BUY", "98.00", 3)  # 294.00 on the 2 % bound
    quote(db, actors, lp2, "EUA", "97.99", 4)  # 391.96 just past 2 %
    quote(db, actors, ah1, "EUA", "100.10", 10)  # 1,001.00
    quote(db, actors, ah2, "EUA", "100.50", 2)  # 201.00 on the 0.5 % bound
    quote(db, actors, ah1, "EUA", "100.51", 3)  # 301.53 just past 0.5 %
    quote(db, actors, ah2, "EUA", "101.00", 1)  # 101.00 on the 1 % bound
    quote(db, actors, ah1, "EUA", "102.00", 1)  # 102.00 on the 2 % bound
    quote(db, actors, ah2, "EUA", "102.01", 1)  # 102.01 just past 2 %
    return {"lp1": lp1, "lp2": lp2, "ah1": ah1, "ah2": ah2}


def test_a_snapshot_records_the_top_the_spread_and_each_band_with_its_bounds_included(db, banded_book):
    snap = take_snapshot(db, "EUA")

    assert (snap.best_bid, snap.best_ask, snap.mid) == (D("99.90"), D("100.10"), D("100.000"))
    assert snap.spread_bps == D("20.0")  # 0.20 / 100 x 10,000, kept to a tenth of a basis point
    assert (snap.bid_depth_0_5pct_eur, snap.bid_depth_1pct_eur, snap.bid_depth_2pct_eur) == (
        D("2989.00"),  # 999 + 1,990
        D("3484.00"),  # + 495
        D("3778.00"),  # + the trader's 294; 391.96 at 97.99 is outside
    )
    assert (snap.ask_depth_0_5pct_eur, snap.ask_depth_1pct_eur, snap.ask_depth_2pct_eur) == (
        D("1202.00"),  # 1,001 + 201
        D("1604.53"),  # + 301.53 + 101
        D("1706.53"),  # + 102; 102.01 is outside
    )


def test_a_snapshot_records_every_market_maker_with_its_side_best_price_and_bands(db, banded_book):
    snap = take_snapshot(db, "EUA")

    quotes = {q.market_maker_id: q for q in snap.market_makers}
    assert set(quotes) == {mm.id for mm in banded_book.values()}  # the trader is not a market maker
    expected = {
        "lp1": ("BUY", "99.90", "999.00", "1494.00", "1494.00"),
        "lp2": ("BUY", "99.50", "1990.00", "1990.00", "1990.00"),
        "ah1": ("SELL", "100.10", "1001.00", "1302.53", "1404.53"),
        "ah2": ("SELL", "100.50", "201.00", "302.00", "302.00"),
    }
    for key, (side, best, v05, v1, v2) in expected.items():
        q = quotes[banded_book[key].id]
        assert (q.side, q.best_price) == (side, D(best)), key
        assert (q.value_0_5pct_eur, q.value_1pct_eur, q.value_2pct_eur) == (D(v05), D(v1), D(v2)), key


def test_a_mid_between_two_cents_is_exact_and_bounds_are_measured_from_it(db, actors):
    lp, ah = provider(db, actors, "LP"), holder(db, actors, "AH")
    quote(db, actors, lp, "CEA", "13.99", 100)
    quote(db, actors, ah, "CEA", "14.00", 100)
    quote(db, actors, ah, "CEA", "14.07", 10)  # 14.07 - 13.995 = 0.075 > 0.5 % of 13.995 (0.069975)

    snap = take_snapshot(db, "CEA")

    assert snap.mid == D("13.995")
    assert snap.spread_bps == D("7.1")  # 0.01 / 13.995 x 10,000 = 7.145…
    assert snap.ask_depth_0_5pct_eur == D("1400.00")
    assert snap.ask_depth_1pct_eur == D("1540.70")  # + 140.70: 0.075 ≤ 0.13995


def test_a_one_sided_book_is_recorded_without_mid_spread_or_bands(db, actors):
    lp = provider(db, actors, "LP")
    quote(db, actors, lp, "CEA", "14.00", 100)

    snap = take_snapshot(db, "CEA")

    assert (snap.best_bid, snap.best_ask, snap.mid, snap.spread_bps) == (D("14.00"), None, None, None)
    assert snap.bid_depth_0_5pct_eur is snap.ask_depth_2pct_eur is None
    (only,) = snap.market_makers
    assert (only.market_maker_id, only.side, only.best_price) == (lp.id, "BUY", D("14.00"))
    assert (only.value_0_5pct_eur, only.value_1pct_eur, only.value_2pct_eur) == (None, None, None)


def test_an_empty_book_is_recorded_too(db):
    snap = take_snapshot(db, "EUA")

    assert (snap.best_bid, snap.best_ask, snap.mid, snap.spread_bps, snap.bid_depth_1pct_eur) == (None,) * 5
    assert snap.market_makers == []
    assert db.execute(text("SELECT count(*) FROM book_snapshots")).scalar_one() == 1


def test_a_past_moment_only_back_dates_the_record(db, actors):
    lp = provider(db, actors, "LP")
    quote(db, actors, lp, "CEA", "14.00", 100)
    at = utc("2026-01-05 09:30:00")

    snap = take_snapshot(db, "CEA", at=at)

    assert snap.at == at
    assert snap.best_bid == D("14.00")  # the book as it is now
    stored = db.execute(text("SELECT taken_at FROM market_maker_snapshots")).scalars().all()
    assert stored == [at]


def test_every_book_is_snapshotted_at_once(db):
    at = utc("2026-01-05 09:30:00")

    snaps = snapshot_all_books(db, at=at)

    assert sorted(s.certificate_type for s in snaps) == ["CEA", "EUA"]
    assert {s.at for s in snaps} == {at}


@pytest.mark.parametrize(
    ("at", "error", "fragment"),
    [
        (datetime.now(UTC) + timedelta(hours=1), ValidationError, "now or earlier"),
        (datetime(2026, 1, 5, 9, 30), ValidationError, "needs a time zone"),
        ("2026-01-05", ValidationError, "must be a date and time"),
    ],
)
def test_a_snapshot_refuses_a_future_or_ambiguous_moment_and_records_nothing(db, at, error, fragment):
    before = table_snapshot(db)

    with pytest.raises(error, match=fragment):
        take_snapshot(db, "CEA", at=at)

    assert table_snapshot(db) == before


def test_a_second_snapshot_of_a_book_at_the_same_moment_is_refused(db):
    at = utc("2026-01-05 09:30:00")
    take_snapshot(db, "CEA", at=at)
    before = table_snapshot(db)

    with pytest.raises(Conflict, match="already exists"):
        take_snapshot(db, "CEA", at=at)

    assert table_snapshot(db) == before


def test_pruning_forgets_whole_days_older_than_the_retention_and_rebuilds_the_week_it_cuts(db, actors, monkeypatch):
    monkeypatch.setenv("CARBON_SNAPSHOT_RETENTION_DAYS", "7")
    from core.config import get_settings

    get_settings.cache_clear()
    lp = provider(db, actors, "LP")
    quote(db, actors, lp, "CEA", "14.00", 100)
    for at in ("2026-01-02 23:59:50", "2026-01-03 00:00:00", "2026-01-06 12:00:00", "2026-01-09 08:00:00"):
        take_snapshot(db, "CEA", at=utc(at))

    try:
        # seven days before Saturday 2026-01-10 06:00 is Saturday 2026-01-03 06:00: the days before its midnight
        # go, inside the week of Monday 2025-12-29
        deleted = prune_snapshots(db, now=utc("2026-01-10 06:00:00"))
    finally:
        get_settings.cache_clear()

    assert deleted == 1
    kept = db.execute(text("SELECT taken_at FROM book_snapshots ORDER BY 1")).scalars().all()
    assert kept == [utc("2026-01-03 00:00:00"), utc("2026-01-06 12:00:00"), utc("2026-01-09 08:00:00")]
    assert db.execute(text("SELECT count(*) FROM market_maker_snapshots")).scalar_one() == 3
    weeks = db.execute(
        text(
            "SELECT b.bucket_start, b.snapshots, m.snapshots FROM book_snapshot_rollups b "
            "JOIN market_maker_rollups m USING (certificate_type, grain, bucket_start) "
            "WHERE b.grain = '7 days' ORDER BY 1"
        )
    ).all()
    assert [tuple(w) for w in weeks] == [(utc("2025-12-29 00:00:00"), 1, 1), (utc("2026-01-05 00:00:00"), 2, 2)]
    oldest = db.execute(
        text(
            "SELECT min(bucket_start) FROM (SELECT bucket_start FROM book_snapshot_rollups WHERE grain < '7 days' "
            "UNION ALL SELECT bucket_start FROM book_spread_rollups WHERE grain < '7 days' "
            "UNION ALL SELECT bucket_start FROM market_maker_rollups WHERE grain < '7 days' AND snapshots > 0) b"
        )
    ).scalar_one()
    assert oldest == utc("2026-01-03 00:00:00")
    db.rollback()  # end the checks' transaction: a health read starts its own, repeatable-read one
    health = market_health(
        db, "CEA", user_id=actors.analyst.id, start=utc("2025-12-01 00:00:00"), end=utc("2026-02-01 00:00:00")
    )
    assert health.snapshots == len(health.points) == 3


def test_a_retention_shorter_than_a_week_is_refused_at_start_up(monkeypatch):
    from pydantic import ValidationError as SettingsError

    from core.config import Settings

    monkeypatch.setenv("CARBON_SNAPSHOT_RETENTION_DAYS", "3")

    with pytest.raises(SettingsError, match="snapshot_retention_days"):
        Settings()
