"""Arrangements shared by the market-quality tests: market makers and a trader resting orders at chosen prices."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.entities import fund_entity
from core.market_makers import create_market_maker
from core.market_quality import take_snapshot
from core.models import MarketMaker
from core.orders import Order, cancel_order, place_order
from tests.helpers import Actors


def provider(db: Session, actors: Actors, name: str) -> MarketMaker:
    """A liquidity provider (bids) with ample EUR."""
    return create_market_maker(db, name, "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="10000000.00")


def holder(db: Session, actors: Actors, name: str) -> MarketMaker:
    """An asset holder (offers) with ample CEA and EUA."""
    return create_market_maker(
        db, name, "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 1_000_000, "EUA": 1_000_000}
    )


def quote(db: Session, actors: Actors, mm: MarketMaker, cert: str, price: str, quantity: int) -> Order:
    """A resting limit order of a market maker on its own side, placed by the admin."""
    side = "BUY" if mm.mm_type == "LIQUIDITY_PROVIDER" else "SELL"
    return place_order(db, actors.admin.id, cert, side, "LIMIT", quantity, price, market_maker_id=mm.id)


def trader_order(db: Session, actors: Actors, cert: str, side: str, price: str, quantity: int) -> Order:
    """A trader limit order (its firm is funded for it first); it trades at once if it meets the book."""
    if side == "BUY":
        fund_entity(db, actors.entity.id, "EUR", Decimal(price) * quantity, actors.admin.id)
    else:
        fund_entity(db, actors.entity.id, cert, quantity, actors.admin.id)
    return place_order(db, actors.trader.id, cert, side, "LIMIT", quantity, price)


def utc(text: str) -> datetime:
    """``utc("2026-01-05 10:00:00")``: a UTC moment."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    """The CEA book of ``leaving_and_moving``: four snapshots within [start, end], then fills."""

    alpha: MarketMaker
    beta: MarketMaker
    start: datetime
    end: datetime


def leaving_and_moving(db: Session, actors: Actors) -> Scenario:
    """Four CEA snapshots where a market maker leaves and comes back smaller, and the mid moves away from the
    other one; then each of them trades. By hand (±1 % band, €1,000 minimum quote):

    ====  =============  =========  ===========================  ==============  =============
    snap  bid / ask      mid        ±1 % band                    Alpha (LP) ±1%  Beta (AH) ±1%
    ====  =============  =========  ===========================  ==============  =============
    t0    14.00 / 14.10  14.050     [13.9095, 14.1905]           1,400 ✓         1,410 ✓
    t1    14.00 / 14.20  14.100     [13.959, 14.241]             1,400 ✓         — (left)
    t2    14.19 / 14.20  14.195     [14.05305, 14.33695]         0 (out)         —
    t3    14.19 / 14.20  14.195     same                         0 (out)         710 ✗
    ====  =============  =========  ===========================  ==============  =============

    The trader rests an ask of 1 at 14.20 from the start and a bid of 1 at 14.19 before t2. After t3 the trader
    sells 20 into Alpha's bid at 14.00 (€280) and buys 10 of Beta's ask at 14.20 (€142); its own orders in the
    way are cancelled by self-trade prevention.
    """
    start = datetime.now(UTC)
    alpha, beta = provider(db, actors, "Alpha"), holder(db, actors, "Beta")
    quote(db, actors, alpha, "CEA", "14.00", 100)
    first_ask = quote(db, actors, beta, "CEA", "14.10", 100)
    trader_order(db, actors, "CEA", "SELL", "14.20", 1)
    take_snapshot(db, "CEA")  # t0
    cancel_order(db, first_ask.id, actors.admin.id)
    take_snapshot(db, "CEA")  # t1
    trader_order(db, actors, "CEA", "BUY", "14.19", 1)
    take_snapshot(db, "CEA")  # t2
    quote(db, actors, beta, "CEA", "14.20", 50)
    take_snapshot(db, "CEA")  # t3
    trader_order(db, actors, "CEA", "SELL", "14.00", 20)
    trader_order(db, actors, "CEA", "BUY", "14.20", 10)
    return Scenario(alpha=alpha, beta=beta, start=start, end=datetime.now(UTC))


def a_day_of_quotes(db: Session, actors: Actors, names: tuple[str, ...] = ("Nordic LP", "Baltic LP")) -> None:
    """The last 24 hours of both books, snapshotted every 15 minutes while market makers requote: two providers
    (named ``names``) and two holders keep quotes around a drifting price; the second provider goes quiet at night
    and the asks of CEA vanish for an hour (one-sided snapshots)."""
    lps = [provider(db, actors, name) for name in names]
    ahs = [holder(db, actors, name) for name in ("Alpine AH", "Danube AH")]
    books = {"EUA": Decimal("81.00"), "CEA": Decimal("14.00")}
    resting: dict[tuple[str, int], Order] = {}
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    for step in range(96):
        at = end - timedelta(minutes=15 * (96 - step))
        for cert, base in books.items():
            tick = base / 1000
            mid = base + tick * ((step * 7) % 5 - 2)  # drifts 2 ticks at most: resting quotes never cross
            for i, mm in enumerate([*lps, *ahs]):
                key = (cert, mm.id)
                if key in resting and (step + i) % 3 == 0:
                    cancel_order(db, resting.pop(key).id, actors.admin.id)
                quiet = mm is lps[-1] and at.hour < 6
                gone = cert == "CEA" and mm in ahs and 12 <= at.hour < 13
                if key not in resting and not quiet and not gone:
                    away = (3 + i % 2 + step % 3) * tick * (-1 if mm in lps else 1)
                    size = 150 + 40 * ((step + 3 * i) % 7)
                    resting[key] = quote(db, actors, mm, cert, f"{(mid + away).quantize(Decimal('0.01'))}", size)
                elif key in resting and (quiet or gone):
                    cancel_order(db, resting.pop(key).id, actors.admin.id)
            take_snapshot(db, cert, at=at)
