"""Entities (trader firms): creation and admin deposits."""

from decimal import Decimal

import pytest

from core.entities import create_entity, fund_entity, get_entity_balances
from core.enums import AssetType
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from core.ledger import verify_ledger
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


def test_entity_names_are_unique(db, actors):
    with pytest.raises(Conflict, match="already exists"):
        create_entity(db, "trader firm", actors.admin.id)
