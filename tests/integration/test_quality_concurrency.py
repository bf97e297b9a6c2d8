"""Snapshots, trading and pruning at the same time: the market makers' rollups are written both by snapshots and by
the triggers of orders and trades, so they take the book lock in turn. Nothing deadlocks or is refused, and the
rollups still say exactly what the snapshots, orders and trades say."""

import threading
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import text

from core.entities import fund_entity
from core.errors import CoreError
from core.market_quality import market_health, mm_scorecard, prune_snapshots, take_snapshot
from core.orders import cancel_order, place_order
from tests.quality_helpers import holder, provider, quote, utc

ROUNDS = 25


def test_snapshots_trading_and_pruning_at_once_neither_deadlock_nor_miscount(db, actors, session_factory):
    lps = [provider(db, actors, f"LP {i}") for i in range(3)]
    ahs = [holder(db, actors, f"AH {i}") for i in range(3)]
    fund_entity(db, actors.entity.id, "EUR", "1000000.00", actors.admin.id)
    fund_entity(db, actors.entity.id, "EUA", 100_000, actors.admin.id)
    start = datetime.now(UTC)
    errors: list[str] = []

    def trade() -> None:  # market makers requote on both sides while the trader hits them
        with session_factory() as s:
            for i in range(ROUNDS):
                try:
                    bids = [quote(s, actors, lp, "EUA", f"{80 - i % 3 * 0.01:.2f}", 20 + i) for lp in lps]
                    asks = [quote(s, actors, ah, "EUA", f"{81 + i % 3 * 0.01:.2f}", 20 + i) for ah in ahs]
                    place_order(s, actors.trader.id, "EUA", "SELL", "MARKET", 30)
                    place_order(s, actors.trader.id, "EUA", "BUY", "MARKET", 30)
                    for order in (bids[0], asks[0]):  # withdraw one quote a side when something rests of it
                        status = s.execute(text("SELECT status FROM orders WHERE id = :i"), {"i": order.id}).scalar()
                        s.rollback()
                        if status in ("OPEN", "PARTIALLY_FILLED"):
                            cancel_order(s, order.id, actors.admin.id)
                except CoreError as exc:
                    errors.append(f"trading: {exc.message}")

    def snapshot() -> None:
        with session_factory() as s:
            for _ in range(ROUNDS * 2):
                try:
                    take_snapshot(s, "EUA")
                except CoreError as exc:
                    errors.append(f"snapshot: {exc.message}")

    def prune() -> None:  # takes every book lock; its cut is long past, so it deletes nothing of this test
        with session_factory() as s:
            for _ in range(ROUNDS):
                try:
                    prune_snapshots(s, now=utc("2026-01-10 06:00:00"))
                except CoreError as exc:
                    errors.append(f"prune: {exc.message}")

    workers = [threading.Thread(target=fn) for fn in (trade, snapshot, prune)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    end = datetime.now(UTC)

    assert errors == []
    points = market_health(db, "EUA", user_id=actors.analyst.id, start=start, end=end).points
    scores = {
        s.market_maker_id: s
        for s in mm_scorecard(db, user_id=actors.analyst.id, start=start, end=end, min_quote_eur="1000")
    }
    orders = db.execute(
        text(
            "SELECT o.market_maker_id, sum(o.quantity), sum(o.filled_quantity), "
            "coalesce(sum((SELECT sum(t.price * t.quantity) FROM trades t WHERE o.id IN (t.buy_order_id, "
            "t.sell_order_id))), 0) FROM orders o WHERE o.market_maker_id IS NOT NULL GROUP BY 1"
        )
    ).all()
    db.rollback()
    assert len(points) == ROUNDS * 2
    for mm_id, placed, filled, traded in orders:
        assert (scores[mm_id].placed_quantity, scores[mm_id].filled_quantity) == (placed, filled)
        assert scores[mm_id].traded_value_eur == Decimal(traded)
        quoted = [q.value_1pct_eur or Decimal(0) for p in points for q in p.market_makers if q.market_maker_id == mm_id]
        present = sum(v >= 1000 for v in quoted)
        assert scores[mm_id].presence_pct == (Decimal(100) * present / len(points)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def _hold_rollups(conn, market_maker_id: int) -> None:
    """What a fill's trigger does inside place_order: lock that market maker's rollup rows of the current buckets."""
    conn.execute(
        text(
            "UPDATE market_maker_rollups SET filled_quantity = filled_quantity "
            "WHERE certificate_type = 'EUA' AND market_maker_id = :m AND bucket_start = snapshot_bucket(grain, now())"
        ),
        {"m": market_maker_id},
    )


@pytest.mark.parametrize("first", [0, 1], ids=["older maker filled first", "newer maker filled first"])
def test_a_snapshot_waits_for_the_book_instead_of_deadlocking_with_a_trade_filling_two_makers(
    db, actors, engine, session_factory, first
):
    makers = [provider(db, actors, "LP one"), provider(db, actors, "LP two")]
    for mm in makers:
        quote(db, actors, mm, "EUA", "80.00", 10)
    then, before = makers[first], makers[1 - first]
    take_snapshot(db, "EUA")  # both have rollup rows in the current buckets
    outcome: list[object] = []

    def snapshot() -> None:
        with session_factory() as s:
            try:
                outcome.append(take_snapshot(s, "EUA"))
            except CoreError as exc:
                outcome.append(exc)

    with engine.connect() as trade:
        with trade.begin():
            trade.execute(text("SELECT 1 FROM markets WHERE certificate_type = 'EUA' FOR UPDATE"))  # as place_order
            _hold_rollups(trade, then.id)  # a market sell fills one maker's order first ...
            waiting = threading.Thread(target=snapshot)
            waiting.start()
            waiting.join(timeout=1.5)
            assert waiting.is_alive()  # the snapshot waits for the book
            _hold_rollups(trade, before.id)  # ... then the other's: the snapshot holds none of its rows
        waiting.join(timeout=30)

    assert len(outcome) == 1 and not isinstance(outcome[0], CoreError), outcome
