"""Liquidity on both certificates at once: one transaction, all or nothing, every shortfall of both listed."""

import pytest

from core.errors import InsufficientAssetsError, InvalidFields, ValidationError
from core.liquidity_service import create_liquidity_for_all, preview_liquidity_for_all
from core.planning import target_field
from tests.helpers import snapshot
from tests.liquidity_helpers import count_rows, make_holders, make_providers
from tests.policy_helpers import healthy

TARGETS = {"EUA": ("6000", "2000"), "CEA": ("6000", "2000")}


def test_both_books_are_placed_in_one_call_one_operation_each_in_book_order(db, actors):
    make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 2, cert="CEA", prefix="AH CEA")
    make_holders(db, actors.admin, 2, cert="EUA", prefix="AH EUA")

    operations = create_liquidity_for_all(db, TARGETS, actors.admin.id, notes="Open both", idempotency_key="k1")

    assert [op.certificate_type for op in operations] == ["CEA", "EUA"]
    assert all(op.orders_count == 12 and op.notes == "Open both" for op in operations)
    assert [op.idempotency_key for op in operations] == ["k1:CEA", "k1:EUA"]
    again = create_liquidity_for_all(db, TARGETS, actors.admin.id, notes="Open both", idempotency_key="k1")
    assert [op.id for op in again] == [op.id for op in operations]  # a retry places nothing twice
    assert healthy(db)


def test_if_either_book_is_short_nothing_is_placed_and_every_shortfall_of_both_is_listed(db, actors):
    make_providers(db, actors.admin, 2, eur="5000.00")  # €10,000 of EUR for €12,000 of bids over both books
    make_holders(db, actors.admin, 1, certificates=20, cert="CEA", prefix="AH CEA")
    make_holders(db, actors.admin, 2, cert="EUA", prefix="AH EUA")
    before = snapshot(db)

    with pytest.raises(InsufficientAssetsError) as refused:
        create_liquidity_for_all(db, TARGETS, actors.admin.id)

    short = {(s.certificate_type, s.side.value, s.asset.value) for s in refused.value.shortfalls}
    assert short == {("CEA", "SELL", "CEA"), ("EUA", "BUY", "EUR")}
    assert "CEA book, CEA" in refused.value.message and "EUA book, EUR" in refused.value.message
    assert snapshot(db) == before
    assert count_rows(db, "liquidity_operations") == 0


def test_the_preview_of_both_books_shows_what_the_first_book_leaves_for_the_second(db, actors):
    make_providers(db, actors.admin, 2, eur="5000.00")
    make_holders(db, actors.admin, 2, cert="CEA", prefix="AH CEA")
    make_holders(db, actors.admin, 2, cert="EUA", prefix="AH EUA")

    cea, eua = preview_liquidity_for_all(db, TARGETS, user_id=actors.admin.id)

    assert cea.can_execute and not eua.can_execute
    assert [s.asset.value for s in eua.missing_assets] == ["EUR"]


def test_a_provider_short_in_both_books_is_counted_short_once(db, actors):
    make_providers(db, actors.admin, 1, eur="1000.00")  # €12,000 of bids over both books
    make_holders(db, actors.admin, 1, cert="CEA", prefix="AH CEA")
    make_holders(db, actors.admin, 1, cert="EUA", prefix="AH EUA")

    cea, eua = preview_liquidity_for_all(db, TARGETS, user_id=actors.admin.id)

    (cea_short,), (eua_short,) = cea.missing_assets, eua.missing_assets
    assert eua_short.available == 0  # what CEA left: nothing, never €-5,000
    needed = cea_short.required + eua_short.required
    assert cea_short.shortfall + eua_short.shortfall == needed - 1000  # the suggestions add up to what is missing


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({}, "targets like"),
        ("CEA", "targets like"),
        ({"CEA": ("1000",)}, "a pair"),
        ({"CEA": ("1000", "0"), "cea": ("1000", "0")}, "appears twice"),
        ({"XYZ": ("1000", "0")}, "Unknown certificate type"),
        ({"CEA": ("0", "0")}, "above zero"),
        ({"CEA": ("0", "1,5"), "EUA": ("0", "500")}, "^CEA ASK liquidity: use a point for decimals"),
        ({"CEA": ("0", "0"), "EUA": ("0", "500")}, "^Enter a CEA BID or CEA ASK liquidity amount above zero"),
    ],
)
def test_malformed_targets_for_both_books_are_refused_and_change_nothing(db, actors, targets, message):
    before = snapshot(db)

    with pytest.raises(ValidationError, match=message):
        create_liquidity_for_all(db, targets, actors.admin.id)

    assert snapshot(db) == before


def test_every_books_amount_too_small_to_plan_is_refused_under_its_own_field_at_once(db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1, cert="CEA")

    with pytest.raises(InvalidFields) as refused:
        preview_liquidity_for_all(db, {"CEA": ("0", "30"), "EUA": ("20", "0")}, user_id=actors.admin.id)

    faults = refused.value.faults
    assert list(faults) == [target_field("CEA", "ask"), target_field("EUA", "bid")]
    assert faults[target_field("CEA", "ask")].startswith("CEA book: ASK liquidity of €30.00 cannot rest one")
    assert faults[target_field("EUA", "bid")].startswith("EUA book: BID liquidity of €20.00 cannot rest one")


def test_an_amount_too_small_to_plan_names_its_book_when_both_are_asked(db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 2, cert="CEA")
    make_holders(db, actors.admin, 1, cert="EUA", prefix="AH EUA")

    with pytest.raises(ValidationError, match=r"^CEA book: ASK liquidity of €30\.00 cannot rest one") as refused:
        preview_liquidity_for_all(db, {"CEA": ("0", "30"), "EUA": ("0", "5000")}, user_id=actors.admin.id)

    assert refused.value.field == target_field("CEA", "ask")  # for a form to show it under that field
