"""The market-maker scorecard: presence over snapshots where a market maker leaves and where the mid moves, the
quoted EUR averaged over every snapshot, orders with all their fills, pass/fail, and its refusals.
Expectations by hand (tests/quality_helpers.leaving_and_moving explains the book)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text

from core.db import migrate
from core.enums import CertificateType
from core.errors import PermissionDenied, ValidationError
from core.liquidity_service import create_liquidity
from core.market_quality import mm_scorecard, take_snapshot
from tests.helpers import cloned_database
from tests.liquidity_helpers import make_holders, make_providers
from tests.quality_helpers import holder, leaving_and_moving, provider, quote, utc

D = Decimal


def scores(db, actors, s, **thresholds):
    rows = mm_scorecard(db, user_id=actors.analyst.id, start=s.start, end=s.end, **thresholds)
    return {r.name: r for r in rows}


def test_presence_counts_the_snapshots_where_the_quote_within_the_band_met_the_minimum(db, actors):
    s = leaving_and_moving(db, actors)

    rows = scores(db, actors, s, max_spread_pct="1", min_quote_eur="1000", required_presence_pct="50")

    alpha, beta = rows["Alpha"], rows["Beta"]
    assert (alpha.snapshots, alpha.presence_pct) == (4, D("50.00"))  # t0, t1; the mid left it behind at t2, t3
    assert (beta.snapshots, beta.presence_pct) == (4, D("25.00"))  # t0; gone at t1, t2; too small at t3
    assert alpha.avg_quoted_eur == D("700.00")  # (1,400 + 1,400 + 0 + 0) / 4
    assert beta.avg_quoted_eur == D("530.00")  # (1,410 + 0 + 0 + 710) / 4, absent counts as 0


def test_presence_depends_on_the_band_when_the_mid_moves(db, actors):
    s = leaving_and_moving(db, actors)

    narrow = scores(db, actors, s, max_spread_pct="0.5", min_quote_eur="1000")
    wide = scores(db, actors, s, max_spread_pct="2.0", min_quote_eur="1000")

    assert narrow["Alpha"].presence_pct == D("25.00")  # at t1 14.00 is 0.10 from 14.10, past 0.0705
    assert wide["Alpha"].presence_pct == D("100.00")  # ±2 % of 14.195 reaches down to 13.9111
    assert (narrow["Beta"].presence_pct, wide["Beta"].presence_pct) == (D("25.00"), D("25.00"))


def test_orders_placed_in_the_period_count_with_all_their_fills(db, actors):
    s = leaving_and_moving(db, actors)

    rows = scores(db, actors, s)

    alpha, beta = rows["Alpha"], rows["Beta"]
    assert (alpha.placed_quantity, alpha.filled_quantity, alpha.fill_ratio) == (100, 20, D("0.2000"))
    assert alpha.traded_value_eur == D("280.00")  # 20 x 14.00
    assert (beta.placed_quantity, beta.filled_quantity, beta.fill_ratio) == (150, 10, D("0.0667"))
    assert beta.traded_value_eur == D("142.00")  # 10 x 14.20; its cancelled first ask traded nothing
    assert {type(r.certificate_type) for r in rows.values()} == {CertificateType}
    assert {(r.certificate_type, r.market_maker_id) for r in rows.values()} == {
        ("CEA", s.alpha.id),
        ("CEA", s.beta.id),
    }


def test_a_market_maker_passes_when_its_presence_reaches_the_requirement(db, actors):
    s = leaving_and_moving(db, actors)

    at_half = scores(db, actors, s, max_spread_pct="1", min_quote_eur="1000", required_presence_pct="50")
    above_half = scores(db, actors, s, max_spread_pct="1", min_quote_eur="1000", required_presence_pct="50.01")

    assert (at_half["Alpha"].passes, at_half["Beta"].passes) == (True, False)
    assert (above_half["Alpha"].passes, above_half["Beta"].passes) == (False, False)


def test_the_defaults_come_from_the_settings(db, actors, monkeypatch):
    from core.config import get_settings

    s = leaving_and_moving(db, actors)
    monkeypatch.setenv("CARBON_SCORECARD_MIN_QUOTE_EUR", "700")
    monkeypatch.setenv("CARBON_SCORECARD_REQUIRED_PRESENCE_PCT", "50")
    get_settings.cache_clear()
    try:
        rows = scores(db, actors, s)
    finally:
        get_settings.cache_clear()

    assert (rows["Beta"].presence_pct, rows["Beta"].passes) == (D("50.00"), True)  # 710 ≥ 700 at t3 now


def test_a_market_maker_with_orders_but_no_snapshot_in_the_period_scores_zero_presence(db, actors):
    lp = provider(db, actors, "Quiet")
    start = utc("2025-01-01 00:00:00")
    quote(db, actors, lp, "EUA", "80.00", 10)

    (row,) = mm_scorecard(db, user_id=actors.admin.id, start=start, end=utc("2099-01-01 00:00:00"))

    assert (row.name, row.certificate_type, row.snapshots, row.presence_pct) == ("Quiet", "EUA", 0, D("0"))
    assert (row.placed_quantity, row.fill_ratio, row.passes) == (10, D("0.0000"), False)


def test_providers_are_judged_on_their_bids_and_holders_on_their_offers(db, actors):
    lp, ah = provider(db, actors, "LP"), holder(db, actors, "AH")
    quote(db, actors, lp, "CEA", "14.00", 1000)
    quote(db, actors, ah, "CEA", "14.10", 1000)
    take_snapshot(db, "CEA", at=utc("2026-01-05 10:00:00"))

    rows = mm_scorecard(
        db, user_id=actors.analyst.id, start=utc("2026-01-05 10:00:00"), end=utc("2026-01-05 10:00:00"),
        certificate_type="CEA", min_quote_eur="10000",
    )  # fmt: skip

    assert [(r.name, r.presence_pct, r.avg_quoted_eur) for r in rows] == [
        ("AH", D("100.00"), D("14100.00")),
        ("LP", D("100.00"), D("14000.00")),
    ]


def test_traders_may_not_read_the_scorecard(db, actors):
    with pytest.raises(PermissionDenied, match="Only admins or analysts may read market quality"):
        mm_scorecard(db, user_id=actors.trader.id, start=utc("2026-01-05 00:00:00"), end=utc("2026-01-06 00:00:00"))


@pytest.mark.parametrize(
    ("thresholds", "fragment"),
    [
        ({"max_spread_pct": "1.5"}, r"one of the bands snapshots record: 0\.5 %, 1 % or 2 % of mid, got 1\.5 %"),
        ({"max_spread_pct": "abc"}, "Max spread must be a number"),
        ({"min_quote_eur": "0"}, "The minimum quote must be greater than zero"),
        ({"min_quote_eur": "10.001"}, "at most 2 decimals"),
        ({"required_presence_pct": "101"}, "percentage from 0 to 100, got 101"),
        ({"certificate_type": "XYZ"}, "Unknown certificate type"),
    ],
)
def test_thresholds_that_make_no_sense_are_refused_clearly(db, actors, thresholds, fragment):
    with pytest.raises(ValidationError, match=fragment):
        mm_scorecard(
            db,
            user_id=actors.analyst.id,
            start=utc("2026-01-05 00:00:00"),
            end=utc("2026-01-06 00:00:00"),
            **thresholds,
        )


def test_orders_read_from_whole_days_of_rollups_match_the_orders_themselves(db, actors):
    s = leaving_and_moving(db, actors)
    midnight = s.start.replace(hour=0, minute=0, second=0, microsecond=0)

    rows = {
        r.name: r
        for r in mm_scorecard(
            db,
            user_id=actors.analyst.id,
            start=midnight - timedelta(days=1),
            end=midnight + timedelta(days=2) - timedelta(microseconds=1),  # three whole days: rollups only
            max_spread_pct="1",
            min_quote_eur="1000",
        )
    }

    alpha, beta = rows["Alpha"], rows["Beta"]
    assert (alpha.snapshots, alpha.presence_pct, alpha.avg_quoted_eur) == (4, D("50.00"), D("700.00"))
    assert (alpha.placed_quantity, alpha.filled_quantity, alpha.traded_value_eur) == (100, 20, D("280.00"))
    assert (beta.placed_quantity, beta.filled_quantity, beta.traded_value_eur) == (150, 10, D("142.00"))


def test_orders_and_fills_from_before_the_upgrade_are_counted(pg_admin_url):
    with cloned_database(pg_admin_url, "template0", prefix="t_backfill") as url:
        engine = create_engine(url)
        migrate(engine, "0007")
        with engine.begin() as conn:  # plain SQL: the code of that revision is gone
            conn.execute(text(BEFORE_UPGRADE))
        migrate(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT grain, placed_quantity, filled_quantity, traded_value_eur FROM market_maker_rollups "
                    "ORDER BY grain DESC"
                )
            ).all()
        engine.dispose()

    # 10 + 20 placed; 5 + 7 filled at 14.00; in the bucket of every grain they were placed in
    grains = [
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=4),
        timedelta(hours=1),
        timedelta(minutes=15),
        timedelta(minutes=5),
    ]
    assert [tuple(r) for r in rows] == [(grain, 30, 12, D("168.00")) for grain in grains]


BEFORE_UPGRADE = """
INSERT INTO users (username, password_hash, role) VALUES ('old_admin', '$argon2id$old', 'ADMIN');
INSERT INTO entities (name) VALUES ('Old firm');
INSERT INTO market_maker_clients (name, mm_type, created_by) VALUES ('Old LP', 'LIQUIDITY_PROVIDER', 1);
INSERT INTO orders (certificate_type, side, order_type, market_maker_id, placed_by, price, quantity, filled_quantity,
                    status, cancel_reason, created_at)
VALUES ('CEA', 'BUY', 'LIMIT', 1, 1, 14.00, 10, 5, 'CANCELLED', 'USER', '2026-01-05 10:00:01+00'),
       ('CEA', 'BUY', 'LIMIT', 1, 1, 14.00, 20, 7, 'CANCELLED', 'USER', '2026-01-05 10:00:02+00');
INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, quantity, filled_quantity, status)
VALUES ('CEA', 'SELL', 'MARKET', 1, 1, 12, 12, 'FILLED');
INSERT INTO trades (certificate_type, price, quantity, buy_order_id, sell_order_id, aggressor_side)
VALUES ('CEA', 14.00, 5, 1, 3, 'SELL'), ('CEA', 14.00, 7, 2, 3, 'SELL');
"""


def test_orders_not_yet_folded_by_a_snapshot_count_once_before_and_after_the_fold(db, actors):
    s = leaving_and_moving(db, actors)  # its last fills came after its last snapshot: still events
    midnight = s.start.replace(hour=0, minute=0, second=0, microsecond=0)
    whole_days = {"start": midnight - timedelta(days=1), "end": midnight + timedelta(days=2)}
    pending = db.execute(text("SELECT count(*) FROM market_maker_order_events")).scalar_one()
    db.rollback()

    before = {r.name: r for r in mm_scorecard(db, user_id=actors.analyst.id, **whole_days)}
    take_snapshot(db, "CEA")  # folds them
    after = {r.name: r for r in mm_scorecard(db, user_id=actors.analyst.id, **whole_days)}

    assert pending == 2  # Alpha's fill and Beta's
    assert db.execute(text("SELECT count(*) FROM market_maker_order_events")).scalar_one() == 0
    for name in ("Alpha", "Beta"):
        got = [(r.placed_quantity, r.filled_quantity, r.traded_value_eur) for r in (before[name], after[name])]
        assert got[0] == got[1]
    assert (after["Alpha"].filled_quantity, after["Beta"].filled_quantity) == (20, 10)


def test_a_liquidity_operation_notes_one_order_event_per_market_maker_holding_all_its_levels(db, actors):
    providers = make_providers(db, actors.admin, 2)
    holders = make_holders(db, actors.admin, 2)

    op = create_liquidity(db, "CEA", "2000", "2000", actors.admin.id)

    events = db.execute(
        text(
            "SELECT market_maker_id, placed_quantity FROM market_maker_order_events "
            "WHERE placed_quantity > 0 ORDER BY market_maker_id"
        )
    ).all()
    placed = db.execute(
        text(
            "SELECT market_maker_id, sum(quantity) FROM orders WHERE liquidity_operation_id = :op "
            "GROUP BY market_maker_id ORDER BY market_maker_id"
        ),
        {"op": op.id},
    ).all()
    levels = db.execute(text("SELECT count(*) FROM orders WHERE liquidity_operation_id = :op"), {"op": op.id})
    assert levels.scalar_one() > 4  # several levels each, yet one event per market maker
    assert [tuple(e) for e in events] == [tuple(p) for p in placed]
    assert [e.market_maker_id for e in events] == sorted(m.id for m in [*providers, *holders])
