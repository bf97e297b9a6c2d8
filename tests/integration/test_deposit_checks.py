"""Deposits checked before confirming (check_deposit, revision 0022): core's check refuses what fund_account would
refuse, in the same sentence, and moves nothing; the most a balance can hold is read from its columns."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from core.entities import fund_entity, get_trader_firm
from core.enums import AssetType, TransactionType
from core.errors import Conflict, CoreError, ValidationError
from core.funding import check_movement
from core.market_makers import create_market_maker, deactivate_market_maker, fund_market_maker
from tests.helpers import snapshot

DEPOSIT = TransactionType.DEPOSIT
MOST_EUR = Decimal("9999999999999999.99")  # numeric(18, 2): a market maker's eur_balance, the narrowest column


def refusal(error: type[CoreError], action) -> str:
    with pytest.raises(error) as refused:
        action()
    return refused.value.message


def hold(db, balance_filter: str, ids: dict, available: Decimal) -> None:
    """Arranged by hand: a balance as ten thousand deposits of the per-action maximum would leave it."""
    db.execute(text(f"UPDATE balances SET available = :v WHERE {balance_filter}"), {**ids, "v": available})
    db.commit()


def test_the_most_a_balance_can_hold_is_read_from_its_narrowest_column(db):
    eur, cea = db.execute(text("SELECT balance_capacity('EUR'), balance_capacity('CEA')")).one()

    assert (eur, cea) == (MOST_EUR, Decimal("9999999999999999"))


def test_a_deposit_past_what_a_balance_can_hold_is_refused_when_checked_in_the_sentence_funding_says(db, actors):
    firm, admin = actors.entity.id, actors.admin.id
    hold(db, "entity_id = :e AND asset = 'EUR'", {"e": firm}, MOST_EUR - Decimal("1000.00"))
    before = snapshot(db)

    checked = refusal(ValidationError, lambda: check_movement(db, DEPOSIT, "EUR", "1000.01", admin, entity_id=firm))
    funded = refusal(ValidationError, lambda: fund_entity(db, firm, "EUR", "1000.01", admin))

    assert (
        checked
        == funded
        == (
            'Cannot fund trader firm "Trader Firm" with €1,000.01: it would hold €10,000,000,000,000,000.00, above the '
            "most one account can hold (€9,999,999,999,999,999.99)"
        )
    )  # it was "A number is too large", and only at Confirm
    assert snapshot(db) == before
    assert check_movement(db, DEPOSIT, "EUR", "1000.00", admin, entity_id=firm) == (AssetType.EUR, Decimal("1000.00"))
    fund_entity(db, firm, "EUR", "1000.00", admin)  # up to the last cent it holds
    assert get_trader_firm(db, firm, user_id=admin).eur_available == MOST_EUR


def test_certificates_past_what_a_balance_can_hold_are_refused_when_checked_in_whole_units(db, actors):
    firm, admin = actors.entity.id, actors.admin.id
    hold(db, "entity_id = :e AND asset = 'CEA'", {"e": firm}, Decimal("9999999999999000"))

    checked = refusal(ValidationError, lambda: check_movement(db, DEPOSIT, "CEA", "1000", admin, entity_id=firm))

    assert checked == (
        'Cannot fund trader firm "Trader Firm" with 1,000 CEA: it would hold 10,000,000,000,000,000 CEA, above the '
        "most one account can hold (9,999,999,999,999,999 CEA)"
    )


def test_a_market_maker_s_eur_past_what_its_balance_can_hold_is_refused_when_checked_not_overflowing(db, actors):
    admin = actors.admin.id
    atlas = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", admin, initial_eur_balance="1000")
    db.execute(
        text("UPDATE market_maker_clients SET eur_balance = :v WHERE id = :m"), {"m": atlas.id, "v": MOST_EUR}
    )  # eur_balance mirrors available + locked
    hold(db, "market_maker_id = :m AND asset = 'EUR'", {"m": atlas.id}, MOST_EUR)
    before = snapshot(db)

    checked = refusal(
        ValidationError, lambda: check_movement(db, DEPOSIT, "EUR", "0.01", admin, market_maker_id=atlas.id)
    )

    assert checked == refusal(ValidationError, lambda: fund_market_maker(db, atlas.id, "EUR", "0.01", admin))
    assert checked.startswith('Cannot fund market maker "Atlas" with €0.01: it would hold €10,000,000,000,000,000.00')
    assert snapshot(db) == before


def test_checking_a_deposit_into_a_market_maker_deactivated_meanwhile_refuses_it_as_funding_would(db, actors):
    admin = actors.admin.id
    atlas = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", admin)
    deactivate_market_maker(db, atlas.id, admin)  # another admin, while the Fund dialog was open
    before = snapshot(db)

    checked = refusal(Conflict, lambda: check_movement(db, DEPOSIT, "EUR", "100", admin, market_maker_id=atlas.id))

    assert checked == refusal(Conflict, lambda: fund_market_maker(db, atlas.id, "EUR", "100", admin))
    assert checked == 'Market maker "Atlas" is deactivated and cannot be funded'
    assert snapshot(db) == before
