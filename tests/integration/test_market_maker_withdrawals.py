"""Withdrawals out of a market maker (withdraw_account, through core's withdraw_market_maker): only what is available
leaves, with one WITHDRAWAL ledger row and a WITHDRAW_ACCOUNT ticket; anything else is refused and changes nothing,
also when two withdrawals, or a withdrawal and an order, race for the same balance."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from core.entities import get_entity_balances
from core.enums import AssetType, TransactionType
from core.errors import InsufficientFunds, NotFound, PermissionDenied, ValidationError
from core.funding import check_movement, move_funds
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.market_makers import (
    create_market_maker,
    deactivate_market_maker,
    get_market_maker,
    get_market_maker_ledger,
    withdraw_market_maker,
)
from core.orders import place_order
from tests.helpers import Actors, make_actors, snapshot
from tests.lockstep import sessions
from tests.module_database import cloned_session_factory

WITHDRAW_SQL = "SELECT withdraw_account(%s, NULL, %s, %s, %s)"


def assert_healthy(db: Session) -> None:
    assert verify_ledger(db) == []
    assert check_invariants(db) == []


def ticket(db: Session, ticket_id: str) -> dict:
    row = db.execute(text("SELECT * FROM ticket_logs WHERE ticket_id = :t"), {"t": ticket_id}).mappings().one()
    db.rollback()
    return dict(row)


# --- what a withdrawal does (each test on its own database) ---------------------------------------------------------


def test_a_withdrawal_takes_eur_from_available_with_one_ledger_row_and_its_ticket(db, actors):
    lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000.50")

    entry = withdraw_market_maker(db, lp.id, "EUR", "400.25", actors.admin.id)

    assert (entry.transaction_type, entry.asset, entry.amount) == ("WITHDRAWAL", "EUR", Decimal("400.25"))
    assert (entry.available_before, entry.available_after) == (Decimal("1000.50"), Decimal("600.25"))
    assert get_market_maker_ledger(db, lp.id, user_id=actors.admin.id)[0].id == entry.id
    after = get_market_maker(db, lp.id, user_id=actors.admin.id)
    assert (after.eur_available, after.eur_balance) == (Decimal("600.25"), Decimal("600.25"))
    logged = ticket(db, entry.ticket_id)
    assert (logged["action"], logged["entity_type"], logged["entity_id"]) == ("WITHDRAW_ACCOUNT", "market_maker", lp.id)
    assert logged["after_state"] == {"asset": "EUR", "available": 600.25, "locked": 0, "withdrawn": 400.25}
    assert_healthy(db)


def test_everything_an_asset_holder_holds_can_be_withdrawn_including_the_eur_it_earned_selling(db, actors):
    lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000")
    ah = create_market_maker(db, "Cedar", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 400})
    place_order(db, actors.admin.id, "CEA", "SELL", "LIMIT", 10, "14.00", market_maker_id=ah.id)
    place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 10, "14.00", market_maker_id=lp.id)

    withdraw_market_maker(db, ah.id, "CEA", 390, actors.admin.id)
    withdraw_market_maker(db, ah.id, "EUR", "140.00", actors.admin.id)
    withdraw_market_maker(db, lp.id, "CEA", 10, actors.admin.id)

    emptied = get_market_maker(db, ah.id, user_id=actors.admin.id)
    assert (emptied.cea_available, emptied.eur_available) == (0, 0)
    assert get_market_maker(db, lp.id, user_id=actors.admin.id).cea_available == 0
    assert_healthy(db)


def test_a_deactivated_market_maker_s_funds_can_still_be_returned(db, actors):
    lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="500")
    deactivate_market_maker(db, lp.id, actors.admin.id)

    entry = withdraw_market_maker(db, lp.id, "EUR", "500", actors.admin.id)

    assert entry.available_after == 0
    assert get_market_maker(db, lp.id, user_id=actors.admin.id).eur_balance == 0
    assert_healthy(db)


def test_a_trader_firm_s_eur_is_withdrawn_through_the_same_path(db, actors):
    firm = actors.entity.id
    db.execute(text("SELECT fund_account(NULL, :e, 'EUR', 250, :by)"), {"e": firm, "by": actors.admin.id})
    db.commit()

    entry = move_funds(db, TransactionType.WITHDRAWAL, "EUR", "100.00", actors.admin.id, entity_id=firm)

    assert (entry.entity_id, entry.available_after) == (firm, Decimal("150.00"))
    assert get_entity_balances(db, firm, user_id=actors.admin.id)["EUR"].available == Decimal("150.00")
    assert ticket(db, entry.ticket_id)["entity_type"] == "entity"
    assert_healthy(db)


# --- refusals (one shared database: each proves it changed nothing) -------------------------------------------------


@dataclass(frozen=True)
class Scene:
    actors: Actors
    lp: int  # €1,000.00 available, €600.00 locked by a resting BUY
    ah: int  # 400 CEA available
    empty: int  # a liquidity provider with nothing


@pytest.fixture(scope="module")
def shared(pg_admin_url: str, template_name: str) -> Iterator[sessionmaker[Session]]:
    with cloned_session_factory(pg_admin_url, template_name) as session_factory:
        yield session_factory


@pytest.fixture(scope="module")
def scene(shared: sessionmaker[Session]) -> Scene:
    with shared() as db:
        actors = make_actors(db)
        admin = actors.admin.id
        lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", admin, initial_eur_balance="1600").id
        place_order(db, admin, "CEA", "BUY", "LIMIT", 60, "10.00", market_maker_id=lp)
        ah = create_market_maker(db, "Cedar", "ASSET_HOLDER", admin, initial_balances={"CEA": 400}).id
        empty = create_market_maker(db, "Empty", "LIQUIDITY_PROVIDER", admin).id
        return Scene(actors, lp, ah, empty)


@pytest.fixture
def shared_db(shared: sessionmaker[Session]) -> Iterator[Session]:
    with shared() as session:
        yield session


def refused(db: Session, error: type[Exception], call) -> str:
    """The message of ``call``'s refusal, once it is proven to have changed nothing."""
    before = snapshot(db)

    with pytest.raises(error) as refusal:
        call()

    assert snapshot(db) == before
    return refusal.value.message


def test_more_than_available_is_refused_saying_how_much_is_available_and_changes_nothing(shared_db, scene):
    message = refused(
        shared_db,
        InsufficientFunds,
        lambda: withdraw_market_maker(shared_db, scene.ah, "CEA", 401, scene.actors.admin.id),
    )

    assert message == 'Cannot withdraw 401 CEA from market maker "Cedar": only 400 CEA is available'


def test_funds_locked_in_open_orders_cannot_be_withdrawn_and_the_refusal_says_where_they_are(shared_db, scene):
    message = refused(
        shared_db,
        InsufficientFunds,
        lambda: withdraw_market_maker(shared_db, scene.lp, "EUR", "1000.01", scene.actors.admin.id),
    )

    assert message == (
        'Cannot withdraw €1,000.01 from market maker "Atlas": only €1,000.00 is available; '
        "the other €600.00 is locked in open orders until they are cancelled or filled"
    )


def test_checking_a_withdrawal_before_confirming_it_refuses_what_the_withdrawal_would_and_moves_nothing(
    shared_db, scene
):
    admin = scene.actors.admin.id
    withdrawal = TransactionType.WITHDRAWAL

    message = refused(
        shared_db,
        InsufficientFunds,
        lambda: check_movement(shared_db, withdrawal, "EUR", "1000.01", admin, market_maker_id=scene.lp),
    )
    before = snapshot(shared_db)
    checked = check_movement(shared_db, withdrawal, "EUR", "1,000.00", admin, market_maker_id=scene.lp)

    assert message == refused(
        shared_db, InsufficientFunds, lambda: withdraw_market_maker(shared_db, scene.lp, "EUR", "1000.01", admin)
    )  # the one rule, check_withdrawal, word for word
    assert checked == (AssetType.EUR, Decimal("1000.00"))
    assert snapshot(shared_db) == before  # a check passed moves nothing either


@pytest.mark.parametrize(
    ("asset", "amount", "fragment"),
    [
        ("EUR", 0, "greater than zero"),
        ("EUR", "-5", "greater than zero, got -5"),
        ("EUR", "abc", "must be a number, got 'abc'"),
        ("EUR", "2000000000000", "Amount 2000000000000 is above the maximum"),
        ("EUR", "0.001", "at most 2 decimals (cents), got 0.001"),
        ("CEA", "1.5", "CEA certificates are whole units, got 1.5"),
        ("EUR", "NaN", "finite"),
        ("GOLD", 1, "Unknown asset type"),
    ],
)
def test_a_malformed_withdrawal_is_refused_by_core_naming_the_amount_and_changes_nothing(
    shared_db, scene, asset, amount, fragment
):
    message = refused(
        shared_db,
        ValidationError,
        lambda: withdraw_market_maker(shared_db, scene.lp, asset, amount, scene.actors.admin.id),
    )

    assert fragment in message


@pytest.mark.parametrize(
    ("asset", "amount", "message"),
    [
        ("EUR", "NaN", "Amount must be a positive number, got NaN"),
        ("EUR", "0.001", "EUR amounts have at most 2 decimals, got 0.001"),
        ("CEA", "1.5", "CEA certificates are whole units, got 1.5"),
    ],
)
def test_a_malformed_amount_sent_to_sql_is_refused_as_malformed_even_from_an_empty_account(
    shared_db, scene, asset, amount, message
):
    before = snapshot(shared_db)

    with pytest.raises(DBAPIError) as refusal:
        shared_db.execute(
            text("SELECT withdraw_account(:mm, NULL, :a, CAST(:v AS numeric), :by)"),
            {"mm": scene.empty, "a": asset, "v": amount, "by": scene.actors.admin.id},
        )
    shared_db.rollback()

    assert (refusal.value.orig.sqlstate, refusal.value.orig.diag.message_primary) == ("CB400", message)
    assert snapshot(shared_db) == before


def test_an_admin_moves_funds_only_by_deposit_or_withdrawal(shared_db, scene):
    message = refused(
        shared_db,
        ValidationError,
        lambda: move_funds(shared_db, "LOCK", "EUR", 1, scene.actors.admin.id, market_maker_id=scene.lp),
    )

    assert message == "An admin moves funds by DEPOSIT or WITHDRAWAL, not LOCK"


def test_a_withdrawal_from_an_unknown_market_maker_is_not_found(shared_db, scene):
    message = refused(
        shared_db, NotFound, lambda: withdraw_market_maker(shared_db, 10**12, "EUR", 1, scene.actors.admin.id)
    )

    assert message == f"Market maker {10**12} does not exist"


@pytest.mark.parametrize("role", ["analyst", "trader"])
def test_only_admins_withdraw_in_core_and_in_sql(shared_db, scene, role):
    who = getattr(scene.actors, role).id
    before = snapshot(shared_db)

    with pytest.raises(PermissionDenied, match="Only admins may withdraw from market makers"):
        withdraw_market_maker(shared_db, scene.ah, "CEA", 1, who)
    with pytest.raises(DBAPIError) as direct:
        shared_db.execute(text("SELECT withdraw_account(:mm, NULL, 'CEA', 1, :by)"), {"mm": scene.ah, "by": who})
    shared_db.rollback()

    assert direct.value.orig.sqlstate == "CB403"
    assert direct.value.orig.diag.message_primary == "Only active admins may withdraw funds"
    assert snapshot(shared_db) == before


# --- races (lock-step sessions, and a storm of threads) -------------------------------------------------------------


def test_two_withdrawals_racing_for_one_balance_cannot_both_take_what_only_one_can(db, actors, database_url):
    lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000").id
    admin = actors.admin.id
    with sessions(database_url, "first", "second") as (observer, first, second):
        first.run("BEGIN")
        first.run(WITHDRAW_SQL, (lp, "EUR", 700, admin))
        racing = second.start(WITHDRAW_SQL, (lp, "EUR", 700, admin))
        assert observer.until_waiting(second, racing) == "transactionid"  # on the balance row first holds

        first.run("COMMIT")
        with pytest.raises(psycopg.Error) as refusal:
            racing.result(timeout=20)

    assert refusal.value.sqlstate == "CB402"
    assert "only €300.00 is available" in refusal.value.diag.message_primary
    assert get_market_maker(db, lp, user_id=admin).eur_available == Decimal("300.00")
    assert_healthy(db)


def test_a_withdrawal_waiting_behind_an_order_sees_the_funds_it_locked_and_cannot_take_them(db, actors, database_url):
    lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000").id
    admin = actors.admin.id
    with sessions(database_url, "order", "withdrawal") as (observer, order, withdrawal):
        order.run("BEGIN")
        order.run("SELECT enter_order(%s, 'CEA', 'BUY', 'LIMIT', 60, 10, %s, false, gen_random_uuid())", (admin, lp))
        racing = withdrawal.start(WITHDRAW_SQL, (lp, "EUR", 500, admin))
        assert observer.until_waiting(withdrawal, racing) == "transactionid"

        order.run("COMMIT")
        with pytest.raises(psycopg.Error) as refusal:
            racing.result(timeout=20)

    assert refusal.value.sqlstate == "CB402"
    assert refusal.value.diag.message_primary == (
        'Cannot withdraw €500.00 from market maker "Atlas": only €400.00 is available; '
        "the other €600.00 is locked in open orders until they are cancelled or filled"
    )
    assert_healthy(db)


def test_many_withdrawals_at_once_take_exactly_what_was_available_and_never_more(db, actors, session_factory):
    lp = create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000").id

    def withdraw_five_times(_: int) -> list[bool]:
        done = []
        with session_factory() as session:
            for _ in range(5):
                try:
                    withdraw_market_maker(session, lp, "EUR", "30", actors.admin.id)
                    done.append(True)
                except InsufficientFunds:
                    done.append(False)
        return done

    with ThreadPoolExecutor(8) as pool:
        outcomes = [ok for thread in pool.map(withdraw_five_times, range(8)) for ok in thread]

    assert outcomes.count(True) == 33  # 33 × €30 = €990 of €1,000; the other 7 were refused
    assert get_market_maker(db, lp, user_id=actors.admin.id).eur_available == Decimal("10.00")
    assert_healthy(db)
