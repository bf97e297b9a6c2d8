"""The per-action maximum amount has one source, SQL's max_amount() (revision 0024): core reads it, and every stored
function taking an amount a person typed refuses past it in the words core says under the field, changing nothing,
even when called directly (as a core function with a bug would)."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.enums import AssetType
from core.errors import ValidationError
from core.market_makers import create_market_maker
from core.orders import limit_order_value
from core.validation import MAX_AMOUNT, parse_amount, parse_eur, parse_price, parse_quantity
from tests.helpers import snapshot

OVER = "1000000000001"  # a unit above the maximum, as typed


def python_says(parse: Callable[[], object]) -> str:
    with pytest.raises(ValidationError) as refused:
        parse()
    return refused.value.message


def test_python_and_the_database_hold_the_same_maximum_amount(db):
    in_the_database = db.execute(text("SELECT max_amount()")).scalar_one()

    assert in_the_database == MAX_AMOUNT == Decimal("1000000000000")
    assert parse_amount(str(MAX_AMOUNT), AssetType.EUR) == MAX_AMOUNT  # the maximum itself is accepted by both
    assert db.execute(text("SELECT amount_above_maximum('Amount', 'EUR', max_amount())")).scalar_one() is None


# each stored function taking an amount a person typed, called directly with one above the maximum, and what core
# says for the same amount under the field it was typed in
CASES: dict[str, tuple[str, Callable[[], object]]] = {
    "fund_account": (
        "SELECT fund_account(NULL, :firm, 'EUR', :over, :admin)",
        lambda: parse_amount(OVER, AssetType.EUR),
    ),
    "withdraw_account": (
        "SELECT withdraw_account(NULL, :firm, 'EUR', :over, :admin)",
        lambda: parse_amount(OVER, AssetType.EUR),
    ),
    "check_deposit": (
        "SELECT check_deposit(b, :over) FROM balances b WHERE b.id = balance_id_for(NULL, :firm, 'CEA')",
        lambda: parse_amount(OVER, AssetType.CEA),
    ),
    "check_withdrawal's refuse_invalid_amount": (
        "SELECT refuse_invalid_amount('EUA', :over)",
        lambda: parse_amount(OVER, AssetType.EUA),
    ),
    "create_liquidity_operation (BID target)": (
        "SELECT create_liquidity_operation('CEA', '[{}]', :over, 0, 14, 'MANUAL', :admin, NULL, NULL, 10)",
        lambda: parse_eur(OVER, "BID liquidity", allow_zero=True),
    ),
    "create_liquidity_operations (ASK target)": (
        "SELECT * FROM create_liquidity_operations(jsonb_build_array(jsonb_build_object('certificate_type', 'EUA', "
        "'plan', '[{}]'::jsonb, 'target_bid', 0, 'target_ask', CAST(:over AS numeric), 'reference_price', 81, "
        "'price_source', 'MANUAL')), :admin, NULL, NULL, 10)",
        lambda: parse_eur(OVER, "ASK liquidity", allow_zero=True),
    ),
    "provision_market_makers (the sum of its parts)": (
        "SELECT * FROM provision_market_makers('create_new', 'LIQUIDITY_PROVIDER', 'EUR', "
        "ARRAY[500000000000, CAST(:over AS numeric) - 500000000000], :admin)",
        lambda: parse_amount(OVER, AssetType.EUR, "Amount of EUR"),
    ),
    "create_market_maker (initial balance)": (
        "SELECT create_market_maker('Direct MM', 'ASSET_HOLDER', :admin, jsonb_build_object('CEA', :over))",
        lambda: parse_amount(OVER, AssetType.CEA, "Initial CEA balance", allow_zero=True),
    ),
    "save_liquidity_policy (depth)": (
        "SELECT save_liquidity_policy('CEA', 0, :over, 1, 50, 60, NULL, NULL, false, 60, NULL, false, NULL, :admin)",
        lambda: parse_eur(OVER, "ASK target (EUR)", allow_zero=True),
    ),
    "save_liquidity_policy (price bound)": (
        "SELECT save_liquidity_policy('CEA', 1000, 0, 1, 50, 60, :over, NULL, false, 60, NULL, false, NULL, :admin)",
        lambda: parse_eur(OVER, "Price floor (EUR)"),
    ),
    "place_order (quantity)": (
        "SELECT place_order('CEA', 'BUY', 'LIMIT', CAST(:over AS bigint), 14, NULL, :firm, :trader)",
        lambda: parse_quantity(OVER, "CEA"),
    ),
    "place_order (price)": (
        "SELECT place_order('CEA', 'BUY', 'LIMIT', 1, :over, NULL, :firm, :trader)",
        lambda: parse_price(OVER),
    ),
    "place_order (value)": (
        "SELECT place_order('EUA', 'BUY', 'LIMIT', 1000000000, 1000.01, NULL, :firm, :trader)",
        lambda: limit_order_value(Decimal("1000.01"), 1000000000),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_stored_function_refuses_an_amount_above_the_maximum_in_the_words_core_says_and_changes_nothing(
    db, actors, case
):
    create_market_maker(db, "Holder", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 10})
    sql, core_refusal = CASES[case]
    before = snapshot(db)

    with pytest.raises(DBAPIError) as refused:
        db.execute(
            text(sql),
            {"over": Decimal(OVER), "firm": actors.entity.id, "admin": actors.admin.id, "trader": actors.trader.id},
        )
    db.rollback()

    assert refused.value.orig.sqlstate == "CB400"
    assert refused.value.orig.diag.message_primary == python_says(core_refusal)
    assert snapshot(db) == before
