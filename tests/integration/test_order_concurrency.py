"""Eight clients placing crossing orders at once, on both books, with cancels: no deadlock, nothing lost.

Every client has its own session. The only refusals allowed are the business ones (not enough funds,
an empty side for a market order); a deadlock or serialization failure would surface as Conflict.
"""

import random
import threading
from decimal import Decimal

from core.entities import create_entity, fund_entity
from core.errors import Conflict, CoreError, InsufficientFunds, ValidationError
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
