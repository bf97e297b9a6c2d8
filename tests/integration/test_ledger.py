"""The ledger proves the balances: verify_ledger finds every disagreement, the audit trail is append-only."""

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.ledger import verify_ledger
from core.market_makers import create_market_maker, fund_market_maker


def test_a_balance_changed_behind_the_ledger_is_reported(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=100)
    db.execute(
        text("UPDATE balances SET available = available + 1 WHERE market_maker_id = :m AND asset = 'EUR'"), {"m": mm.id}
    )
    db.commit()

    problems = verify_ledger(db)

    assert [p.problem for p in problems] == ["available differs from the sum of its ledger"]
    assert (problems[0].expected, problems[0].actual) == (100, 101)


def test_a_broken_chain_of_before_and_after_is_reported(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=100)
    fund_market_maker(db, mm.id, "EUR", 50, actors.admin.id)
    # rewrite history: the second row now claims to start from 90 (and end at 140: still type-consistent)
    db.execute(
        text("""UPDATE asset_transactions SET available_before = 90, amount = 50, available_after = 140
                       WHERE id = (SELECT max(id) FROM asset_transactions)""")
    )
    db.execute(text("UPDATE balances SET available = 140 WHERE market_maker_id = :m AND asset = 'EUR'"), {"m": mm.id})
    db.commit()

    problems = {p.problem for p in verify_ledger(db)}

    assert "available_before breaks the chain" in problems


def test_a_ledger_row_inconsistent_with_its_type_is_refused_by_the_database(db, actors):
    create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=100)

    with pytest.raises(DBAPIError, match="asset_transactions_movement_matches_type"):
        db.execute(text("UPDATE asset_transactions SET available_after = available_after + 1"))
    db.rollback()


@pytest.mark.parametrize(
    "statement", ["UPDATE ticket_logs SET action = 'X'", "DELETE FROM ticket_logs", "TRUNCATE ticket_logs CASCADE"]
)
def test_the_audit_trail_refuses_updates_and_deletes(db, actors, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text(statement))
    db.rollback()


def test_ticket_ids_follow_the_tkt_year_number_format(db, actors):
    create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)

    ids = db.execute(text("SELECT ticket_id FROM ticket_logs ORDER BY id")).scalars().all()

    assert ids and all(re.fullmatch(r"TKT-\d{4}-\d{6}", t) for t in ids)
