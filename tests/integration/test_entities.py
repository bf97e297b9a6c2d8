"""Entities (trader firms): creation, admin deposits and withdrawals."""

from decimal import Decimal

import pytest

from core.entities import create_entity, fund_entity, get_entity_balances, get_trader_firm, withdraw_entity
from core.enums import AssetType
from core.errors import Conflict, InsufficientFunds, NotFound, PermissionDenied, ValidationError
from core.ledger import verify_ledger
from core.orders import place_order
from tests.helpers import snapshot


def test_an_entity_is_funded_with_any_asset(db, actors):
    fund_entity(db, actors.entity.id, "EUR", "2500.25", actors.admin.id)
    fund_entity(db, actors.entity.id, AssetType.EUA, 40, actors.admin.id)

    balances = get_entity_balances(db, actors.entity.id, user_id=actors.admin.id)

    assert balances[AssetType.EUR].available == Decimal("2500.25")
    assert balances[AssetType.EUA].available == 40
    assert balances[AssetType.CEA].total == 0
    assert verify_ledger(db) == []


@pytest.mark.parametrize(
    ("entity_id", "amount", "error"),
    [(10**9, 10, NotFound), ("x", 10, ValidationError), (None, 10, ValidationError), (1, "-1", ValidationError)],
)
def test_bad_entity_funding_is_refused_and_changes_nothing(db, actors, entity_id, amount, error):
    before = snapshot(db)

    with pytest.raises(error):
        fund_entity(db, entity_id, "EUR", amount, actors.admin.id)

    assert snapshot(db) == before


def test_only_admins_create_and_fund_entities(db, actors):
    before = snapshot(db)

    with pytest.raises(PermissionDenied):
        create_entity(db, "Other Firm", actors.trader.id)
    with pytest.raises(PermissionDenied):
        fund_entity(db, actors.entity.id, "EUR", 10, actors.analyst.id)

    assert snapshot(db) == before


@pytest.mark.parametrize("look_alike", ["trader firm", "Trader  Firm", "Trader\u00a0Firm"])
def test_entity_names_are_unique_however_their_spaces_were_typed(db, actors, look_alike):
    with pytest.raises(Conflict, match="already exists"):
        create_entity(db, look_alike, actors.admin.id)


def test_a_firm_name_mixing_latin_and_cyrillic_in_a_word_is_refused_and_nothing_is_created(db, actors):
    before = snapshot(db)

    with pytest.raises(ValidationError) as refused:
        create_entity(db, "D\u0435mo Trading GmbH", actors.admin.id)  # a Cyrillic e beside the Latin letters

    assert refused.value.message == (
        'Firm name "D\u0435mo Trading GmbH" mixes Latin and Cyrillic letters in "D\u0435mo": '
        "type the word in one alphabet"
    )
    assert refused.value.field == "Firm name"
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("typed", "odd"),
    [
        ("\U0001d403emo Trading GmbH", "'\U0001d403' is a mathematical bold capital D, not a plain 'D'"),
        ("\uff24emo Trading GmbH", "'\uff24' is a fullwidth Latin capital letter D, not a plain 'D'"),
    ],
)
def test_a_firm_name_in_compatibility_characters_is_refused_naming_the_character_and_nothing_is_created(
    db, actors, typed, odd
):
    create_entity(db, "Demo Trading GmbH", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(ValidationError) as refused:
        create_entity(db, typed, actors.admin.id)

    assert refused.value.message == f'Firm name "{typed}": {odd}: type "Demo Trading GmbH"'
    assert refused.value.field == "Firm name"
    assert snapshot(db) == before


@pytest.mark.parametrize("name", ["北京碳排放权交易所", "Газпром Трейдинг", "Газпром Trading", "Sony株式会社"])
def test_a_firm_name_in_any_one_script_per_word_is_created(db, actors, name):
    created = create_entity(db, name, actors.admin.id)

    assert get_trader_firm(db, created.id, user_id=actors.admin.id).name == name


def test_withdraw_entity_takes_only_what_is_available_and_says_what_open_orders_lock(db, actors):
    fund_entity(db, actors.entity.id, "EUR", "1000.00", actors.admin.id)
    place_order(db, actors.trader.id, "CEA", "BUY", "LIMIT", 60, "10.00")  # locks €600.00
    before = snapshot(db)

    with pytest.raises(InsufficientFunds) as refused:
        withdraw_entity(db, actors.entity.id, "EUR", "400.01", actors.admin.id)
    assert snapshot(db) == before
    entry = withdraw_entity(db, actors.entity.id, "EUR", "400.00", actors.admin.id)

    assert "only €400.00 is available; the other €600.00 is locked in open orders" in refused.value.message
    assert (entry.transaction_type, entry.entity_id, entry.available_after) == ("WITHDRAWAL", actors.entity.id, 0)
    firm = get_trader_firm(db, actors.entity.id, user_id=actors.admin.id)
    assert (firm.eur_available, firm.eur_locked, firm.active_traders) == (0, Decimal("600.00"), 1)
    assert verify_ledger(db) == []
