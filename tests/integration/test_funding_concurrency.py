"""Eight threads funding the same market maker at once: exact final balance, clean ledger."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from core.ledger import verify_ledger
from core.market_makers import create_market_maker, fund_market_maker, get_market_maker, get_market_maker_ledger

THREADS = 8
DEPOSITS_PER_THREAD = 25


def test_concurrent_deposits_on_one_market_maker_all_land_exactly(db, actors, session_factory):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=Decimal("0.01"))

    def deposit_many(thread: int) -> None:
        with session_factory() as session:
            for i in range(DEPOSITS_PER_THREAD):
                fund_market_maker(session, mm.id, "EUR", Decimal(f"{thread + 1}.{i:02d}"), actors.admin.id)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(deposit_many, range(THREADS)))

    expected = Decimal("0.01") + sum(
        Decimal(f"{t + 1}.{i:02d}") for t in range(THREADS) for i in range(DEPOSITS_PER_THREAD)
    )
    after = get_market_maker(db, mm.id, user_id=actors.admin.id)
    assert after.eur_available == expected
    assert after.eur_balance == expected
    assert len(get_market_maker_ledger(db, mm.id, user_id=actors.admin.id)) == 1 + THREADS * DEPOSITS_PER_THREAD
    assert verify_ledger(db) == []
