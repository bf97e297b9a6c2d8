"""User administration by admins: add a user with a one-time password, switch one off and on, reset a password.

Each write is a stored function (create_user_account, deactivate_user, reactivate_user, reset_user_password) that
checks the acting admin again, writes its ticket, and holds the rules no page may bypass: nobody deactivates
themselves, the last active admin stays active, a reset password ends the user's sessions. The password is made
here with ``secrets``, handed back once, and only its argon2 hash is stored.
"""

import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.audit import written_ticket
from core.auth import USER_COLUMNS, conflict_as, require_role, rows_as
from core.enums import Role
from core.models import ChangedUser, User
from core.sqlcall import unit_of_work
from core.users import hash_password, parse_username
from core.validation import FieldFaults, parse_enum, parse_id

ADMIN = Role.ADMIN
ROLE_FIELD, FIRM_FIELD = "Role", "Trader firm"  # how a refusal names the inputs of a creation (CoreError.field)
# letters and digits a person cannot misread when they type it from the screen (no 0/O, 1/l/I)
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
PASSWORD_LENGTH = 20  # ~114 bits from 56 symbols


class UserAccount(User):
    """A user as the Users page lists them: with the name of their firm, if a trader, until when too many failed
    sign-ins lock their name (None: not locked now), and the other users whose usernames read like theirs (the same
    letters and digits in the same order, SQL's rule: look-alikes made before revision 0021 refused new ones)."""

    entity_name: str | None = None
    locked_until: datetime | None = None
    reads_like: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuedPassword:
    """A user and the one-time password just set for them: shown once to the admin, never stored or logged
    (kept out of ``repr``, so a log line or a traceback that prints this object does not carry it)."""

    user: User
    password: str = field(repr=False)
    ticket_id: str  # the ticket of the creation or the reset (CREATE_USER, RESET_USER_PASSWORD)


def one_time_password() -> str:
    """A strong random password for a new or reset account."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def create_user_account(
    db: Session, username: str, role: Role | str, entity_id: object = None, *, created_by_id: int
) -> IssuedPassword:
    """A new active user with a one-time password. A trader belongs to the firm ``entity_id``; an admin or an
    analyst to none. Every fault of the input is refused at once, each under its field (``InvalidFields``)."""
    faults = FieldFaults()
    clean_name = faults.parse("username", parse_username, username)
    kind = faults.parse("role", parse_enum, Role, role, ROLE_FIELD)
    entity = None
    if kind is Role.TRADER and entity_id is None:
        faults.refuse("entity_id", "A trader must belong to a trader firm: choose one")
    elif kind is not None and kind is not Role.TRADER and entity_id is not None:
        faults.refuse("entity_id", f"An {kind.value.lower()} belongs to no trader firm")
    elif entity_id is not None:
        entity = faults.parse("entity_id", parse_id, entity_id, FIRM_FIELD)
    if faults.faults and clean_name is not None and (taken := _username_taken(db, clean_name, created_by_id)):
        faults.refuse("username", taken)  # said with the other faults, not once they are fixed
    faults.raise_any()
    password = one_time_password()
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "add users")
        row = (
            db.execute(
                text(f"SELECT {USER_COLUMNS} FROM create_user_account(:u, :h, :r, :e, :by)"),
                {"u": clean_name, "h": hash_password(password), "r": kind.value, "e": entity, "by": created_by_id},
            )
            .mappings()
            .one()
        )
        ticket_id = written_ticket(db, "CREATE_USER", "user", row["id"])
    return IssuedPassword(User.model_validate(row), password, ticket_id)


def _username_taken(db: Session, username: str, created_by_id: int) -> str | None:
    """Why ``username`` cannot be taken (SQL's ``claim_username``: taken, or reading like a name taken), or None; asked
    of an admin only, so nobody else learns which names exist."""
    return conflict_as(db, created_by_id, ADMIN, "add users", "SELECT claim_username(:u)", {"u": username})


def deactivate_user(db: Session, user_id: object, *, created_by_id: int) -> ChangedUser:
    """Switch a user off: signed out everywhere at once, refused at sign-in. Never oneself, never the last active
    admin."""
    return _change(db, "deactivate_user", user_id, created_by_id, "deactivate users")


def reactivate_user(db: Session, user_id: object, *, created_by_id: int) -> ChangedUser:
    """Switch a deactivated user back on; they sign in again with their password."""
    return _change(db, "reactivate_user", user_id, created_by_id, "reactivate users")


def reset_user_password(db: Session, user_id: object, *, created_by_id: int) -> IssuedPassword:
    """A new one-time password for another user; every session of theirs ends and their sign-in lockout lifts."""
    uid = parse_id(user_id, "User id")
    password = one_time_password()
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, "reset passwords")
        row = (
            db.execute(
                text(f"SELECT {USER_COLUMNS} FROM reset_user_password(:u, :h, :by)"),
                {"u": uid, "h": hash_password(password), "by": created_by_id},
            )
            .mappings()
            .one()
        )
        ticket_id = written_ticket(db, "RESET_USER_PASSWORD", "user", uid)
    return IssuedPassword(User.model_validate(row), password, ticket_id)


def _change(db: Session, function: str, user_id: object, created_by_id: int, doing: str) -> ChangedUser:
    """Run ``function`` (deactivate_user or reactivate_user: its ticket's action is its name upper-cased) and return
    the user as it left them, with that ticket."""
    uid = parse_id(user_id, "User id")
    with unit_of_work(db):
        require_role(db, created_by_id, ADMIN, doing)
        row = (
            db.execute(text(f"SELECT {USER_COLUMNS} FROM {function}(:u, :by)"), {"u": uid, "by": created_by_id})
            .mappings()
            .one()
        )
        return ChangedUser(**row, ticket_id=written_ticket(db, function.upper(), "user", uid))


def list_users(db: Session, role: Role | str | None = None, *, user_id: int) -> list[UserAccount]:
    """Every user, or those of one role, by username, with their firm's name, when too many failed sign-ins lock
    their name now (``login_failures``, keyed by the lower-cased name) until when, and which other users, of any
    role, have a username reading like theirs (admins only)."""
    kind = parse_enum(Role, role, "role") if role is not None else None
    columns = ", ".join(f"u.{c.strip()}" for c in USER_COLUMNS.split(","))
    rows = rows_as(
        db,
        user_id,
        ADMIN,
        "see users",
        # each user's look-alikes: everyone sharing their key, but themselves (usernames are unique)
        "WITH keyed AS (SELECT id, array_remove(array_agg(username) OVER (PARTITION BY username_key(username) "
        "ORDER BY lower(username), id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), username) "
        "AS reads_like FROM users) "
        f"SELECT {columns}, e.name AS entity_name, f.locked_until, k.reads_like FROM users u "
        "JOIN keyed k ON k.id = u.id "
        "LEFT JOIN entities e ON e.id = u.entity_id "
        "LEFT JOIN login_failures f ON f.username_key = lower(u.username) AND f.locked_until > now() "
        "WHERE CAST(:r AS user_role) IS NULL OR u.role = CAST(:r AS user_role) ORDER BY lower(u.username)",
        {"r": kind.value if kind else None},
    )
    return [UserAccount.model_validate(r) for r in rows]
