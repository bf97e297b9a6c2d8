"""Provisioning market makers to cover a shortfall, and withdrawing a liquidity operation's open orders."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from core.enums import AssetType, MarketMakerType, TransactionType
from core.errors import Conflict, InvalidFields, NotFound, PermissionDenied, ValidationError
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import (
    create_liquidity,
    preview_liquidity_creation,
    provision_market_makers,
    withdraw_liquidity,
)
from core.market_makers import create_market_maker, get_market_maker, get_market_maker_ledger, get_market_makers
from core.operations import get_operation_detail
from core.provisioning import AMOUNT, COUNT
from tests.helpers import snapshot
from tests.liquidity_helpers import count_rows, make_holders, make_providers, rest_order


def healthy(db) -> bool:
    return verify_ledger(db) == [] and check_invariants(db) == []


# --- provisioning ----------------------------------------------------------------------------------------


def test_creating_new_market_makers_covers_a_missing_side_then_the_preview_can_execute(db, actors):
    make_providers(db, actors.admin, 1)
    short = preview_liquidity_creation(db, "EUA", "1000", "5000", user_id=actors.admin.id)
    (missing,) = short.missing_assets

    result = provision_market_makers(
        db, "create_new", "ASSET_HOLDER", missing.shortfall, actors.admin.id, count=2, certificate_type="EUA"
    )

    assert result.asset is AssetType.EUA and len(result.market_makers) == 2
    assert sum(m.amount for m in result.market_makers) == missing.shortfall
    assert max(m.amount for m in result.market_makers) - min(m.amount for m in result.market_makers) <= 1
    assert all(m.name.startswith("AH ") and "#" in m.name for m in result.market_makers)
    assert result.ticket_id.startswith("TKT-")
    # the shortfall was sized for one market maker; two share it only if each still rests one per level
    fresh = preview_liquidity_creation(db, "EUA", "1000", "5000", user_id=actors.admin.id)
    assert fresh.can_execute, fresh.missing_assets
    assert healthy(db)


def test_funding_existing_market_makers_covers_their_shortfall_then_the_preview_can_execute(db, actors):
    lps = make_providers(db, actors.admin, 3, eur="0")
    short = preview_liquidity_creation(db, "CEA", "9000", "0", user_id=actors.admin.id)
    (missing,) = short.missing_assets

    result = provision_market_makers(
        db,
        "fund_existing",
        MarketMakerType.LIQUIDITY_PROVIDER,
        missing.even_top_up,
        actors.admin.id,
        mm_ids=[m.id for m in missing.market_makers],
    )

    assert [m.id for m in result.market_makers] == [m.id for m in lps]
    assert sum(m.amount for m in result.market_makers) == missing.even_top_up
    assert preview_liquidity_creation(db, "CEA", "9000", "0", user_id=actors.admin.id).can_execute
    ledger_tickets = count_rows(db, "asset_transactions", "transaction_type = 'DEPOSIT' AND ticket_id IS NOT NULL")
    assert ledger_tickets == 3
    assert count_rows(db, "ticket_logs", "action = 'PROVISION_MARKET_MAKERS'") == 1
    assert healthy(db)


def test_each_provisioned_market_maker_names_the_ticket_of_its_deposit_as_its_ledger_row_carries_it(db, actors):
    lps = make_providers(db, actors.admin, 2, eur="0")

    funded = provision_market_makers(
        db, "fund_existing", "LIQUIDITY_PROVIDER", "300.00", actors.admin.id, mm_ids=[m.id for m in lps]
    )
    created = provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", "10.00", actors.admin.id, count=2)

    provisioned = [*funded.market_makers, *created.market_makers]
    for mm in provisioned:
        newest = get_market_maker_ledger(db, mm.id, user_id=actors.admin.id)[0]
        assert (newest.ticket_id, newest.transaction_type, newest.amount) == (
            mm.deposit_ticket_id,
            TransactionType.DEPOSIT,
            mm.amount,
        )
    deposit_tickets = {mm.deposit_ticket_id for mm in provisioned}
    assert len(deposit_tickets) == 4  # one per deposit, none of them the provisioning's own
    assert not deposit_tickets & {funded.ticket_id, created.ticket_id}


def test_an_uneven_amount_is_split_exactly_with_the_remainder_to_the_first(db, actors):
    result = provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", "100.01", actors.admin.id, count=3)

    assert [m.amount for m in result.market_makers] == [Decimal("33.34"), Decimal("33.34"), Decimal("33.33")]
    names = [m.name for m in result.market_makers]
    assert len(set(names)) == 3 and all(n.startswith("LP ") for n in names)
    again = provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", "1", actors.admin.id)
    assert again.market_makers[0].name not in names
    assert get_market_maker(db, result.market_makers[0].id, user_id=actors.admin.id).eur_balance == Decimal("33.34")


def test_new_market_makers_are_numbered_after_a_name_of_the_pattern_typed_by_hand_whatever_its_case(db, actors):
    today = db.execute(text("SELECT to_char(now(), 'YYYY-MM-DD')")).scalar_one()
    db.rollback()
    create_market_maker(db, f"LP {today} #3", "LIQUIDITY_PROVIDER", actors.admin.id)
    create_market_maker(db, f" lp {today} #4 ", "LIQUIDITY_PROVIDER", actors.admin.id)  # unique as lower(btrim(name))

    result = provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", "10.00", actors.admin.id, count=2)

    assert [m.name for m in result.market_makers] == [f"LP {today} #5", f"LP {today} #6"]


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"action": "grow", "mm_type": "LIQUIDITY_PROVIDER", "amount": 10}, ValidationError, "Unknown provisioning"),
        ({"action": "create_new", "mm_type": "ASSET_HOLDER", "amount": 10}, ValidationError, "which certificate"),
        (
            {"action": "create_new", "mm_type": "ASSET_HOLDER", "amount": "1.5", "certificate_type": "CEA"},
            ValidationError,
            "whole units",
        ),
        (
            {"action": "create_new", "mm_type": "LIQUIDITY_PROVIDER", "amount": "0.02", "count": 3},
            ValidationError,
            "cannot be split",
        ),
        ({"action": "fund_existing", "mm_type": "LIQUIDITY_PROVIDER", "amount": 10}, ValidationError, "Choose"),
        (
            {"action": "fund_existing", "mm_type": "LIQUIDITY_PROVIDER", "amount": 10, "mm_ids": [999]},
            NotFound,
            "does not exist",
        ),
    ],
)
def test_invalid_provisioning_is_refused_and_changes_nothing(db, actors, kwargs, error, fragment):
    before = snapshot(db)

    with pytest.raises(error, match=fragment):
        provision_market_makers(db, created_by_id=actors.admin.id, **kwargs)

    assert snapshot(db) == before


def test_an_amount_and_a_count_both_wrong_are_refused_together_each_under_its_parameter(db, actors):
    before = snapshot(db)

    with pytest.raises(InvalidFields) as refused:
        provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", "abc", actors.admin.id, count="0")

    assert refused.value.faults == {
        AMOUNT: "Amount of EUR must be a number, got 'abc'",
        COUNT: "Number of new market makers is a whole number of market makers from 1 to 100, got 0",
    }
    assert snapshot(db) == before


def test_funding_a_market_maker_of_the_other_type_refuses_the_whole_provisioning(db, actors):
    (lp,) = make_providers(db, actors.admin, 1)
    (ah,) = make_holders(db, actors.admin, 1)
    before = snapshot(db)

    with pytest.raises(ValidationError, match="is not a liquidity provider"):
        provision_market_makers(
            db, "fund_existing", "LIQUIDITY_PROVIDER", "200", actors.admin.id, mm_ids=[lp.id, ah.id]
        )

    assert snapshot(db) == before


def test_only_admins_provision(db, actors):
    before = snapshot(db)

    with pytest.raises(PermissionDenied):
        provision_market_makers(db, "create_new", "LIQUIDITY_PROVIDER", "100", actors.analyst.id)

    assert snapshot(db) == before and get_market_makers(db, user_id=actors.admin.id) == []


# --- withdrawal ------------------------------------------------------------------------------------------


def test_withdrawal_cancels_the_open_orders_and_returns_exactly_their_locked_funds(db, actors):
    lps = make_providers(db, actors.admin, 2, eur="10000.00")
    ahs = make_holders(db, actors.admin, 2, certificates=1000)
    op = create_liquidity(db, "CEA", "8000", "8000", actors.admin.id)

    result = withdraw_liquidity(db, op.id, actors.admin.id)

    assert result.orders_cancelled == len(op.orders_created)
    assert result.eur_unlocked == op.actual_bid_liquidity_eur
    for mm in lps:
        assert get_market_maker(db, mm.id, user_id=actors.admin.id).eur_available == Decimal("10000.00")
    for mm in ahs:
        assert get_market_maker(db, mm.id, user_id=actors.admin.id).cea_available == 1000
    assert count_rows(db, "orders", "status = 'CANCELLED' AND cancel_reason = 'WITHDRAWAL'") == len(op.orders_created)
    assert count_rows(db, "orders", f"cancelled_by = {actors.admin.id}") == len(op.orders_created)  # who withdrew
    detail = get_operation_detail(db, op.id, user_id=actors.analyst.id)  # and the Operations page names them
    assert {o.cancelled_by_name for o in detail.orders} == {actors.admin.username}
    assert count_rows(db, "ticket_logs", "action = 'WITHDRAW_LIQUIDITY'") == 1
    assert healthy(db)


def test_withdrawal_leaves_filled_orders_and_unlocks_only_what_is_still_held(db, actors):
    (ah,) = make_holders(db, actors.admin, 1, certificates=1000)
    op = create_liquidity(db, "CEA", "0", "5000", actors.admin.id)
    best_ask = db.execute(text("SELECT min(price) FROM orders WHERE id = ANY(:ids)"), {"ids": op.orders_created})
    rest_order(db, actors, "CEA", "BUY", str(best_ask.scalar_one()), 5)  # takes 5 certificates of level 1
    assert count_rows(db, "trades") == 1

    result = withdraw_liquidity(db, op.id, actors.admin.id)

    assert result.orders_cancelled == 3
    assert result.certificates_unlocked == op.market_makers_used[0].quantity - 5
    assert get_market_maker(db, ah.id, user_id=actors.admin.id).cea_available == 1000 - 5
    assert healthy(db)


def test_a_withdrawals_ticket_writes_eur_to_the_cent_and_certificates_whole(db, actors):
    make_holders(db, actors.admin, 1, certificates=1000)
    op = create_liquidity(db, "CEA", "0", "5000", actors.admin.id)

    withdraw_liquidity(db, op.id, actors.admin.id)

    before, after = db.execute(
        text(
            "SELECT before_state::text, after_state::text FROM ticket_logs"
            " WHERE action = 'WITHDRAW_LIQUIDITY' AND entity_id = :op"
        ),
        {"op": op.id},
    ).one()
    before, after = (json.loads(state, parse_float=Decimal) for state in (before, after))  # numbers as written
    held = op.market_makers_used[0].quantity
    # the lock column's two decimals wrote "certificates_locked": 7.00 beside a bare "eur_locked": 0
    assert (str(before["eur_locked"]), before["certificates_locked"]) == ("0.00", held)
    assert (str(after["eur_unlocked"]), after["certificates_unlocked"]) == ("0.00", held)
    assert isinstance(before["certificates_locked"], int) and isinstance(after["certificates_unlocked"], int)


def test_withdrawing_twice_or_an_unknown_operation_is_refused_and_changes_nothing(db, actors):
    make_providers(db, actors.admin, 1)
    op = create_liquidity(db, "CEA", "1000", "0", actors.admin.id)
    withdraw_liquidity(db, op.id, actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match="no open orders left"):
        withdraw_liquidity(db, op.id, actors.admin.id)
    with pytest.raises(NotFound):
        withdraw_liquidity(db, 9999, actors.admin.id)
    with pytest.raises(PermissionDenied):
        withdraw_liquidity(db, op.id, actors.trader.id)

    assert snapshot(db) == before


def test_a_provisioning_that_fails_midway_leaves_no_deposit_behind(db, actors):
    from core.market_makers import deactivate_market_maker

    active, retired = make_providers(db, actors.admin, 2)
    deactivate_market_maker(db, retired.id, actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match="deactivated"):
        provision_market_makers(
            db, "fund_existing", "LIQUIDITY_PROVIDER", "500", actors.admin.id, mm_ids=[active.id, retired.id]
        )

    assert snapshot(db) == before
