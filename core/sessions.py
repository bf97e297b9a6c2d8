"""Sign-in sessions kept on the server, so a reload keeps a user signed in until the idle expiry.

A session is a random token the browser keeps in a cookie; the table keeps only its sha256 (a hash is enough for a
token with 256 random bits: nothing to guess, so nothing to slow down), with when it was created, last seen and
expires, and when it was revoked. A session signs its user in while it is neither expired nor revoked and the user
is active; activity slides the expiry (``touch``), signing out revokes it, and deactivating a user revokes all of
theirs (a trigger, sql/end_sessions_of_deactivated_user.sql).
"""

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import USER_COLUMNS
from core.config import get_settings
from core.errors import PermissionDenied
from core.models import User
from core.sqlcall import fetch_one, unit_of_work
from core.validation import parse_id

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters; a longer cookie is not one of ours
# activity slides the expiry at most this often, so a busy page does not write on every rerun
TOUCH_INTERVAL = timedelta(minutes=1)
# ended sessions stay this long as a record of sign-ins, then go when their user signs in again
ENDED_SESSIONS_KEPT = timedelta(days=30)

_LIVE = "s.revoked_at IS NULL AND s.expires_at > now()"
_USER_FIELDS = ", ".join(f"u.{column.strip()}" for column in USER_COLUMNS.split(","))


class SessionEnd(StrEnum):
    """Why a token no longer signs anyone in."""

    EXPIRED = "EXPIRED"  # idle for longer than the configured limit
    REVOKED = "REVOKED"  # signed out (here or in another window)
    PASSWORD_RESET = "PASSWORD_RESET"  # an admin reset its user's password (reset_user_password ends every session)
    PASSWORD_CHANGED = "PASSWORD_CHANGED"  # its user changed their password in another session (change_own_password)
    DEACTIVATED = "DEACTIVATED"  # its user was deactivated
    UNKNOWN = "UNKNOWN"  # never issued here


def create(db: Session, user_id: int) -> str:
    """A new session for an active user; returns its token, which is stored nowhere but in the caller's hands."""
    uid = parse_id(user_id, "User id")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with unit_of_work(db):
        created = db.execute(
            text(
                "INSERT INTO sessions (user_id, token_hash, expires_at) "
                "SELECT id, :h, now() + make_interval(mins => :idle) FROM users WHERE id = :id AND is_active "
                "RETURNING id"
            ),
            {"id": uid, "h": digest(token), "idle": get_settings().session_idle_minutes},
        ).first()
        if created is None:
            raise PermissionDenied("Only an active user may sign in")
        db.execute(
            text(
                "DELETE FROM sessions WHERE user_id = :id "
                "AND least(revoked_at, expires_at) < now() - make_interval(days => :days)"  # least() skips NULL
            ),
            {"id": uid, "days": ENDED_SESSIONS_KEPT.days},
        )
    return token


def resolve(db: Session, token: object) -> User | None:
    """The active user a live session's token signs in, or None (expired, revoked, deactivated or unknown)."""
    token_hash = digest(token)
    if token_hash is None:
        return None
    row = fetch_one(
        db,
        f"SELECT {_USER_FIELDS} FROM sessions s JOIN users u ON u.id = s.user_id "
        f"WHERE s.token_hash = :h AND {_LIVE} AND u.is_active",
        {"h": token_hash},
    )
    return User.model_validate(row) if row is not None else None


def touch(db: Session, token: object) -> bool:
    """Slide a live session's expiry to the idle limit from now; False when the session is no longer live.

    Callers touch at most once per ``TOUCH_INTERVAL``.
    """
    token_hash = digest(token)
    if token_hash is None:
        return False
    with unit_of_work(db):
        touched = db.execute(
            text(
                "UPDATE sessions s SET last_seen_at = now(), expires_at = now() + make_interval(mins => :idle) "
                f"WHERE s.token_hash = :h AND {_LIVE} RETURNING s.id"
            ),
            {"h": token_hash, "idle": get_settings().session_idle_minutes},
        ).first()
    return touched is not None


def revoke(db: Session, token: object) -> None:
    """End a session now (signing out). Revoking an ended or unknown session changes nothing."""
    token_hash = digest(token)
    if token_hash is None:
        return
    with unit_of_work(db):
        db.execute(
            text("UPDATE sessions SET revoked_at = now() WHERE token_hash = :h AND revoked_at IS NULL"),
            {"h": token_hash},
        )


def rotate(db: Session, token: object) -> str | None:
    """Swap a live session for a fresh one of the same user; returns the new token, or None if it was not live.

    The token a page handed over on its way into the cookie is dead from then on.
    """
    token_hash = digest(token)
    if token_hash is None:
        return None
    fresh = secrets.token_urlsafe(TOKEN_BYTES)
    with unit_of_work(db):
        rotated = db.execute(
            text(
                "WITH old AS ("
                "  UPDATE sessions s SET revoked_at = now() FROM users u "
                f"  WHERE s.token_hash = :h AND {_LIVE} AND u.id = s.user_id AND u.is_active RETURNING s.user_id) "
                "INSERT INTO sessions (user_id, token_hash, expires_at) "
                "SELECT user_id, :fresh, now() + make_interval(mins => :idle) FROM old RETURNING id"
            ),
            {"h": token_hash, "fresh": digest(fresh), "idle": get_settings().session_idle_minutes},
        ).first()
    return fresh if rotated is not None else None


def ended(db: Session, token: object) -> SessionEnd | None:
    """Why a token no longer signs anyone in, or None while it still does."""
    token_hash = digest(token)
    row = (
        fetch_one(
            db,
            "SELECT u.is_active, s.revoked_at IS NOT NULL AS revoked, s.expires_at <= now() AS expired, "
            # a reset or a change of the password revokes the sessions and writes its ticket in one transaction:
            # at one now()
            "(SELECT t.action FROM ticket_logs t WHERE t.entity_type = 'user' AND t.entity_id = s.user_id "
            "AND t.action IN ('RESET_USER_PASSWORD', 'CHANGE_PASSWORD') AND t.created_at = s.revoked_at "
            "LIMIT 1) AS password "
            "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h",
            {"h": token_hash},
        )
        if token_hash is not None
        else None
    )
    if row is None:
        return SessionEnd.UNKNOWN
    if not row["is_active"]:
        return SessionEnd.DEACTIVATED
    if row["password"] == "RESET_USER_PASSWORD":
        return SessionEnd.PASSWORD_RESET
    if row["password"] == "CHANGE_PASSWORD":
        return SessionEnd.PASSWORD_CHANGED
    if row["revoked"]:
        return SessionEnd.REVOKED
    if row["expired"]:
        return SessionEnd.EXPIRED
    return None


def digest(token: object) -> bytes | None:
    """sha256 of a well-formed token; None for anything a browser might send that cannot be one of ours."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not token.isascii():
        return None
    return hashlib.sha256(token.encode()).digest()
