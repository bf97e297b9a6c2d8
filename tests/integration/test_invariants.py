"""check_invariants(): silent on healthy books, and each invariant speaks up when its rule is broken.

The test database is ours, so each "can fail" test tampers with it directly as the superuser (dropping a
CHECK where the schema would otherwise refuse the damage) and asserts the matching violation appears.
"""

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.entities import fund_entity
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import create_liquidity, provision_market_makers, withdraw_liquidity
from core.market_makers import create_market_maker, deactivate_market_maker, fund_market_maker
from core.orders import cancel_order, place_order
from tests.helpers import Actors


def tamper(db: Session, *statements: str) -> None:
    for statement in statements:
        db.execute(text(statement))
    db.commit()


def broken(db: Session) -> set[str]:
    return {v.invariant for v in check_invariants(db)}


@pytest.fixture
def funded(db: Session, actors: Actors) -> dict[str, int]:
    """A liquidity provider, an asset holder and the trader's firm, each funded."""
    lp = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=Decimal("1000"))
    ah = create_market_maker(db, "AH", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 100, "EUA": 50})
    fund_entity(db, actors.entity.id, "EUR", Decimal("500.25"), actors.admin.id)
    return {"lp": lp.id, "ah": ah.id, "entity": actors.entity.id, "trader": actors.trader.id}


def test_healthy_books_report_no_violation(db, actors, funded):
    fund_market_maker(db, funded["lp"], "EUR", Decimal("0.01"), actors.admin.id)
    deactivate_market_maker(db, funded["ah"], actors.admin.id)

    assert check_invariants(db) == []
    assert verify_ledger(db) == []


def test_an_empty_database_is_healthy(db):
    assert check_invariants(db) == []


def test_value_appearing_from_nowhere_breaks_conservation(db, funded):
    tamper(db, f"UPDATE balances SET available = available + 1 WHERE entity_id = {funded['entity']} AND asset = 'EUR'")

    violations = [v for v in check_invariants(db) if v.invariant == "balances add up to deposits minus withdrawals"]

    assert [(v.subject, v.detail) for v in violations] == [
        ("EUR", "balances hold 1501.25, deposits minus withdrawals are 1500.25")
    ]


def test_a_negative_balance_is_reported(db, funded):
    tamper(
        db,
        "ALTER TABLE balances DROP CONSTRAINT balances_non_negative",
        f"UPDATE balances SET locked = -1 WHERE entity_id = {funded['entity']} AND asset = 'CEA'",
    )

    assert "no balance below zero" in broken(db)


def test_a_fractional_certificate_balance_is_reported(db, funded):
    tamper(
        db,
        "ALTER TABLE balances DROP CONSTRAINT balances_whole_certificates",
        f"UPDATE balances SET available = available + 0.5 WHERE market_maker_id = {funded['ah']} AND asset = 'CEA'",
    )

    assert "certificates are whole units" in broken(db)


def test_locked_funds_without_an_open_order_are_reported(db, funded):
    tamper(
        db,
        "UPDATE balances SET available = available - 3, locked = locked + 3 "
        f"WHERE entity_id = {funded['entity']} AND asset = 'EUR'",
    )

    assert broken(db) >= {"locked equals what open orders hold"}
    assert "balances add up to deposits minus withdrawals" not in broken(db)


def test_an_eur_balance_out_of_step_with_its_balance_rows_is_reported(db, funded):
    tamper(db, f"UPDATE market_maker_clients SET eur_balance = eur_balance + 1 WHERE id = {funded['lp']}")

    assert broken(db) == {"eur_balance equals EUR available plus locked"}


def _insert_order(db: Session, funded: dict[str, int], side: str, price: str, quantity: int, **extra: object) -> None:
    columns = {
        "certificate_type": "'EUA'",
        "side": f"'{side}'",
        "order_type": "'LIMIT'",
        "entity_id": str(funded["entity"]),
        "placed_by": str(funded["trader"]),
        "price": price,
        "quantity": str(quantity),
        "locked_amount": "0",
        **{k: str(v) for k, v in extra.items()},
    }
    tamper(db, f"INSERT INTO orders ({', '.join(columns)}) VALUES ({', '.join(columns.values())})")


def test_an_open_order_with_nothing_left_is_reported(db, funded):
    tamper(db, "ALTER TABLE orders DROP CONSTRAINT orders_status_matches_fill")

    _insert_order(db, funded, "BUY", "10", 5, filled_quantity=5)

    assert "open orders have whole units left" in broken(db)


def test_a_fill_without_trades_is_reported(db, funded):
    _insert_order(db, funded, "BUY", "10", 5, filled_quantity=2, status="'PARTIALLY_FILLED'")

    assert "filled quantity equals the sum of its trades" in broken(db)


def test_a_crossed_book_is_reported(db, funded):
    _insert_order(db, funded, "BUY", "80.00", 1)
    _insert_order(db, funded, "SELL", "79.99", 1, locked_amount=1)

    crossed = [v for v in check_invariants(db) if v.invariant == "the book is not crossed"]

    assert [(v.subject, v.detail) for v in crossed] == [("EUA", "best bid 80.00 >= best ask 79.99")]


def test_a_book_level_out_of_step_with_its_orders_is_reported(db, actors, funded):
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 2, "10.00")

    tamper(db, "UPDATE book_levels SET quantity = quantity + 1")

    levels = [(v.subject, v.detail) for v in check_invariants(db) if v.invariant == "book levels equal the open orders"]
    assert levels == [("EUA BUY at 10.00", "level holds 3 in 1 order(s), open orders 2 in 1")]


def test_a_level_missing_for_resting_orders_is_reported(db, actors, funded):
    place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 2, "10.00")

    tamper(db, "DELETE FROM book_levels")

    assert broken(db) == {"book levels equal the open orders"}


def test_book_levels_follow_orders_whatever_statement_writes_them(db, actors, funded):
    # a writer that knows nothing of book_levels: plain INSERT, UPDATE and DELETE of several orders at once
    entity, trader = funded["entity"], funded["trader"]
    tamper(
        db,
        "ALTER TABLE orders DROP CONSTRAINT orders_sell_locks_remaining",  # no locks behind these orders: levels only
        "INSERT INTO orders (certificate_type, side, order_type, entity_id, placed_by, price, quantity, locked_amount) "
        f"SELECT 'EUA', 'SELL', 'LIMIT', {entity}, {trader}, 90 + i % 3, i, 0 FROM generate_series(1, 9) i",
        "UPDATE orders SET filled_quantity = 1, status = 'PARTIALLY_FILLED' WHERE quantity > 4",
        "UPDATE orders SET status = 'CANCELLED', cancel_reason = 'USER' WHERE quantity IN (2, 9)",
        "UPDATE orders SET price = price + 1 WHERE quantity = 3",
        "DELETE FROM orders WHERE quantity = 7",
    )

    levels = db.execute(text("SELECT price, quantity, orders FROM book_levels ORDER BY price")).all()
    db.rollback()
    assert [tuple(level) for level in levels] == [
        (Decimal("90.00"), 5, 1),  # 6 with one filled (3 moved up a level, 9 cancelled)
        (Decimal("91.00"), 1 + 4 + 3, 3),  # 1, 4, and 3 from 90.00 (7 deleted)
        (Decimal("92.00"), 4 + 7, 2),  # 5 and 8, each with one filled (2 cancelled)
    ]
    assert "book levels equal the open orders" not in broken(db)


def test_a_filled_amount_that_differs_from_its_trades_is_reported(db, actors, funded):
    place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 3, "80.00", market_maker_id=funded["ah"])
    order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 2, "80.00")

    tamper(db, f"UPDATE orders SET filled_amount = filled_amount + 0.01 WHERE id = {order.id}")

    amounts = [(v.subject, v.detail) for v in check_invariants(db) if v.invariant.startswith("filled amount")]
    assert amounts == [(f"order {order.id}", "filled amount 160.01, traded 160.00")]


def test_liquidity_actuals_that_differ_from_their_orders_are_reported(db, actors, funded):
    tamper(
        db,
        "INSERT INTO liquidity_operations (ticket_id, certificate_type, target_bid_liquidity_eur, "
        "target_ask_liquidity_eur, actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used, "
        "orders_created, reference_price, price_source, created_by) "
        f"SELECT ticket_id, 'EUA', 100, 0, 100, 0, '[]', '{{999}}', 80, 'default', {actors.admin.id} "
        f"FROM create_ticket('CREATE_LIQUIDITY', {actors.admin.id}, 'liquidity_operation', NULL, NULL, NULL)",
    )

    assert broken(db) == {
        "liquidity actuals equal their orders",
        "liquidity orders_created lists its orders",
        "every admin write has a ticket",  # the ticket above names no operation
    }


def test_liquidity_created_withdrawn_and_provisioned_through_core_is_healthy(db, actors, funded):
    operation = create_liquidity(db, "EUA", Decimal("800"), Decimal("800"), actors.admin.id)
    provision_market_makers(db, "create_new", "ASSET_HOLDER", 10, actors.admin.id, count=2, certificate_type="EUA")
    provision_market_makers(db, "fund_existing", "LIQUIDITY_PROVIDER", "99.99", actors.admin.id, mm_ids=[funded["lp"]])

    withdraw_liquidity(db, operation.id, actors.admin.id)

    assert check_invariants(db) == []
    assert verify_ledger(db) == []


FILL_STATE = "liquidity fill state equals its orders"


@pytest.mark.parametrize(
    ("tampering", "invariant"),
    [
        ("UPDATE liquidity_operation_fills SET filled_bid_eur = filled_bid_eur + 1", FILL_STATE),
        ("UPDATE liquidity_operation_fills SET market_maker_ids = '{}'", FILL_STATE),
        ("DELETE FROM liquidity_operation_fills", FILL_STATE),
        ("UPDATE liquidity_operation_days SET operations = operations + 1", "liquidity per day equals its operations"),
        (
            "UPDATE liquidity_resting_days SET resting_eur = resting_eur - 1",
            "resting liquidity per day equals its open orders",
        ),
    ],
)
def test_liquidity_state_out_of_step_with_its_orders_is_reported(db, actors, funded, tampering, invariant):
    create_liquidity(db, "EUA", Decimal("800"), Decimal("0"), actors.admin.id)

    tamper(db, tampering)

    assert broken(db) == {invariant}


def test_liquidity_state_follows_fills_and_withdrawals_whoever_writes_them(db, actors, funded):
    operation = create_liquidity(db, "EUA", Decimal("800"), Decimal("0"), actors.admin.id)
    fund_entity(db, actors.entity.id, "EUA", 10, actors.admin.id)
    place_order(db, actors.trader.id, "EUA", "SELL", "MARKET", 3)  # into the operation's bids

    # a writer that knows nothing of the kept state cancels the rest behind the engine's back
    tamper(
        db,
        "UPDATE orders SET status = 'CANCELLED', cancel_reason = 'USER', locked_amount = 0 "
        f"WHERE liquidity_operation_id = {operation.id} AND status IN ('OPEN', 'PARTIALLY_FILLED')",
    )

    assert broken(db) == {"locked equals what open orders hold"}  # the locks, not the kept state
    state = db.execute(
        text("SELECT open_orders, filled_quantity FROM liquidity_operation_fills WHERE operation_id = :id"),
        {"id": operation.id},
    ).one()
    db.rollback()
    assert tuple(state) == (0, 3)


def test_a_liquidity_order_without_its_ticket_is_reported(db, actors, funded):
    operation = create_liquidity(db, "EUA", Decimal("800"), Decimal("0"), actors.admin.id)

    _insert_order(db, funded, "BUY", "1.00", 1, liquidity_operation_id=operation.id)

    tickets = [v.detail for v in check_invariants(db) if v.invariant == "every admin write has a ticket"]
    assert tickets == ["liquidity order without a PLACE_LIQUIDITY_ORDER ticket"]


def test_an_order_withdrawn_behind_the_audit_trail_is_reported(db, actors, funded):
    operation = create_liquidity(db, "EUA", Decimal("800"), Decimal("0"), actors.admin.id)

    tamper(
        db,
        "UPDATE orders SET status = 'CANCELLED', cancel_reason = 'WITHDRAWAL', locked_amount = 0 "
        f"WHERE id = {operation.orders_created[0]}",
    )

    assert broken(db) == {"every admin write has a ticket", "locked equals what open orders hold"}


def test_a_deposit_without_a_ticket_is_reported(db, funded):
    tamper(
        db,
        "SELECT apply_balance_change(id, 'DEPOSIT', 10, NULL, NULL, NULL, NULL) FROM balances "
        f"WHERE entity_id = {funded['entity']} AND asset = 'EUR'",
    )

    subjects = [v.subject for v in check_invariants(db) if v.invariant == "every admin write has a ticket"]

    assert len(subjects) == 1
    assert subjects[0].startswith("ledger row ")


def test_market_makers_and_entities_created_behind_the_audit_trail_are_reported(db, actors):
    tamper(
        db,
        f"INSERT INTO market_maker_clients (name, created_by) VALUES ('Ghost MM', {actors.admin.id})",
        f"INSERT INTO entities (name, created_by) VALUES ('Ghost Firm', {actors.admin.id})",
    )

    details = sorted(v.detail for v in check_invariants(db) if v.invariant == "every admin write has a ticket")

    assert details == ["no CREATE_ENTITY ticket", "no CREATE_MARKET_MAKER ticket"]


def test_a_deactivation_without_a_ticket_is_reported(db, funded):
    tamper(db, f"UPDATE market_maker_clients SET is_active = false WHERE id = {funded['lp']}")

    assert [v.detail for v in check_invariants(db)] == ["deactivated without a ticket"]


def _tickets_of_order(db: Session, order_id: int) -> list[str]:
    rows = db.execute(
        text("SELECT action FROM ticket_logs WHERE entity_type = 'order' AND entity_id = :id"), {"id": order_id}
    )
    actions = list(rows.scalars())
    db.rollback()
    return actions


def test_an_admin_order_for_a_market_maker_leaves_a_ticket(db, actors, funded):
    order = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "90.00", market_maker_id=funded["ah"])

    assert _tickets_of_order(db, order.id) == ["PLACE_ORDER"]
    assert check_invariants(db) == []


def test_an_admin_cancel_of_a_market_maker_order_leaves_a_ticket(db, actors, funded):
    order = place_order(db, actors.admin.id, "EUA", "SELL", "LIMIT", 1, "90.00", market_maker_id=funded["ah"])

    cancel_order(db, order.id, actors.admin.id)

    assert _tickets_of_order(db, order.id) == ["PLACE_ORDER", "CANCEL_ORDER"]


def test_a_market_maker_order_placed_behind_the_audit_trail_is_reported(db, funded):
    _insert_order(db, funded, "SELL", "95.00", 1, locked_amount=1, market_maker_id=funded["ah"], entity_id="NULL")
    tamper(
        db,
        f"UPDATE balances SET available = available - 1, locked = locked + 1 "
        f"WHERE market_maker_id = {funded['ah']} AND asset = 'EUA'",
    )

    assert "market maker order without a PLACE_ORDER ticket" in [v.detail for v in check_invariants(db)]
