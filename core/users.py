"""Users: creation with argon2 password hashes, and authentication with a lockout after repeated failures."""

import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import RowMapping, text
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from core.auth import USER_COLUMNS
from core.config import get_settings
from core.enums import Role
from core.errors import AuthenticationFailed, NotFound, ValidationError
from core.models import User
from core.sqlcall import fetch_one, unit_of_work
from core.validation import (
    FieldFaults,
    compatibility_character,
    described,
    echoed,
    is_blank,
    letter_script,
    parse_enum,
    parse_id,
    refuse_invisible,
)
from core.wording import a_or_an, counted

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1000
PASSWORD_FIELD = "Password"
# zxcvbn's score of a new password (0-4): 3 is "safely unguessable" to its authors, about 10^8 guesses or more, where
# "password1234", "Summer2026!" and "admin123456" score 1 or 2. zxcvbn reads at most 72 characters
MIN_PASSWORD_SCORE = 3
_GUESS_CHARACTERS = 72
ADD_WORDS = "Add another word or two. Uncommon words are better."
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,50}")  # the same rule as the users_username_check constraint
# a new name also starts and ends with a letter or a digit: "admin." or ".admin" passes for "admin" at a glance
NEW_USERNAME_ENDS = re.compile(r"[A-Za-z0-9](.*[A-Za-z0-9])?", re.DOTALL)
# what a new username may be, in words: the Username field's help and its refusals
USERNAME_RULE = (
    "3 to 50 characters, only Latin letters a-z, digits, '.', '_' or '-', starting and ending with a letter or a digit"
)
# one character of a username, as the users_username_check constraint allows it
_USERNAME_CHARACTER = re.compile(r"[A-Za-z0-9_.-]")
USERNAME_FIELD = "Username"
# RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes): about 0.16 s of CPU a hash or a check here
_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
# verified against when the username is unknown, so a wrong name costs the same time as a wrong password
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """The argon2 hash stored for ``password`` (the only form a password is ever kept in)."""
    return _hasher.hash(password)


def parse_username(value: object, what: str = USERNAME_FIELD) -> str:
    """A new username as it will be stored: trimmed, as ``USERNAME_RULE`` says; a refusal names the first character
    that is none of its (a Cyrillic a, U+0430, looks Latin). (Whether it is taken, or reads like a name taken, is SQL's
    ``claim_username``.)"""
    if not isinstance(value, str) or is_blank(value):
        raise ValidationError(f"{what} is required", field=what)
    name = value.strip()
    if not USERNAME_PATTERN.fullmatch(name):
        foreign = next((c for c in name if not _USERNAME_CHARACTER.fullmatch(c)), None)
        why = "" if foreign is None else f": {_not_one(foreign)}"  # else its length is what is wrong
        raise ValidationError(f"{what}: {USERNAME_RULE}{why}, got {echoed(value)!r}", field=what)
    if not NEW_USERNAME_ENDS.fullmatch(name):
        raise ValidationError(f"{what} starts and ends with a letter or a digit, got {echoed(value)!r}", field=what)
    return name


def _not_one(character: str) -> str:
    """Why ``character`` is none of a username's: a Cyrillic a (U+0430) is no Latin "a", though it looks it."""
    if character == "\t":
        return "a tab is not one"
    if unicodedata.category(character) in ("Cc", "Cf"):
        # a zero-width space or a right-to-left override, pasted along unseen: '\u200b' said nothing to an admin
        named = f"U+{ord(character):04X} {unicodedata.name(character, 'CONTROL')}"
        return f"{named}, an invisible character as pasted text can bring, is not one"
    if character.isspace():
        return "a space is not one"
    if (compatible := compatibility_character(character)) and (plain := compatible[1]).isascii() and plain.isalnum():
        # a fullwidth j or the fi ligature: no accent to take off, as "(a-z without accents)" said
        return f"{character!r} is {described(character)}, not a plain {plain!r}"
    script = letter_script(character)
    if script == "Latin":
        return f"{character!r} is not one (a-z without accents)"
    if script is not None:
        return f"{character!r} is {a_or_an(script)} letter, not a Latin one"
    return f"{character!r} is not one"


def check_new_password(password: object, username: str) -> str:
    """A password a person chose, as the one rule for it has it: 8 to 1000 characters, none that cannot be typed
    again when signing in (a tab, a line break or another control character, an invisible one such as a zero-width
    space: pasted text brings them along unseen, and the password then works only pasted again), and not built on
    the username (the first thing anyone guesses), nor one that zxcvbn guesses soon (a common password, a word with
    digits, a keyboard row, a date, a repeat: what is tried first against a stolen hash)."""
    if not isinstance(password, str) or not password:
        raise ValidationError("Type a password", field=PASSWORD_FIELD)
    if not password.strip():
        raise ValidationError(
            "A password of spaces alone is no password: type letters, digits or signs too", field=PASSWORD_FIELD
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password must be at least {MIN_PASSWORD_LENGTH} characters long; this one has {len(password)}",
            field=PASSWORD_FIELD,
        )
    if len(password) > MAX_PASSWORD_LENGTH:  # said as the shortest is: what is allowed and what was typed
        raise ValidationError(
            f"A password must be at most {MAX_PASSWORD_LENGTH:,} characters long; this one has {len(password):,}",
            field=PASSWORD_FIELD,
        )
    if any(unicodedata.category(c) == "Cc" for c in password):  # NUL among them
        raise ValidationError(
            "A password cannot contain a tab, a line break or another control character, as pasted text can: "
            "type the password without it",
            field=PASSWORD_FIELD,
        )
    refuse_invisible(password, PASSWORD_FIELD, "password")
    if username.strip().lower() in password.lower():
        raise ValidationError("A password must not contain the username", field=PASSWORD_FIELD)
    guessed = zxcvbn(password[:_GUESS_CHARACTERS], user_inputs=[username])
    if guessed["score"] < MIN_PASSWORD_SCORE:
        feedback = guessed["feedback"]
        why = " ".join(said for said in (feedback["warning"], *feedback["suggestions"][:1]) if said)
        raise ValidationError(f"This password is too easy to guess. {why or ADD_WORDS}", field=PASSWORD_FIELD)
    return password


def create_user(db: Session, username: str, password: str, role: Role | str, entity_id: int | None = None) -> User:
    """A new active user, with no acting admin and no ticket: the first admin (``core.cli create-admin``) and the
    demo seed. Admins add users in the app with ``core.user_accounts.create_user_account``. Traders need the id of
    their firm (entity); admins and analysts have none."""
    role = parse_enum(Role, role, "role")
    username = parse_username(username)
    password = check_new_password(password, username)
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
        db.execute(text("SELECT claim_username(:u)"), {"u": username})
        row = (
            db.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, entity_id) "
                    f"VALUES (:u, :h, :r, :e) RETURNING {USER_COLUMNS}"
                ),
                {"u": username, "h": hash_password(password), "r": role.value, "e": entity},
            )
            .mappings()
            .one()
        )
    return User.model_validate(row)


def authenticate(db: Session, username: str, password: str) -> User:
    """The user whose password matches. Raises ``AuthenticationFailed`` for a wrong name or password, an inactive
    account, or a name locked after too many failures (the lock lifts by itself).

    Failures are counted per name tried, whether or not a user has it, and a lock is computed by the database's
    clock: an unknown name is answered, locked and timed exactly like a real one, so no answer tells which exist.

    A field left empty is no attempt: ``InvalidFields`` asks for it (``SIGN_IN_USERNAME``, ``SIGN_IN_PASSWORD``) and
    nothing is counted. Enter pressed in the username, before the password was typed, sends the form: it was told
    "Wrong username or password" and counted towards the lock.
    """
    faults = FieldFaults()
    if isinstance(username, str) and is_blank(username):
        faults.refuse(SIGN_IN_USERNAME, "Type your username")
    if isinstance(password, str) and not password:
        faults.refuse(SIGN_IN_PASSWORD, "Type your password")
    faults.raise_any()
    if (
        not isinstance(password, str)
        or not isinstance(username, str)
        or not USERNAME_PATTERN.fullmatch(username.strip())
    ):
        verify_password(_DUMMY_HASH, password if isinstance(password, str) else "")
        raise AuthenticationFailed(WRONG_SIGN_IN)
    with unit_of_work(db):
        row = try_password(db, username.strip().lower(), password, WRONG_SIGN_IN)
        if not row["is_active"]:
            raise AuthenticationFailed("This account is deactivated")
        user_row = (
            db.execute(
                text(f"UPDATE users SET last_login_at = now() WHERE id = :id RETURNING {USER_COLUMNS}"),
                {"id": row["id"]},
            )
            .mappings()
            .one()
        )
    return User.model_validate(user_row)


WRONG_SIGN_IN = "Wrong username or password"
SIGN_IN_USERNAME, SIGN_IN_PASSWORD = "username", "password"  # the fields of a sign-in, as InvalidFields names them


def try_password(db: Session, username_key: str, password: object, wrong: str) -> RowMapping:
    """One try of a password for a name, inside the caller's unit of work: the user's row (with its hash) when it
    matches. A wrong password counts as a failure of that name, kept even though this raises, and enough of them
    lock the name; ``AuthenticationFailed`` says ``wrong``, or for how long the name is locked."""
    settings = get_settings()
    key = {"k": username_key}
    # the counter row stays locked for the whole attempt, so concurrent guesses are counted one by one;
    # clock_timestamp(), not now(): a guess that waited for the lock must not see the lock as longer
    locked_seconds = db.execute(
        text(
            "INSERT INTO login_failures AS f (username_key) VALUES (:k) "
            "ON CONFLICT (username_key) DO UPDATE SET failures = f.failures "
            "RETURNING ceil(extract(epoch FROM f.locked_until - clock_timestamp()))::integer"
        ),
        key,
    ).scalar_one()
    if locked_seconds is not None and locked_seconds > 0:
        raise AuthenticationFailed(
            f"Too many failed sign-in attempts: try again in about {counted(_minutes(locked_seconds), 'minute')}"
        )
    row = (
        db.execute(text(f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE lower(username) = :k"), key)
        .mappings()
        .first()
    )
    stored = row["password_hash"] if row is not None else _DUMMY_HASH
    if not isinstance(password, str) or not verify_password(stored, password):
        locked = db.execute(
            text(
                "UPDATE login_failures SET "
                "failures = CASE WHEN failures + 1 >= :max THEN 0 ELSE failures + 1 END, "
                "last_failed_at = clock_timestamp(), "
                "locked_until = CASE WHEN failures + 1 >= :max "
                "THEN clock_timestamp() + make_interval(secs => :lockout) END "
                "WHERE username_key = :k RETURNING locked_until IS NOT NULL"
            ),
            {**key, "max": settings.login_max_failures, "lockout": settings.login_lockout_seconds},
        ).scalar_one()
        db.commit()  # the failure must count even though we raise
        if locked:
            raise AuthenticationFailed(
                "Too many failed sign-in attempts: the account is locked for "
                f"{counted(_minutes(settings.login_lockout_seconds), 'minute')}"
            )
        raise AuthenticationFailed(wrong)
    db.execute(text("DELETE FROM login_failures WHERE username_key = :k"), key)
    return row


def prune_login_failures(db: Session) -> int:
    """Forget the failure counts of names nobody has failed on for ``login_failures_kept_hours``, unless locked now
    (a system write of the worker: no acting user). Returns how many names were forgotten."""
    with unit_of_work(db):
        return db.execute(
            text(
                "DELETE FROM login_failures WHERE last_failed_at < now() - make_interval(hours => :kept) "
                "AND (locked_until IS NULL OR locked_until <= now())"
            ),
            {"kept": get_settings().login_failures_kept_hours},
        ).rowcount


def get_user(db: Session, user_id: int) -> User:
    row = fetch_one(db, f"SELECT {USER_COLUMNS} FROM users WHERE id = :id", {"id": parse_id(user_id, "User id")})
    if row is None:
        raise NotFound(f"User {user_id} does not exist")
    return User.model_validate(row)


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))  # rounded up: "about 0 minutes" is never true while locked


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
