"""Users: creation with argon2 password hashes, and authentication with a lockout after repeated failures."""

import re
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import USER_COLUMNS
from core.config import get_settings
from core.enums import Role
from core.errors import AuthenticationFailed, NotFound, ValidationError
from core.models import User
from core.sqlcall import fetch_one, unit_of_work
from core.validation import parse_enum, parse_id

MIN_PASSWORD_LENGTH = 8
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,50}")  # the same rule as the users_username_check constraint
_hasher = PasswordHasher()
# verified against when the username is unknown, so a wrong name costs the same time as a wrong password
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def create_user(db: Session, username: str, password: str, role: Role | str, entity_id: int | None = None) -> User:
    """A new active user. Traders need the id of their firm (entity); admins and analysts have none."""
    role = parse_enum(Role, role, "role")
    if not isinstance(username, str) or not username.strip():
        raise ValidationError("Username is required")
    if not USERNAME_PATTERN.fullmatch(username.strip()):
        raise ValidationError("Usernames are 3 to 50 letters, digits, '.', '_' or '-'")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1000 or "\x00" in password:
        raise ValidationError("Password is at most 1000 characters and cannot contain NUL characters")
    if role is Role.TRADER and entity_id is None:
        raise ValidationError("A trader must belong to an entity (trader firm)")
    if role is not Role.TRADER and entity_id is not None:
        raise ValidationError(f"An {role.value.lower()} does not belong to an entity")
    entity = parse_id(entity_id, "Entity id") if entity_id is not None else None
    with unit_of_work(db):
        if (
            entity is not None
            and db.execute(text("SELECT 1 FROM entities WHERE id = :id"), {"id": entity}).first() is None
        ):
            raise NotFound(f"Entity {entity} does not exist")
        row = (
            db.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, entity_id) "
                    f"VALUES (:u, :h, :r, :e) RETURNING {USER_COLUMNS}"
                ),
                {"u": username.strip(), "h": _hasher.hash(password), "r": role.value, "e": entity},
            )
            .mappings()
            .one()
        )
    return User.model_validate(row)


def authenticate(db: Session, username: str, password: str) -> User:
    """The user whose password matches. Raises ``AuthenticationFailed`` for a wrong name or password,
    an inactive account, or an account locked after too many failures (the lock lifts by itself)."""
    settings = get_settings()
    wrong = AuthenticationFailed("Wrong username or password")
    if (
        not isinstance(password, str)
        or not isinstance(username, str)
        or not USERNAME_PATTERN.fullmatch(username.strip())
    ):
        _verify(_DUMMY_HASH, password if isinstance(password, str) else "")
        raise wrong
    with unit_of_work(db):
        # the row lock makes the failure count exact under concurrent attempts
        row = (
            db.execute(
                text(
                    f"SELECT {USER_COLUMNS}, password_hash, failed_login_count, locked_until, now() AS now "
                    "FROM users WHERE lower(username) = lower(:u) FOR UPDATE"
                ),
                {"u": username.strip()},
            )
            .mappings()
            .first()
        )
        if row is None:
            _verify(_DUMMY_HASH, password)
            raise wrong
        if row["locked_until"] is not None and row["locked_until"] > row["now"]:
            minutes = max(1, round((row["locked_until"] - row["now"]).total_seconds() / 60))
            raise AuthenticationFailed(f"Too many failed sign-in attempts: try again in about {minutes} minute(s)")
        if not _verify(row["password_hash"], password):
            failures = row["failed_login_count"] + 1
            locked_until = None
            if failures >= settings.login_max_failures:
                locked_until = datetime.now(UTC) + timedelta(seconds=settings.login_lockout_seconds)
                failures = 0
            db.execute(
                text("UPDATE users SET failed_login_count = :f, locked_until = :l WHERE id = :id"),
                {"f": failures, "l": locked_until, "id": row["id"]},
            )
            db.commit()  # the failure must count even though we raise
            if locked_until is not None:
                raise AuthenticationFailed(
                    f"Too many failed sign-in attempts: the account is locked for "
                    f"{settings.login_lockout_seconds // 60} minute(s)"
                )
            raise wrong
        if not row["is_active"]:
            raise AuthenticationFailed("This account is deactivated")
        user_row = (
            db.execute(
                text(
                    "UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() "
                    f"WHERE id = :id RETURNING {USER_COLUMNS}"
                ),
                {"id": row["id"]},
            )
            .mappings()
            .one()
        )
    return User.model_validate(user_row)


def get_user(db: Session, user_id: int) -> User:
    row = fetch_one(db, f"SELECT {USER_COLUMNS} FROM users WHERE id = :id", {"id": parse_id(user_id, "User id")})
    if row is None:
        raise NotFound(f"User {user_id} does not exist")
    return User.model_validate(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
