"""Operations: the live state of a liquidity operation after trades against its orders and a withdrawal."""

from decimal import Decimal

import pytest

from core.enums import OrderSide, OrderStatus
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from core.liquidity_service import withdraw_liquidity
from core.operations import get_operation_detail, list_operations, operation_resting_depth, read_version
from tests.helpers import snapshot
from tests.liquidity_helpers import make_trade
from tests.operations_helpers import (
    create_operation,
    fund_market_makers,
    traded_value,
    trader_buys,
    trader_sells,
)


def summary_of(db, actors, operation_id):
    return get_operation_detail(db, operation_id, user_id=actors.admin.id).summary


def test_a_new_operation_rests_everything_it_deployed_and_has_filled_nothing(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)

    s = summary_of(db, actors, op.id)

    assert s.actual_total_eur == op.actual_bid_liquidity_eur + op.actual_ask_liquidity_eur
    assert s.resting_eur == s.actual_total_eur
    assert (s.filled_eur, s.filled_quantity, s.withdrawn_eur, s.withdrawn_quantity) == (0, 0, 0, 0)
    assert s.fill_ratio == 0
    assert s.orders_created == len(op.orders_created) == s.open_orders
    assert s.market_maker_names == ["AH CEA 1", "AH CEA 2", "LP 1", "LP 2"]
    assert (s.ticket_id, s.reference_price, s.price_source) == (op.ticket_id, op.reference_price, "default")


def test_a_sale_into_the_liquidity_bids_counts_as_filled_bid_eur_and_leaves_less_resting(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)
    before = summary_of(db, actors, op.id)

    sale = trader_sells(db, actors, "CEA", 25)

    after = summary_of(db, actors, op.id)
    assert after.filled_eur == after.filled_bid_eur == traded_value(sale) > 0
    assert (after.filled_ask_eur, after.filled_quantity) == (0, 25)
    assert after.resting_eur == before.resting_eur - traded_value(sale)
    assert after.resting_quantity == before.resting_quantity - 25
    assert after.fill_ratio == round(after.filled_eur / after.actual_total_eur, 4)


def test_a_purchase_from_the_liquidity_asks_counts_as_filled_ask_eur_per_order(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)

    purchase = trader_buys(db, actors, "CEA", 40)

    detail = get_operation_detail(db, op.id, user_id=actors.admin.id)
    sold = [o for o in detail.orders if o.side is OrderSide.SELL and o.filled_quantity > 0]
    assert detail.summary.filled_ask_eur == traded_value(purchase) == sum(o.filled_eur for o in sold)
    assert sum(o.filled_quantity for o in sold) == 40
    assert all(o.status in (OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED) for o in sold)
    assert all(o.filled_eur == o.filled_quantity * o.price for o in sold)  # resting orders trade at their price


def test_trades_between_traders_do_not_count_for_any_operation(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors, cert="CEA")

    make_trade(db, actors, "EUA", "80.00")

    assert summary_of(db, actors, op.id).filled_eur == 0


def test_a_withdrawal_moves_what_still_rested_to_withdrawn_and_keeps_the_fills(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)
    sale = trader_sells(db, actors, "CEA", 25)
    before = summary_of(db, actors, op.id)

    result = withdraw_liquidity(db, op.id, actors.admin.id)

    detail = get_operation_detail(db, op.id, user_id=actors.admin.id)
    after = detail.summary
    assert (after.resting_eur, after.resting_quantity, after.open_orders) == (0, 0, 0)
    assert (after.withdrawn_eur, after.withdrawn_quantity) == (before.resting_eur, before.resting_quantity)
    assert after.filled_eur == traded_value(sale)
    assert result.orders_cancelled == before.open_orders
    withdrawn = [o for o in detail.orders if o.cancel_reason == "WITHDRAWAL"]
    assert len(withdrawn) == before.open_orders
    assert all(o.status is OrderStatus.CANCELLED and o.resting_quantity == 0 for o in withdrawn)
    assert [t.action for t in detail.tickets if t.ticket_id == result.ticket_id] == ["WITHDRAW_LIQUIDITY"]


def test_the_detail_lists_the_operation_ticket_first_then_one_per_order(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)

    tickets = get_operation_detail(db, op.id, user_id=actors.admin.id).tickets

    assert tickets[0].ticket_id == op.ticket_id
    assert tickets[0].action == "CREATE_LIQUIDITY"
    assert tickets[0].actor_username == "admin"
    assert sorted(t.entity_id for t in tickets[1:]) == sorted(op.orders_created)


def test_the_orders_of_the_detail_are_grouped_by_side_then_level(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)

    orders = get_operation_detail(db, op.id, user_id=actors.admin.id).orders

    keys = [(o.side.value, o.liquidity_level) for o in orders]
    assert keys == sorted(keys, key=lambda k: (k[0] != "BUY", k[1]))
    assert {o.market_maker_name for o in orders if o.side is OrderSide.BUY} == {"LP 1", "LP 2"}


def test_resting_depth_per_market_maker_adds_up_to_the_operations_resting_eur(db, actors):
    fund_market_makers(db, actors)
    first = create_operation(db, actors)
    second = create_operation(db, actors, bid="2000.00", ask="0")
    trader_sells(db, actors, "CEA", 10)

    depth = operation_resting_depth(db, user_id=actors.admin.id)

    total = sum(d.resting_eur for d in depth)
    assert total == summary_of(db, actors, first.id).resting_eur + summary_of(db, actors, second.id).resting_eur
    assert {(d.market_maker_name, d.side) for d in depth} == {
        ("LP 1", OrderSide.BUY),
        ("LP 2", OrderSide.BUY),
        ("AH CEA 1", OrderSide.SELL),
        ("AH CEA 2", OrderSide.SELL),
    }


def test_an_analyst_cannot_withdraw_and_nothing_changes(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="Only admins may withdraw liquidity"):
        withdraw_liquidity(db, op.id, actors.analyst.id)

    assert snapshot(db) == before
    assert summary_of(db, actors, op.id).open_orders == len(op.orders_created)


def test_withdrawing_twice_is_refused_naming_the_operation_by_its_ticket_and_changes_nothing(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)
    withdraw_liquidity(db, op.id, actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match=f"Liquidity operation {op.ticket_id} has no open orders left"):
        withdraw_liquidity(db, op.id, actors.admin.id)

    assert snapshot(db) == before


def test_the_detail_of_an_unknown_operation_is_not_found(db, actors):
    with pytest.raises(NotFound, match="Liquidity operation 999 does not exist"):
        get_operation_detail(db, 999, user_id=actors.admin.id)


@pytest.mark.parametrize("bad_id", [0, -1, "abc", None, 1.5, True])
def test_the_detail_needs_a_positive_integer_id(db, actors, bad_id):
    with pytest.raises(ValidationError, match="Operation id must be a positive integer"):
        get_operation_detail(db, bad_id, user_id=actors.admin.id)


def test_fill_state_is_identical_in_the_list_and_in_the_detail(db, actors):
    fund_market_makers(db, actors)
    op = create_operation(db, actors)
    trader_sells(db, actors, "CEA", 7)

    [row] = list_operations(db, user_id=actors.admin.id).rows

    assert row == summary_of(db, actors, op.id)
    assert row.fill_ratio == Decimal(row.filled_eur / row.actual_total_eur).quantize(Decimal("0.0001"))


def test_the_read_version_moves_with_trades_withdrawals_and_audited_actions(db, actors):
    fund_market_makers(db, actors)
    versions = [read_version(db)]

    op = create_operation(db, actors)
    versions.append(read_version(db))
    trader_sells(db, actors, "CEA", 1)
    versions.append(read_version(db))
    withdraw_liquidity(db, op.id, actors.admin.id)
    versions.append(read_version(db))

    assert len(set(versions)) == 4
    assert read_version(db) == versions[-1]  # reading changes nothing
