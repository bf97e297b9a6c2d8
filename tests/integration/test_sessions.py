"""Server-side sessions: a token signs its user in until it expires (sliding with activity), is revoked, or its
user is deactivated; the database keeps only the token's sha256."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core import sessions
from core.errors import PermissionDenied
from core.sessions import SessionEnd
from core.user_accounts import reset_user_password
from tests.helpers import snapshot


def expire(db, token: str) -> None:
    """As if the session had been idle past its limit."""
    db.execute(
        text(
            "UPDATE sessions SET created_at = now() - interval '2 hours', last_seen_at = now() - interval '2 hours', "
            "expires_at = now() - interval '1 second' WHERE token_hash = :h"
        ),
        {"h": hashlib.sha256(token.encode()).digest()},
    )
    db.commit()


def stored(db, token: str) -> dict:
    row = db.execute(
        text("SELECT * FROM sessions WHERE token_hash = :h"), {"h": hashlib.sha256(token.encode()).digest()}
    )
    result = row.mappings().one()
    db.rollback()
    return dict(result)


def test_a_new_session_signs_its_user_in(db, actors):
    token = sessions.create(db, actors.trader.id)

    user = sessions.resolve(db, token)

    assert user == actors.trader
    assert sessions.ended(db, token) is None


def test_only_the_sha256_of_the_token_is_stored(db, actors):
    token = sessions.create(db, actors.admin.id)

    everything = repr(snapshot(db))
    row = stored(db, token)

    assert token not in everything
    assert row["token_hash"] == hashlib.sha256(token.encode()).digest()
    assert len(token) >= 43  # 32 random bytes


def test_every_session_gets_its_own_token(db, actors):
    tokens = {sessions.create(db, actors.admin.id) for _ in range(5)}

    assert len(tokens) == 5
    assert all(sessions.resolve(db, t) == actors.admin for t in tokens)


def test_a_session_expires_after_the_idle_limit(db, actors):
    token = sessions.create(db, actors.admin.id)

    expire(db, token)

    assert sessions.resolve(db, token) is None
    assert sessions.ended(db, token) is SessionEnd.EXPIRED
    assert sessions.touch(db, token) is False  # activity cannot revive an expired session


def test_the_expiry_is_the_configured_idle_limit_and_slides_with_activity(db, actors, monkeypatch):
    monkeypatch.setenv("CARBON_SESSION_IDLE_MINUTES", "7")
    sessions.get_settings.cache_clear()
    try:
        token = sessions.create(db, actors.admin.id)
        db.execute(
            text(
                "UPDATE sessions SET created_at = now() - interval '6 minutes', "
                "last_seen_at = now() - interval '6 minutes', expires_at = now() + interval '1 minute'"
            )
        )
        db.commit()

        touched = sessions.touch(db, token)
        row = stored(db, token)
        idle = db.execute(text("SELECT :e - :s"), {"e": row["expires_at"], "s": row["last_seen_at"]}).scalar_one()
    finally:
        sessions.get_settings.cache_clear()

    assert touched is True
    assert idle.total_seconds() == 7 * 60
    assert row["last_seen_at"] > row["created_at"]
    assert sessions.resolve(db, token) == actors.admin


def test_a_session_ended_by_a_password_reset_says_so_and_a_later_sign_out_does_not(db, actors):
    reset = sessions.create(db, actors.trader.id)
    reset_user_password(db, actors.trader.id, created_by_id=actors.admin.id)
    later = sessions.create(db, actors.trader.id)

    sessions.revoke(db, later)

    assert sessions.ended(db, reset) is SessionEnd.PASSWORD_RESET
    assert sessions.ended(db, later) is SessionEnd.REVOKED


def test_a_revoked_session_signs_nobody_in(db, actors):
    token = sessions.create(db, actors.analyst.id)

    sessions.revoke(db, token)

    assert sessions.resolve(db, token) is None
    assert sessions.ended(db, token) is SessionEnd.REVOKED
    assert sessions.touch(db, token) is False
    assert stored(db, token)["revoked_at"] is not None


def test_revoking_one_session_leaves_the_users_other_sessions_alone(db, actors):
    here, elsewhere = sessions.create(db, actors.admin.id), sessions.create(db, actors.admin.id)

    sessions.revoke(db, here)

    assert sessions.resolve(db, here) is None
    assert sessions.resolve(db, elsewhere) == actors.admin


def test_deactivating_a_user_ends_all_their_sessions_for_good(db, actors):
    first, second = sessions.create(db, actors.trader.id), sessions.create(db, actors.trader.id)
    other = sessions.create(db, actors.admin.id)

    db.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": actors.trader.id})
    db.commit()
    deactivated = [sessions.resolve(db, first), sessions.resolve(db, second), sessions.ended(db, first)]
    db.execute(text("UPDATE users SET is_active = true WHERE id = :id"), {"id": actors.trader.id})
    db.commit()

    assert deactivated == [None, None, SessionEnd.DEACTIVATED]
    assert sessions.resolve(db, first) is None  # reactivation does not bring the old sessions back
    assert sessions.ended(db, first) is SessionEnd.REVOKED
    assert sessions.resolve(db, other) == actors.admin


def test_a_deactivated_user_gets_no_new_session(db, actors):
    db.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": actors.trader.id})
    db.commit()
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="active user"):
        sessions.create(db, actors.trader.id)

    assert snapshot(db) == before


def test_rotation_swaps_a_live_token_for_a_fresh_one_and_kills_the_old(db, actors):
    handed_over = sessions.create(db, actors.trader.id)

    fresh = sessions.rotate(db, handed_over)

    assert fresh is not None and fresh != handed_over
    assert sessions.resolve(db, fresh) == actors.trader
    assert sessions.resolve(db, handed_over) is None
    assert sessions.rotate(db, handed_over) is None  # a token rotates once


def test_an_ended_session_cannot_be_rotated_back_to_life(db, actors):
    expired, revoked = sessions.create(db, actors.admin.id), sessions.create(db, actors.admin.id)
    expire(db, expired)
    sessions.revoke(db, revoked)
    before = snapshot(db)

    assert sessions.rotate(db, expired) is None
    assert sessions.rotate(db, revoked) is None
    assert snapshot(db) == before


def test_concurrent_rotations_of_one_token_yield_one_live_session(db, actors, session_factory):
    handed_over = sessions.create(db, actors.admin.id)

    def rotate(_: int) -> str | None:
        with session_factory() as own:
            return sessions.rotate(own, handed_over)

    with ThreadPoolExecutor(6) as pool:
        fresh = [t for t in pool.map(rotate, range(6)) if t is not None]

    assert len(fresh) == 1
    live = db.execute(text("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")).scalar_one()
    assert live == 1


@pytest.mark.parametrize(
    "token",
    ["", "nope", "x" * 10_000, None, 42, "Ωmega", "a\x00b", "' OR '1'='1"],
    ids=["empty", "unknown", "huge", "none", "int", "unicode", "nul", "sql"],
)
def test_anything_that_is_not_a_live_token_signs_nobody_in_and_changes_nothing(db, actors, token):
    sessions.create(db, actors.admin.id)
    before = snapshot(db)

    results = [sessions.resolve(db, token), sessions.touch(db, token), sessions.rotate(db, token)]
    sessions.revoke(db, token)

    assert results == [None, False, None]
    assert sessions.ended(db, token) is SessionEnd.UNKNOWN
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("token_hash", "expires_at", "constraint"),
    [
        ("'plain-token'::bytea", "now() + interval '1 hour'", "sessions_token_hash_is_sha256"),
        ("sha256('x')", "now() - interval '1 second'", "sessions_expire_after_creation"),
    ],
    ids=["token-not-a-sha256", "expiry-before-creation"],
)
def test_the_database_refuses_a_session_that_must_never_exist(db, actors, token_hash, expires_at, constraint):
    with pytest.raises(IntegrityError, match=constraint):
        db.execute(
            text(f"INSERT INTO sessions (user_id, token_hash, expires_at) VALUES (:id, {token_hash}, {expires_at})"),
            {"id": actors.admin.id},
        )


def test_sessions_ended_long_ago_are_cleared_when_their_user_signs_in_again(db, actors):
    old, recent = sessions.create(db, actors.admin.id), sessions.create(db, actors.admin.id)
    db.execute(
        text(
            "UPDATE sessions SET created_at = now() - interval '40 days', last_seen_at = now() - interval '40 days', "
            "expires_at = now() - interval '31 days' WHERE token_hash = :h"
        ),
        {"h": hashlib.sha256(old.encode()).digest()},
    )
    db.commit()
    sessions.revoke(db, recent)

    sessions.create(db, actors.admin.id)

    assert sessions.ended(db, old) is SessionEnd.UNKNOWN
    assert sessions.ended(db, recent) is SessionEnd.REVOKED  # a recent sign-in stays on record
