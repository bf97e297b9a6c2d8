"""A user's own password (core.passwords over change_own_password): a password an admin made is one-time, and until
its user chooses their own, core and SQL refuse them everything else; a change keeps its session and ends the
others; a wrong current password counts towards the lockout; a reset meanwhile wins."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core import sessions
from core.auth import require_role
from core.config import get_settings
from core.enums import Role
from core.errors import AuthenticationFailed, Conflict, InvalidFields, PermissionDenied
from core.orders import place_order
from core.passwords import CURRENT, NEW, REPEAT, change_password
from core.sqlcall import unit_of_work
from core.user_accounts import create_user_account, reset_user_password
from core.users import authenticate, get_user, hash_password
from tests.helpers import PASSWORD, snapshot

NEW_PASSWORD = "fjord lantern quietly"


def tickets(db, user_id: int) -> list[tuple[str, int]]:
    rows = db.execute(
        text("SELECT action, actor_id FROM ticket_logs WHERE entity_type = 'user' AND entity_id = :u ORDER BY id"),
        {"u": user_id},
    ).all()
    db.rollback()
    return [tuple(r) for r in rows]


def test_a_new_account_may_do_nothing_but_choose_its_own_password(db, actors):
    issued = create_user_account(db, "desk.trader", "TRADER", actors.entity.id, created_by_id=actors.admin.id)
    admin = create_user_account(db, "second.admin", "ADMIN", created_by_id=actors.admin.id)

    assert issued.user.must_change_password and admin.user.must_change_password
    assert authenticate(db, "desk.trader", issued.password).must_change_password  # signing in is allowed
    with pytest.raises(PermissionDenied, match="Choose your own password before you trade"), unit_of_work(db):
        require_role(db, issued.user.id, Role.TRADER, "trade")
    with pytest.raises(PermissionDenied, match="Choose your own password before you place orders"):
        place_order(db, issued.user.id, "EUA", "BUY", "LIMIT", 1, "10.00")
    # the stored functions refuse it too, whoever calls them directly
    with pytest.raises(DBAPIError, match="Choose your own password before you place orders"):
        db.execute(text("SELECT * FROM acting_account(:u, NULL, 'place orders')"), {"u": issued.user.id})
    db.rollback()
    with pytest.raises(DBAPIError, match="Choose your own password before you create liquidity"):
        db.execute(text("SELECT require_admin(:u, 'create liquidity')"), {"u": admin.user.id})
    db.rollback()


def test_choosing_a_password_keeps_this_session_ends_the_others_and_lifts_the_restriction(db, actors):
    issued = create_user_account(db, "desk.trader", "TRADER", actors.entity.id, created_by_id=actors.admin.id)
    here, elsewhere = sessions.create(db, issued.user.id), sessions.create(db, issued.user.id)

    changed = change_password(db, issued.user.id, issued.password, NEW_PASSWORD, NEW_PASSWORD, session_token=here)

    assert not changed.must_change_password
    assert sessions.resolve(db, here).id == issued.user.id
    assert sessions.resolve(db, elsewhere) is None
    assert sessions.ended(db, elsewhere) is sessions.SessionEnd.PASSWORD_CHANGED
    assert authenticate(db, "desk.trader", NEW_PASSWORD).id == issued.user.id
    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        authenticate(db, "desk.trader", issued.password)
    with unit_of_work(db):
        require_role(db, issued.user.id, Role.TRADER, "trade")  # allowed now
    assert tickets(db, issued.user.id) == [("CREATE_USER", actors.admin.id), ("CHANGE_PASSWORD", issued.user.id)]
    ticket = db.execute(text("SELECT after_state::text FROM ticket_logs WHERE action = 'CHANGE_PASSWORD'")).scalar()
    assert NEW_PASSWORD not in ticket and "argon2" not in ticket


def test_a_wrong_one_time_password_is_refused_as_the_one_time_password_the_form_asks_for(db, actors):
    issued = create_user_account(db, "desk.trader", "TRADER", actors.entity.id, created_by_id=actors.admin.id)
    here = sessions.create(db, issued.user.id)

    with pytest.raises(InvalidFields) as refused:
        change_password(db, issued.user.id, "not-what-was-issued", NEW_PASSWORD, NEW_PASSWORD, session_token=here)

    # the first sign-in's field reads "One-time password": "not your current password" named one never chosen
    assert refused.value.faults == {CURRENT: "This is not the one-time password you were given"}
    assert get_user(db, issued.user.id).must_change_password


def test_a_reset_makes_the_new_password_one_time_again(db, actors):
    token = sessions.create(db, actors.trader.id)
    change_password(db, actors.trader.id, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, session_token=token)

    issued = reset_user_password(db, actors.trader.id, created_by_id=actors.admin.id)

    assert issued.user.must_change_password and get_user(db, actors.trader.id).must_change_password


@pytest.mark.parametrize(
    ("current", "new", "repeat", "faults"),
    [
        ("", NEW_PASSWORD, "fjord lantern", {CURRENT: "Type your current password", REPEAT: "type the same password"}),
        (PASSWORD, "short", "short", {NEW: "at least 8 characters long; this one has 5"}),
        # both said at once: the repeat's came only at the next attempt, once the new one was long enough
        (PASSWORD, "abc", "abd", {NEW: "at least 8 characters long; this one has 3", REPEAT: "type the same password"}),
        (PASSWORD, "my trader password", "my trader password", {NEW: "must not contain the username"}),
        (PASSWORD, "x" * 1001, "x" * 1001, {NEW: "at most 1,000 characters"}),
        (PASSWORD, "password1234", "password1234", {NEW: "too easy to guess. This is a very common password."}),
        (PASSWORD, "Summer2026!", "Summer2026!", {NEW: "too easy to guess. This is similar to a commonly used"}),
        (PASSWORD, "qwertyuiop[]", "qwertyuiop[]", {NEW: "too easy to guess"}),
        (PASSWORD, "x" * 1000, "x" * 1000, {NEW: 'too easy to guess. Repeats like "aaa" are easy to guess.'}),
        (PASSWORD, None, None, {NEW: "Type a password"}),
        (PASSWORD, " " * 12, " " * 12, {NEW: "spaces alone is no password"}),
        ("wrong password", NEW_PASSWORD, NEW_PASSWORD, {CURRENT: "This is not your current password"}),
        (PASSWORD, PASSWORD, PASSWORD, {NEW: "This is your current password"}),
    ],
    ids=[
        "empty-and-mismatch",
        "short",
        "short-and-mismatch",
        "username",
        "too-long",
        "common",
        "common-with-digits-and-a-sign",
        "keyboard-row",
        "repeats",
        "none",
        "spaces",
        "wrong-current",
        "unchanged",
    ],
)
def test_every_fault_of_the_form_is_refused_under_its_field_and_changes_nothing(
    db, actors, current, new, repeat, faults
):
    token = sessions.create(db, actors.trader.id)
    before = snapshot(db)

    with pytest.raises(InvalidFields) as refused:
        change_password(db, actors.trader.id, current, new, repeat, session_token=token)

    assert set(refused.value.faults) == set(faults)
    for field, words in faults.items():
        assert words in refused.value.faults[field]
    after = snapshot(db)
    assert {k: v for k, v in after.items() if k != "login_failures"} == {
        k: v for k, v in before.items() if k != "login_failures"
    }


def test_wrong_current_passwords_count_towards_the_sign_in_lockout(db, actors):
    token = sessions.create(db, actors.trader.id)
    tries = get_settings().login_max_failures

    for _ in range(tries - 1):
        with pytest.raises(InvalidFields, match="This is not your current password"):
            change_password(db, actors.trader.id, "guess", NEW_PASSWORD, NEW_PASSWORD, session_token=token)
    with pytest.raises(InvalidFields, match="Too many failed sign-in attempts"):
        change_password(db, actors.trader.id, "guess", NEW_PASSWORD, NEW_PASSWORD, session_token=token)

    with pytest.raises(AuthenticationFailed, match="Too many failed sign-in attempts"):
        authenticate(db, actors.trader.username, PASSWORD)
    with pytest.raises(InvalidFields, match="Too many failed sign-in attempts"):  # the right one waits too
        change_password(db, actors.trader.id, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, session_token=token)


def test_a_session_that_ended_cannot_change_the_password(db, actors):
    token = sessions.create(db, actors.trader.id)
    sessions.revoke(db, token)

    with pytest.raises(PermissionDenied, match="sign in again"):
        change_password(db, actors.trader.id, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, session_token=token)
    with pytest.raises(PermissionDenied, match="sign in again"):
        change_password(db, actors.trader.id, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, session_token="not a token")

    assert authenticate(db, actors.trader.username, PASSWORD).id == actors.trader.id


def test_the_hash_verified_against_must_still_be_stored_so_a_reset_meanwhile_wins(db, actors):
    token = sessions.create(db, actors.trader.id)
    verified = db.execute(text("SELECT password_hash FROM users WHERE id = :u"), {"u": actors.trader.id}).scalar()
    meanwhile = hash_password("set by an admin meanwhile")
    db.execute(text("UPDATE users SET password_hash = :h WHERE id = :u"), {"h": meanwhile, "u": actors.trader.id})
    db.commit()

    with pytest.raises(Conflict, match="Your password was changed meanwhile"), unit_of_work(db):
        db.execute(
            text("SELECT change_own_password(:u, :verified, :new, :s)"),
            {
                "u": actors.trader.id,
                "verified": verified,
                "new": hash_password(NEW_PASSWORD),
                "s": sessions.digest(token),
            },
        )

    stored = db.execute(text("SELECT password_hash FROM users WHERE id = :u"), {"u": actors.trader.id}).scalar()
    assert stored == meanwhile
    assert sessions.resolve(db, token) is not None


@pytest.mark.parametrize("end", ["signed out", "another user's session"])
def test_a_session_that_is_not_the_user_s_live_one_tries_no_password_and_changes_nothing(db, actors, end):
    token = sessions.create(db, actors.trader.id if end == "signed out" else actors.analyst.id)
    if end == "signed out":
        sessions.revoke(db, token)
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="sign in again"):
        change_password(db, actors.trader.id, "a guess", NEW_PASSWORD, NEW_PASSWORD, session_token=token)

    assert snapshot(db) == before  # the guess was tried first, and counted towards locking the trader out
