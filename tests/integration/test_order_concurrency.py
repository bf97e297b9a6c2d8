"""Eight clients placing crossing orders at once, on both books, with cancels: no deadlock, nothing lost; and
eight clients crossing on one book, its matcher batching their orders: every order accounted for, the book never
crossed.

Every client has its own session. The only refusals allowed are the business ones (not enough funds,
an empty side for a market order); a deadlock or serialization failure would surface as Conflict.
(The exact interleavings behind these guarantees are specified step by step in test_order_isolation.py.)
"""

import random
import threading
from decimal import Decimal

from sqlalchemy import text

from core.entities import create_entity, fund_entity
from core.errors import Conflict, CoreError, InsufficientFunds, ValidationError
from core.invariants import check_invariants
from core.market import get_recent_trades
from core.orders import cancel_order, get_my_orders, place_order
from core.users import create_user
from tests.helpers import PASSWORD
from tests.trading import assert_consistent, make_desk, totals

CLIENTS = 8
ORDERS_PER_CLIENT = 60


def _client(session_factory, user_id, market_maker_id, sides, seed, outcomes, errors):
    rng = random.Random(seed)
    with session_factory() as db:
        for _ in range(ORDERS_PER_CLIENT):
            cert = rng.choice(("EUA", "CEA"))
            mid = Decimal("81.00") if cert == "EUA" else Decimal("14.00")
            side = rng.choice(sides)
            try:
                if rng.random() < 0.1:
                    open_orders = get_my_orders(db, user_id, status=["OPEN", "PARTIALLY_FILLED"])
                    mine = [o for o in open_orders if o.market_maker_id == market_maker_id]
                    if mine:
                        cancel_order(db, rng.choice(mine).id, user_id)
                        outcomes.append("cancel")
                        continue
                if rng.random() < 0.15:
                    place_order(db, user_id, cert, side, "MARKET", rng.randint(1, 8), market_maker_id=market_maker_id)
                else:
                    price = mid + Decimal(rng.randint(-5, 5)) / 100
                    place_order(
                        db, user_id, cert, side, "LIMIT", rng.randint(1, 8), price, market_maker_id=market_maker_id
                    )
                outcomes.append("placed")
            except (InsufficientFunds, ValidationError):
                outcomes.append("refused")
            except Conflict as exc:  # deadlock, serialization failure, or "already filled" on a racing cancel
                if "already" in exc.message:
                    outcomes.append("late cancel")
                else:
                    errors.append(exc)
            except (CoreError, Exception) as exc:  # anything else is a bug
                errors.append(exc)


def test_eight_clients_crossing_on_both_books_never_deadlock_and_conserve_every_asset(db, actors, session_factory):
    desk = make_desk(db, actors, eur="500000.00", certificates=5000)
    traders = []
    for i in range(CLIENTS - 2):
        firm = create_entity(db, f"Firm {i}", actors.admin.id)
        for asset, amount in (("EUR", "50000.00"), ("EUA", 300), ("CEA", 300)):
            fund_entity(db, firm.id, asset, amount, actors.admin.id)
        traders.append(create_user(db, f"trader{i}", PASSWORD, "TRADER", entity_id=firm.id))
    clients = [(t.id, None, ("BUY", "SELL")) for t in traders]
    clients += [(actors.admin.id, desk.lp.id, ("BUY",)), (actors.admin.id, desk.ah.id, ("SELL",))]
    before = totals(db)
    outcomes: list[str] = []
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_client, args=(session_factory, uid, mm, sides, seed, outcomes, errors))
        for seed, (uid, mm, sides) in enumerate(clients)
    ]

    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(outcomes) == CLIENTS * ORDERS_PER_CLIENT
    assert outcomes.count("placed") > CLIENTS * ORDERS_PER_CLIENT // 2
    assert len(get_recent_trades(db, "EUA", limit=1000)) + len(get_recent_trades(db, "CEA", limit=1000)) > 50
    assert totals(db) == before
    assert_consistent(db)


BOOK_CLIENTS = 8
BOOK_ORDERS_PER_CLIENT = 40


def _book_client(session_factory, user_id, seed, placed, refused, errors, done):
    """Crossing orders on one book: each client buys and sells around €80.00, so most orders meet another's."""
    rng = random.Random(seed)
    with session_factory() as db:
        for i in range(BOOK_ORDERS_PER_CLIENT):
            side = "BUY" if (i + seed) % 2 else "SELL"
            price = Decimal("80.00") + Decimal(rng.randint(-3, 3)) / 100
            try:
                placed.append(place_order(db, user_id, "EUA", side, "LIMIT", rng.randint(1, 5), price))
            except (InsufficientFunds, ValidationError) as exc:
                refused.append(exc)
            except Exception as exc:  # a deadlock, a lost order, a raw error: a bug
                errors.append(exc)
    done.append(user_id)


def _watch_the_book(session_factory, running, crossed):
    """Read the book's top from the open orders themselves (one snapshot each time) while the clients trade."""
    with session_factory() as db:
        while running():
            top = db.execute(
                text(
                    "SELECT max(price) FILTER (WHERE side = 'BUY'), min(price) FILTER (WHERE side = 'SELL') "
                    "FROM orders WHERE certificate_type = 'EUA' AND status IN ('OPEN', 'PARTIALLY_FILLED')"
                )
            ).one()
            db.rollback()
            if top[0] is not None and top[1] is not None and top[0] >= top[1]:
                crossed.append(tuple(top))


def test_eight_clients_crossing_on_one_book_have_every_order_accounted_for_and_never_cross_it(
    db, actors, session_factory
):
    clients = []
    for i in range(BOOK_CLIENTS):
        firm = create_entity(db, f"Book firm {i}", actors.admin.id)
        fund_entity(db, firm.id, "EUR", "20000.00", actors.admin.id)
        fund_entity(db, firm.id, "EUA", 250, actors.admin.id)
        clients.append(create_user(db, f"book-trader{i}", PASSWORD, "TRADER", entity_id=firm.id).id)
    before = totals(db)
    placed, refused, errors, done, crossed = [], [], [], [], []
    watcher = threading.Thread(
        target=_watch_the_book, args=(session_factory, lambda: len(done) < BOOK_CLIENTS, crossed)
    )
    threads = [
        threading.Thread(target=_book_client, args=(session_factory, uid, seed, placed, refused, errors, done))
        for seed, uid in enumerate(clients)
    ]

    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    watcher.join()

    assert errors == [] and crossed == []
    assert len(placed) + len(refused) == BOOK_CLIENTS * BOOK_ORDERS_PER_CLIENT
    in_book = db.execute(
        text("SELECT id, placed_by FROM orders WHERE placed_by = ANY (:users)"), {"users": clients}
    ).all()
    inbox = db.execute(
        text(
            "SELECT count(*) FILTER (WHERE processed_at IS NULL), count(*) FILTER (WHERE refusal_code IS NOT NULL), "
            "array_agg(order_id) FILTER (WHERE order_id IS NOT NULL) FROM order_requests"
        )
    ).one()
    db.rollback()
    assert sorted((o.id, o.placed_by) for o in placed) == sorted(tuple(row) for row in in_book)  # no order unheard of
    assert inbox[0] == 0  # nothing left waiting
    assert set(inbox[2] or []) <= {o.id for o in placed} and inbox[1] == len(refused)
    assert sum(len(o.fills) for o in placed) > BOOK_CLIENTS  # they did trade with each other
    assert totals(db) == before
    assert check_invariants(db) == []
    assert_consistent(db)
