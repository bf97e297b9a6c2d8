"""User administration (core.user_accounts over create_user_account, deactivate_user, reactivate_user and
reset_user_password): what each write does, with its ticket; every refusal, in core and in SQL, changes nothing;
and two admins deactivating each other at once leave one of them active."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from core import sessions
from core.config import get_settings
from core.errors import AuthenticationFailed, Conflict, InvalidFields, NotFound, PermissionDenied, ValidationError
from core.sqlcall import unit_of_work
from core.user_accounts import (
    create_user_account,
    deactivate_user,
    list_users,
    reactivate_user,
    reset_user_password,
)
from core.users import authenticate, create_user, hash_password
from tests.helpers import PASSWORD, Actors, make_actors, snapshot
from tests.lockstep import sessions as lockstep_sessions
from tests.module_database import cloned_session_factory


def tickets(db: Session, user_id: int) -> list[dict]:
    rows = db.execute(
        text(
            "SELECT action, actor_id, before_state, after_state FROM ticket_logs "
            "WHERE entity_type = 'user' AND entity_id = :u ORDER BY id"
        ),
        {"u": user_id},
    ).mappings()
    result = [dict(r) for r in rows]
    db.rollback()
    return result


# --- what each write does (each test on its own database) ----------------------------------------------------------


def test_a_new_trader_signs_in_with_the_one_time_password_and_the_ticket_never_holds_it(db, actors):
    issued = create_user_account(db, " desk.trader ", "TRADER", actors.entity.id, created_by_id=actors.admin.id)

    signed_in = authenticate(db, "desk.trader", issued.password)

    assert (signed_in.id, signed_in.role, signed_in.entity_id) == (issued.user.id, "TRADER", actors.entity.id)
    assert len(issued.password) >= 20 and issued.password not in repr(issued)
    [ticket] = tickets(db, issued.user.id)
    assert (ticket["action"], ticket["actor_id"]) == ("CREATE_USER", actors.admin.id)
    assert ticket["after_state"] == {"username": "desk.trader", "role": "TRADER", "entity_id": actors.entity.id}
    assert issued.password not in str(ticket) and "argon2" not in str(ticket)
    listed = {u.username: u for u in list_users(db, "TRADER", user_id=actors.admin.id)}
    assert set(listed) == {"desk.trader", "trader"}
    assert listed["desk.trader"].entity_name == actors.entity.name


def test_a_deactivated_user_is_signed_out_refused_at_sign_in_and_back_in_once_reactivated(db, actors):
    token = sessions.create(db, actors.trader.id)

    deactivate_user(db, actors.trader.id, created_by_id=actors.admin.id)

    assert sessions.resolve(db, token) is None
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        authenticate(db, "trader", PASSWORD)
    assert reactivate_user(db, actors.trader.id, created_by_id=actors.admin.id).is_active
    assert authenticate(db, "trader", PASSWORD).id == actors.trader.id
    assert sessions.resolve(db, token) is None  # the old session stays ended
    assert [t["action"] for t in tickets(db, actors.trader.id)] == ["DEACTIVATE_USER", "REACTIVATE_USER"]


def test_a_reset_password_replaces_the_old_one_ends_every_session_and_lifts_the_lockout(db, actors):
    token = sessions.create(db, actors.analyst.id)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "analyst", "wrong password")
    with pytest.raises(AuthenticationFailed, match="Too many failed sign-in attempts"):
        authenticate(db, "analyst", PASSWORD)

    issued = reset_user_password(db, actors.analyst.id, created_by_id=actors.admin.id)

    assert sessions.resolve(db, token) is None
    assert authenticate(db, "analyst", issued.password).id == actors.analyst.id
    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        authenticate(db, "analyst", PASSWORD)
    [ticket] = tickets(db, actors.analyst.id)
    assert ticket["action"] == "RESET_USER_PASSWORD" and issued.password not in str(ticket)


def test_the_user_list_says_until_when_too_many_failed_sign_ins_lock_a_name_whatever_its_case(db, actors):
    for _ in range(get_settings().login_max_failures):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "TRADER", "wrong password")  # counted under the lower-cased name
    with pytest.raises(AuthenticationFailed):
        authenticate(db, "analyst", "wrong password")  # one failure: not locked
    now = db.execute(text("SELECT now()")).scalar_one()
    db.rollback()

    listed = {u.username: u.locked_until for u in list_users(db, user_id=actors.admin.id)}

    assert listed["analyst"] is None and listed["admin"] is None
    assert now < listed["trader"] <= now + timedelta(seconds=get_settings().login_lockout_seconds + 60)
    reset_user_password(db, actors.trader.id, created_by_id=actors.admin.id)
    assert [u.locked_until for u in list_users(db, "TRADER", user_id=actors.admin.id)] == [None]


def insert_before_0021(db: Session, username: str, role: str = "ANALYST") -> int:
    """A user as revision 0021 found them: inserted without ``claim_username``, so it may read like another."""
    user_id = db.execute(
        text("INSERT INTO users (username, password_hash, role) VALUES (:u, :h, CAST(:r AS user_role)) RETURNING id"),
        {"u": username, "h": hash_password(PASSWORD), "r": role},
    ).scalar_one()
    db.commit()
    return user_id


def test_the_user_list_marks_each_user_whose_username_reads_like_another_users(db, actors):
    insert_before_0021(db, "T.rader")  # beside "trader"
    insert_before_0021(db, "tra-der", "ADMIN")
    insert_before_0021(db, "analyst2")  # another digit: reads apart from "analyst"

    listed = {u.username: u.reads_like for u in list_users(db, user_id=actors.admin.id)}
    analysts = {u.username: u.reads_like for u in list_users(db, "ANALYST", user_id=actors.admin.id)}

    assert listed == {
        "admin": (),
        "analyst": (),
        "analyst2": (),
        "T.rader": ("tra-der", "trader"),
        "tra-der": ("T.rader", "trader"),
        "trader": ("T.rader", "tra-der"),
    }
    assert analysts["T.rader"] == ("tra-der", "trader")  # whatever the role shown, look-alikes of any role


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("jane.doe", "JaneDoe"),
        ("j.doe", "j_doe"),
        ("j.doe", "J-Doe"),
        ("a.b_c-d", "ABCD"),
        ("jdoe", "jdoe2"),
        ("jdoe", "jdoes"),
        ("jdoe", "jode"),
        ("j1doe", "jldoe"),
        ("xy.1", "xy1"),
    ],
)
def test_the_user_list_reads_two_names_alike_exactly_when_claim_username_refuses_the_second_beside_the_first(
    db, actors, first, second
):
    insert_before_0021(db, first)
    try:
        with unit_of_work(db):
            db.execute(text("SELECT claim_username(:u)"), {"u": second})
        refused = False
    except Conflict:
        refused = True
    insert_before_0021(db, second)

    listed = {u.username: u.reads_like for u in list_users(db, user_id=actors.admin.id)}

    assert (listed[second] == (first,)) == refused
    assert (listed[first] == (second,)) == refused


def test_the_database_never_switches_off_its_last_active_admin_even_by_hand(db, actors):
    second = create_user(db, "second.admin", PASSWORD, "ADMIN")
    deactivate_user(db, second.id, created_by_id=actors.admin.id)
    before = snapshot(db)

    with pytest.raises(DBAPIError, match="last active admin"):
        db.execute(text("UPDATE users SET is_active = false WHERE role = 'ADMIN'"))

    db.rollback()
    assert snapshot(db) == before


def test_two_admins_deactivating_each_other_at_once_leave_one_of_them_active(db, actors, database_url):
    second = create_user(db, "second.admin", PASSWORD, "ADMIN")
    first = actors.admin

    with lockstep_sessions(database_url, "first", "second") as (observer, one, two):
        one.run("BEGIN")
        one.run("SELECT deactivate_user(%s, %s)", (second.id, first.id))
        deactivating_first = two.start("SELECT deactivate_user(%s, %s)", (first.id, second.id))
        observer.until_waiting(two, deactivating_first)  # on the admins' rows, which the first holds

        one.run("COMMIT")

        with pytest.raises(psycopg.Error, match="Only active admins may deactivate users"):
            deactivating_first.result(timeout=20)

    active_admins = db.execute(text("SELECT username FROM users WHERE role = 'ADMIN' AND is_active")).scalars()
    assert list(active_admins) == ["admin"]


def test_two_admins_adding_look_alike_usernames_at_once_queue_and_the_second_is_refused(db, actors, database_url):
    hashed = hash_password(PASSWORD)

    with lockstep_sessions(database_url, "first", "second") as (observer, one, two):
        one.run("BEGIN")
        one.run("SELECT create_user_account('j.doe', %s, 'ANALYST', NULL, %s)", (hashed, actors.admin.id))
        adding_look_alike = two.start(
            "SELECT create_user_account('J_Doe', %s, 'ANALYST', NULL, %s)", (hashed, actors.admin.id)
        )
        observer.until_waiting(two, adding_look_alike)  # on the look-alike's advisory lock, which the first holds

        one.run("COMMIT")

        with pytest.raises(psycopg.Error, match=re.escape('The username "J_Doe" reads like "j.doe"')):
            adding_look_alike.result(timeout=20)

    added = db.execute(text("SELECT username FROM users WHERE lower(username) LIKE 'j%doe'")).scalars()
    assert list(added) == ["j.doe"]


@pytest.mark.parametrize(
    ("isolation", "refusal"),
    [("READ COMMITTED", "is the last active admin"), ("REPEATABLE READ", "could not serialize")],
)
def test_two_hand_written_updates_switching_off_the_two_admins_at_once_leave_one_active(
    db, actors, database_url, isolation, refusal
):
    second = create_user(db, "second.admin", PASSWORD, "ADMIN")

    with lockstep_sessions(database_url, "first", "second") as (observer, one, two):
        one.run(f"BEGIN ISOLATION LEVEL {isolation}")
        two.run(f"BEGIN ISOLATION LEVEL {isolation}")
        two.run("SELECT 1")  # its snapshot is taken now, while both admins are active
        one.run("UPDATE users SET is_active = false WHERE id = %s", (actors.admin.id,))
        switching_off_second = two.start("UPDATE users SET is_active = false WHERE id = %s", (second.id,))
        observer.until_waiting(two, switching_off_second)  # on the one row that counts the active admins

        one.run("COMMIT")

        with pytest.raises(psycopg.Error, match=refusal):
            switching_off_second.result(timeout=20)
        two.run("ROLLBACK")

    active_admins = db.execute(text("SELECT username FROM users WHERE role = 'ADMIN' AND is_active")).scalars()
    assert list(active_admins) == ["second.admin"]
    assert db.execute(text("SELECT * FROM check_invariants()")).all() == []


# --- refusals (one shared database: each proves it changed nothing) -------------------------------------------------


@dataclass(frozen=True)
class Scene:
    actors: Actors
    retired: int  # a deactivated analyst
    retired_admin: int  # a deactivated admin


@pytest.fixture(scope="module")
def shared(pg_admin_url: str, template_name: str) -> Iterator[sessionmaker[Session]]:
    with cloned_session_factory(pg_admin_url, template_name) as session_factory:
        yield session_factory


@pytest.fixture(scope="module")
def scene(shared: sessionmaker[Session]) -> Scene:
    with shared() as db:
        actors = make_actors(db)
        retired = create_user(db, "retired", PASSWORD, "ANALYST").id
        retired_admin = create_user(db, "retired.admin", PASSWORD, "ADMIN").id
        deactivate_user(db, retired, created_by_id=actors.admin.id)
        deactivate_user(db, retired_admin, created_by_id=actors.admin.id)
        return Scene(actors, retired, retired_admin)


@pytest.fixture
def shared_db(shared: sessionmaker[Session]) -> Iterator[Session]:
    with shared() as session:
        yield session


def refusals(scene: Scene) -> list[tuple[str, object, type, str]]:
    """(what is tried, the call, the error, what it says): each by core, and each rule again by SQL directly."""
    a = scene.actors
    admin, analyst, trader, firm = a.admin.id, a.analyst.id, a.trader.id, a.entity.id
    return [
        (
            "a taken username",
            lambda db: create_user_account(db, "TRADER", "ANALYST", created_by_id=admin),
            Conflict,
            'The username "TRADER" is taken by "trader" (usernames ignore case)',
        ),
        (
            "a username reading like one taken",
            lambda db: create_user_account(db, "T.rader", "ANALYST", created_by_id=admin),
            Conflict,
            'The username "T.rader" reads like "trader", who exists already',
        ),
        (
            "a username ending in a sign",
            lambda db: create_user_account(db, "trader.", "ANALYST", created_by_id=admin),
            InvalidFields,
            "starts and ends with a letter or a digit",
        ),
        (
            "the first admin's name reading like one taken (no acting admin: core.cli create-admin)",
            lambda db: create_user(db, "ad_min", PASSWORD, "ADMIN"),
            Conflict,
            'The username "ad_min" reads like "admin", who exists already',
        ),
        (
            "a bad username",
            lambda db: create_user_account(db, "a b", "ANALYST", created_by_id=admin),
            InvalidFields,
            "only Latin letters a-z, digits",
        ),
        (
            "a trader without a firm",
            lambda db: create_user_account(db, "bob", "TRADER", created_by_id=admin),
            InvalidFields,
            "must belong to a trader firm",
        ),
        (
            "an analyst with a firm",
            lambda db: create_user_account(db, "bob", "ANALYST", firm, created_by_id=admin),
            InvalidFields,
            "An analyst belongs to no trader firm",
        ),
        (
            "an unknown firm",
            lambda db: create_user_account(db, "bob", "TRADER", 10**9, created_by_id=admin),
            NotFound,
            "Trader firm 1000000000 does not exist",
        ),
        (
            "an analyst adding a user",
            lambda db: create_user_account(db, "bob", "ANALYST", created_by_id=analyst),
            PermissionDenied,
            "Only admins may add users",
        ),
        (
            "a deactivated admin",
            lambda db: deactivate_user(db, trader, created_by_id=scene.retired_admin),
            PermissionDenied,
            "Only an active signed-in user",
        ),
        (
            "deactivating oneself",
            lambda db: deactivate_user(db, admin, created_by_id=admin),
            Conflict,
            "You cannot deactivate yourself",
        ),
        (
            "deactivating twice",
            lambda db: deactivate_user(db, scene.retired, created_by_id=admin),
            Conflict,
            'User "retired" is already deactivated',
        ),
        (
            "reactivating an active user",
            lambda db: reactivate_user(db, trader, created_by_id=admin),
            Conflict,
            'User "trader" is already active',
        ),
        (
            "an unknown user",
            lambda db: reset_user_password(db, 10**9, created_by_id=admin),
            NotFound,
            "User 1000000000 does not exist",
        ),
        (
            "resetting one's own password",
            lambda db: reset_user_password(db, admin, created_by_id=admin),
            Conflict,
            "cannot reset your own password",
        ),
        (
            "a trader resetting a password",
            lambda db: reset_user_password(db, analyst, created_by_id=trader),
            PermissionDenied,
            "Only admins may reset passwords",
        ),
        # the stored functions refuse on their own, whatever core checked first
        (
            "SQL: an analyst adding a user",
            lambda db: sql(db, "create_user_account('bob', :h, 'ANALYST', NULL, :by)", by=analyst),
            PermissionDenied,
            "Only active admins may add users",
        ),
        (
            "SQL: a trader without a firm",
            lambda db: sql(db, "create_user_account('bob', :h, 'TRADER', NULL, :by)", by=admin),
            ValidationError,
            "A trader must belong to a trader firm",
        ),
        (
            "SQL: a username reading like one taken",
            lambda db: sql(db, "create_user_account(' Tra-der ', :h, 'ANALYST', NULL, :by)", by=admin),
            Conflict,
            'The username "Tra-der" reads like "trader"',
        ),
        (
            "SQL: an analyst deactivating",
            lambda db: sql(db, f"deactivate_user({trader}, :by)", by=analyst),
            PermissionDenied,
            "Only active admins may deactivate users",
        ),
        (
            "SQL: a trader reactivating",
            lambda db: sql(db, f"reactivate_user({scene.retired}, :by)", by=trader),
            PermissionDenied,
            "Only active admins may reactivate users",
        ),
        (
            "SQL: an analyst resetting",
            lambda db: sql(db, f"reset_user_password({trader}, :h, :by)", by=analyst),
            PermissionDenied,
            "Only active admins may reset passwords",
        ),
    ]


def sql(db: Session, call: str, *, by: int) -> None:
    with unit_of_work(db):
        db.execute(text(f"SELECT {call}"), {"h": hash_password(PASSWORD), "by": by})


def test_every_refused_user_change_says_why_and_changes_nothing(shared_db, scene):
    before = snapshot(shared_db)

    for tried, call, error, says in refusals(scene):
        with pytest.raises(error) as refused:
            call(shared_db)
        assert says in refused.value.message, tried

    assert snapshot(shared_db) == before


def test_a_taken_username_is_said_with_the_other_faults_not_once_they_are_fixed(shared_db, scene):
    with pytest.raises(InvalidFields) as refused:
        create_user_account(shared_db, "Tra-der", "TRADER", created_by_id=scene.actors.admin.id)

    assert refused.value.faults == {
        "username": 'The username "Tra-der" reads like "trader", who exists already: choose a name that differs in '
        "its letters or digits",
        "entity_id": "A trader must belong to a trader firm: choose one",
    }


def test_whether_a_username_is_taken_is_never_told_to_a_non_admin(shared_db, scene):
    with pytest.raises(PermissionDenied, match="Only admins may add users"):
        create_user_account(shared_db, "trader", "TRADER", created_by_id=scene.actors.analyst.id)


def test_a_refused_creation_names_every_field_it_refuses(shared_db, scene):
    with pytest.raises(InvalidFields) as refused:
        create_user_account(shared_db, " ", "TRADER", created_by_id=scene.actors.admin.id)

    assert refused.value.faults == {
        "username": "Username is required",
        "entity_id": "A trader must belong to a trader firm: choose one",
    }
