"""Two admins creating liquidity at the same moment on the same market makers: no deadlock, no double
spending, every balance and its ledger exact."""

import threading
from decimal import Decimal

from core.errors import CoreError, InsufficientAssetsError
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import create_liquidity
from core.market_makers import get_market_maker
from core.users import create_user
from tests.helpers import PASSWORD
from tests.liquidity_helpers import count_rows, make_holders, make_providers


def _race(session_factory, admin_ids: list[int], bid: str, ask: str) -> list[object]:
    """Run create_liquidity for each admin in its own thread and session, released together."""
    barrier = threading.Barrier(len(admin_ids))
    results: list[object] = [None] * len(admin_ids)

    def run(i: int, admin_id: int) -> None:
        with session_factory() as db:
            barrier.wait()
            try:
                results[i] = create_liquidity(db, "CEA", bid, ask, admin_id)
            except CoreError as exc:
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(admin_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_admins_at_once_on_market_makers_that_can_serve_both_both_succeed(db, actors, session_factory):
    second = create_user(db, "admin2", PASSWORD, "ADMIN")
    lps = make_providers(db, actors.admin, 3, eur="10000.00")
    make_holders(db, actors.admin, 3, certificates=2000)

    results = _race(session_factory, [actors.admin.id, second.id], "12000", "12000")

    assert all(not isinstance(r, Exception) for r in results), results
    assert count_rows(db, "liquidity_operations") == 2
    locked = sum(get_market_maker(db, m.id, user_id=actors.admin.id).eur_locked for m in lps)
    assert locked == sum(r.actual_bid_liquidity_eur for r in results)
    assert verify_ledger(db) == [] and check_invariants(db) == []


def test_two_admins_at_once_on_market_makers_that_can_serve_one_one_succeeds_and_one_is_told_why(
    db, actors, session_factory
):
    second = create_user(db, "admin2", PASSWORD, "ADMIN")
    lps = make_providers(db, actors.admin, 2, eur="6000.00")

    results = _race(session_factory, [actors.admin.id, second.id], "10000", "0")

    succeeded = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(succeeded) == 1 and len(refused) == 1
    assert isinstance(refused[0], InsufficientAssetsError) and refused[0].asset_type == "EUR"
    for mm in lps:
        current = get_market_maker(db, mm.id, user_id=actors.admin.id)
        assert current.eur_available >= 0 and current.eur_available + current.eur_locked == Decimal("6000.00")
    assert count_rows(db, "orders") == len(succeeded[0].orders_created)
    assert verify_ledger(db) == [] and check_invariants(db) == []


def test_one_key_sent_twice_at_once_places_one_operation(db, actors, session_factory):
    make_providers(db, actors.admin, 2)
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        with session_factory() as session:
            barrier.wait()
            results[i] = create_liquidity(session, "CEA", "5000", "0", actors.admin.id, idempotency_key="twice")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert results[0] == results[1]
    assert count_rows(db, "liquidity_operations") == 1
