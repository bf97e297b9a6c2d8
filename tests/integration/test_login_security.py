"""Sign-in under attack: salted argon2 hashes only, a lockout that counts every failure (also concurrent ones),
follows the configured limits on the database's clock and lifts by itself, and answers that leak nothing about
which part was wrong, nor, even after the lockout threshold, whether a username exists."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from core.config import get_settings
from core.errors import AuthenticationFailed, InvalidFields
from core.sign_in_jobs import prune_login_failure_counts
from core.users import authenticate, create_user, prune_login_failures
from tests.helpers import PASSWORD, snapshot

WRONG = "not the password"


@pytest.fixture
def login_limits(monkeypatch):
    """Override the lockout settings through the environment, as an operator would."""

    def apply(max_failures: int, lockout_seconds: int) -> None:
        monkeypatch.setenv("CARBON_LOGIN_MAX_FAILURES", str(max_failures))
        monkeypatch.setenv("CARBON_LOGIN_LOCKOUT_SECONDS", str(lockout_seconds))
        get_settings.cache_clear()

    yield apply
    monkeypatch.delenv("CARBON_LOGIN_MAX_FAILURES", raising=False)
    monkeypatch.delenv("CARBON_LOGIN_LOCKOUT_SECONDS", raising=False)
    get_settings.cache_clear()


def test_the_password_appears_nowhere_in_the_database(db):
    create_user(db, "alice", PASSWORD, "ADMIN")
    authenticate(db, "alice", PASSWORD)

    everything = repr(snapshot(db))

    assert PASSWORD not in everything
    assert "$argon2id$" in everything


def test_two_users_with_the_same_password_get_different_salted_hashes(db):
    create_user(db, "alice", PASSWORD, "ADMIN")
    create_user(db, "bob", PASSWORD, "ANALYST")

    hashes = db.execute(text("SELECT password_hash FROM users ORDER BY id")).scalars().all()

    assert len(set(hashes)) == 2
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_the_lockout_follows_the_configured_number_of_failures(db, login_limits):
    login_limits(max_failures=2, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")

    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        authenticate(db, "alice", WRONG)
    with pytest.raises(AuthenticationFailed, match="locked for 10 minute"):
        authenticate(db, "alice", WRONG)
    with pytest.raises(AuthenticationFailed, match="Too many failed sign-in attempts"):
        authenticate(db, "alice", PASSWORD)


def test_the_lock_lifts_by_itself_after_the_configured_lockout(db, login_limits):
    login_limits(max_failures=1, lockout_seconds=1)
    create_user(db, "alice", PASSWORD, "ADMIN")
    with pytest.raises(AuthenticationFailed, match="locked"):
        authenticate(db, "alice", WRONG)

    deadline = time.monotonic() + 10
    while True:  # polling: a refusal while locked does not extend the lock
        try:
            user = authenticate(db, "alice", PASSWORD)
            break
        except AuthenticationFailed as refused:
            assert "Too many failed" in refused.message
            assert time.monotonic() < deadline, "the lock never lifted"
            time.sleep(0.1)

    assert user.username == "alice"


def test_a_successful_sign_in_resets_the_failure_count(db, login_limits):
    login_limits(max_failures=3, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "alice", WRONG)

    authenticate(db, "alice", PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
            authenticate(db, "alice", WRONG)

    assert authenticate(db, "alice", PASSWORD).username == "alice"


def test_concurrent_guesses_are_all_counted_and_lock_the_account(db, session_factory, login_limits):
    login_limits(max_failures=5, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")

    def guess(_: int) -> str:
        with session_factory() as session:
            try:
                authenticate(session, "alice", WRONG)
            except AuthenticationFailed as refused:
                return refused.message
        return "signed in"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(guess, range(8)))

    assert "signed in" not in answers
    assert any("locked" in a for a in answers)
    with pytest.raises(AuthenticationFailed, match="Too many failed"):
        authenticate(db, "alice", PASSWORD)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (None, PASSWORD),
        ("alice", None),
        ("alice' OR '1'='1", PASSWORD),
        ("alice", "' OR '1'='1"),
        ("Ωmega 🚀", PASSWORD),
        ("a" * 100_000, PASSWORD),
        ("alice", "x" * 1_000_000),
    ],
    ids=[
        "none",
        "no-password",
        "sql-name",
        "sql-password",
        "unicode",
        "huge-name",
        "huge-password",
    ],
)
def test_hostile_credentials_get_the_plain_refusal_and_change_nothing(db, username, password):
    create_user(db, "alice", PASSWORD, "ADMIN")
    before = snapshot(db)

    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        authenticate(db, username, password)

    after = snapshot(db)
    if isinstance(password, str) and username == "alice":
        # a wrong password for a well-formed name is counted; nothing else moves
        assert {k: v for k, v in after.items() if k != "login_failures"} == {
            k: v for k, v in before.items() if k != "login_failures"
        }
    else:
        assert after == before


@pytest.mark.parametrize(
    ("username", "password", "asked"),
    [
        ("alice", "", {"password": "Type your password"}),  # Enter pressed in the username, before the password
        ("", PASSWORD, {"username": "Type your username"}),
        ("   ", "", {"username": "Type your username", "password": "Type your password"}),
        ("\u200b", PASSWORD, {"username": "Type your username"}),  # a zero-width space pasted alone shows nothing
    ],
    ids=["empty-password", "empty-name", "both-blank", "invisible-name"],
)
def test_a_field_left_empty_is_asked_for_and_counts_no_failed_sign_in(db, username, password, asked):
    create_user(db, "alice", PASSWORD, "ADMIN")
    before = snapshot(db)

    with pytest.raises(InvalidFields) as refused:
        authenticate(db, username, password)

    assert refused.value.faults == asked
    assert snapshot(db) == before  # no failure counted towards the lock: it was told "Wrong password" and counted


def test_a_username_with_a_nul_byte_gets_the_plain_refusal(db):
    create_user(db, "alice", PASSWORD, "ADMIN")

    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        authenticate(db, "ali\x00ce", PASSWORD)


def attempts(db, username: str, password: str, times: int) -> list[str]:
    """The answer to each of ``times`` sign-ins in a row."""
    answers = []
    for _ in range(times):
        try:
            authenticate(db, username, password)
            answers.append("signed in")
        except AuthenticationFailed as refused:
            answers.append(refused.message)
    return answers


def test_an_unknown_username_locks_exactly_like_a_real_one(db, login_limits):
    login_limits(max_failures=3, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")

    real = attempts(db, "alice", WRONG, 5)
    unknown = attempts(db, "mallory", WRONG, 5)

    assert (
        real
        == unknown
        == [
            "Wrong username or password",
            "Wrong username or password",
            "Too many failed sign-in attempts: the account is locked for 10 minutes",
            "Too many failed sign-in attempts: try again in about 10 minutes",
            "Too many failed sign-in attempts: try again in about 10 minutes",
        ]
    )


def test_an_unknown_username_is_counted_whatever_its_case(db, login_limits):
    login_limits(max_failures=2, lockout_seconds=600)

    answers = attempts(db, "Mallory", WRONG, 1) + attempts(db, "MALLORY", WRONG, 1) + attempts(db, "mallory", WRONG, 1)

    assert answers[1].startswith("Too many failed sign-in attempts: the account is locked")
    assert answers[2].startswith("Too many failed sign-in attempts: try again")


@pytest.mark.parametrize("username", ["alice", "mallory"], ids=["real", "unknown"])
def test_concurrent_guesses_on_any_name_are_counted_one_by_one(db, session_factory, login_limits, username):
    login_limits(max_failures=5, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")

    def guess(_: int) -> str:
        with session_factory() as session:
            return attempts(session, username, WRONG, 1)[0]

    with ThreadPoolExecutor(8) as pool:
        answers = sorted(pool.map(guess, range(8)))

    # exactly five guesses are weighed, the fifth locks; the other three are refused without being weighed
    assert answers == sorted(
        ["Wrong username or password"] * 4
        + ["Too many failed sign-in attempts: the account is locked for 10 minutes"]
        + ["Too many failed sign-in attempts: try again in about 10 minutes"] * 3
    )


def test_the_lock_runs_on_the_database_clock_not_the_app_servers(db, login_limits, monkeypatch):
    class HourBehind(datetime):  # the app server's clock lags the database's by an hour
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz or UTC) - timedelta(hours=1)

    monkeypatch.setattr("core.users.datetime", HourBehind, raising=False)
    login_limits(max_failures=1, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")

    attempts(db, "alice", WRONG, 1)
    right_password = attempts(db, "alice", PASSWORD, 1)

    assert right_password == ["Too many failed sign-in attempts: try again in about 10 minutes"]
    left = db.execute(text("SELECT locked_until - now() FROM login_failures WHERE username_key = 'alice'")).scalar_one()
    assert timedelta(seconds=595) < left <= timedelta(seconds=600)


def test_a_successful_sign_in_leaves_no_failure_record_behind(db, login_limits):
    login_limits(max_failures=5, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")
    attempts(db, "alice", WRONG, 2)

    authenticate(db, "alice", PASSWORD)

    assert db.execute(text("SELECT count(*) FROM login_failures")).scalar_one() == 0


def test_failure_counts_untouched_for_the_kept_hours_are_forgotten_unless_locked(db, login_limits):
    login_limits(max_failures=2, lockout_seconds=600)
    for name in ("stale", "recent", "locked"):
        attempts(db, name, WRONG, 1)
    attempts(db, "locked", WRONG, 1)  # its second failure locks it
    db.execute(
        text("UPDATE login_failures SET last_failed_at = now() - interval '25 hours' WHERE username_key <> 'recent'")
    )
    db.commit()

    forgotten = prune_login_failures(db)

    assert forgotten == 1
    kept = db.execute(text("SELECT username_key FROM login_failures ORDER BY 1")).scalars().all()
    assert kept == ["locked", "recent"]


def test_a_forgotten_count_starts_again_from_nothing(db, login_limits, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)  # the job's sessions: the worker's own database
    login_limits(max_failures=2, lockout_seconds=600)
    create_user(db, "alice", PASSWORD, "ADMIN")
    attempts(db, "alice", WRONG, 1)
    db.execute(text("UPDATE login_failures SET last_failed_at = now() - interval '25 hours'"))
    db.commit()

    assert prune_login_failure_counts(0) == 1  # what the worker runs every hour
    one_more = attempts(db, "alice", WRONG, 1)

    assert one_more == ["Wrong username or password"]  # a first failure again, not the second that locks
