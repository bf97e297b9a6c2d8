"""Users: argon2 hashes, sign-in, and the lockout after repeated failures."""

import subprocess
import sys

import pytest
from sqlalchemy import text

from core.db import PROJECT_ROOT
from core.entities import create_entity
from core.errors import AuthenticationFailed, Conflict, NotFound, ValidationError
from core.users import authenticate, create_user
from tests.helpers import PASSWORD, snapshot


def test_passwords_are_stored_as_argon2_hashes_only(db):
    create_user(db, "alice", PASSWORD, "ANALYST")

    stored = db.execute(text("SELECT password_hash FROM users WHERE username = 'alice'")).scalar_one()

    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_the_app_hashes_with_rfc_9106s_low_memory_profile_though_the_suite_hashes_cheaply():
    # tests/conftest.py swaps in argon2's cheapest parameters for the suite: the app's are read where it is not
    script = "from core.users import hash_password; print(hash_password('a password'))"

    stored = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_right_password_signs_in_case_insensitively_by_username(db):
    create_user(db, "Alice", PASSWORD, "ADMIN")

    user = authenticate(db, "alice", PASSWORD)

    assert (user.username, user.role.value) == ("Alice", "ADMIN")
    assert user.last_login_at is not None


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(db):
    create_user(db, "alice", PASSWORD, "ADMIN")

    with pytest.raises(AuthenticationFailed) as wrong_password:
        authenticate(db, "alice", "nope-nope-nope")
    with pytest.raises(AuthenticationFailed) as unknown_user:
        authenticate(db, "mallory", "nope-nope-nope")

    assert wrong_password.value.message == unknown_user.value.message == "Wrong username or password"


def test_repeated_failures_lock_the_account_even_for_the_right_password(db):
    create_user(db, "alice", PASSWORD, "ADMIN")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed, match="Wrong username"):
            authenticate(db, "alice", "bad password")

    with pytest.raises(AuthenticationFailed, match="locked"):
        authenticate(db, "alice", "bad password")
    with pytest.raises(AuthenticationFailed, match="Too many failed sign-in attempts"):
        authenticate(db, "alice", PASSWORD)


def test_the_lock_lifts_by_itself_once_it_expires(db):
    create_user(db, "alice", PASSWORD, "ADMIN")
    db.execute(text("INSERT INTO login_failures VALUES ('alice', 0, now() - interval '1 second')"))
    db.commit()

    assert authenticate(db, "alice", PASSWORD).username == "alice"


def test_a_deactivated_user_cannot_sign_in(db):
    create_user(db, "alice", PASSWORD, "ANALYST")
    db.execute(text("UPDATE users SET is_active = false"))
    db.commit()

    with pytest.raises(AuthenticationFailed, match="deactivated"):
        authenticate(db, "alice", PASSWORD)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"username": "bob", "password": "short", "role": "ADMIN"}, ValidationError, "at least 8"),
        ({"username": "bob", "password": PASSWORD, "role": "ROOT"}, ValidationError, "Unknown role"),
        ({"username": "bob", "password": PASSWORD, "role": "TRADER"}, ValidationError, "must belong to an entity"),
        ({"username": "b", "password": PASSWORD, "role": "ADMIN"}, ValidationError, "3 to 50"),
        ({"username": "bob; drop", "password": PASSWORD, "role": "ADMIN"}, ValidationError, "3 to 50"),
        ({"username": "bob", "password": PASSWORD, "role": "TRADER", "entity_id": 10**9}, NotFound, "does not exist"),
        ({"username": "alice", "password": PASSWORD, "role": "ADMIN"}, Conflict, "taken"),
    ],
)
def test_bad_users_are_refused_and_change_nothing(db, kwargs, error, fragment):
    create_user(db, "alice", PASSWORD, "ADMIN")
    before = snapshot(db)

    with pytest.raises(error, match=fragment):
        create_user(db, **kwargs)

    assert snapshot(db) == before


def test_a_trader_belongs_to_its_firm(db):
    admin = create_user(db, "alice", PASSWORD, "ADMIN")
    firm = create_entity(db, "Firm", admin.id)

    trader = create_user(db, "tom", PASSWORD, "TRADER", entity_id=firm.id)

    assert trader.entity_id == firm.id
