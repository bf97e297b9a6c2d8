"""Authorization: who may call what. Checked in core, whatever the UI shows."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.enums import Role
from core.errors import Conflict, PermissionDenied, ValidationError
from core.models import User
from core.sqlcall import read, rows_in_one_trip, unit_of_work
from core.validation import parse_id

T = TypeVar("T")

USER_COLUMNS = "id, username, role, entity_id, is_active, created_at, last_login_at, must_change_password"
USER_SQL = f"SELECT {USER_COLUMNS} FROM users WHERE id = :id"


def require_role(db: Session, user_id: object, roles: Role | tuple[Role, ...], action: str) -> User:
    """The acting user, if active and holding one of ``roles``; otherwise ``PermissionDenied``.

    Runs inside the caller's unit of work.
    """
    uid = _acting_id(user_id, action)
    row = db.execute(text(USER_SQL), {"id": uid}).mappings().first()
    return _allowed(row, roles, action)


def _acting_id(user_id: object, action: str) -> int:
    try:
        return parse_id(user_id, "Acting user id")
    except ValidationError:
        raise PermissionDenied(f"Only an active signed-in user may {action}") from None


def _allowed(row: Mapping[str, Any] | None, roles: Role | tuple[Role, ...], action: str) -> User:
    """The user of ``row`` if it may do ``action``: active, past their one-time password, and holding one of
    ``roles``."""
    allowed = (roles,) if isinstance(roles, Role) else roles
    if row is None or not row["is_active"]:
        raise PermissionDenied(f"Only an active signed-in user may {action}")
    user = User.model_validate(row)
    if user.must_change_password:
        raise PermissionDenied(f"Choose your own password before you {action}")
    if user.role not in allowed:
        who = " or ".join(r.value.lower() + "s" for r in allowed)
        raise PermissionDenied(f"Only {who} may {action}; you are signed in as {user.role.value.lower()}")
    return user


# who may read beyond their own data: the liquidity history, the audit trail, market makers and their ledgers
READERS = (Role.ADMIN, Role.ANALYST)


def read_as(db: Session, user_id: object, roles: Role | tuple[Role, ...], action: str, fn: Callable[[Session], T]) -> T:
    """Run a read on behalf of ``user_id``: refused with ``PermissionDenied`` unless they are active and hold one
    of ``roles``; the check and the read share one transaction."""

    def load(session: Session) -> T:
        require_role(session, user_id, roles, action)
        return fn(session)

    return read(db, load)


def conflict_as(
    db: Session, user_id: object, roles: Role | tuple[Role, ...], action: str, sql: str, params: Mapping[str, Any]
) -> str | None:
    """What a claim (a stored function that refuses a name taken, ``claim_username``, ``claim_market_maker_name``)
    says of ``params`` on behalf of ``user_id``, refused unless they hold one of ``roles``: its ``Conflict`` message,
    or None when it would let the name be taken. Asked before a creation, for a form to say it with its other faults;
    the claim itself takes nothing (its transaction ends here)."""
    try:
        with unit_of_work(db):
            require_role(db, user_id, roles, action)
            db.execute(text(sql), params)
    except Conflict as exc:
        return exc.message
    return None


def rows_as(
    db: Session,
    user_id: object,
    roles: Role | tuple[Role, ...],
    action: str,
    sql: str,
    params: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``read_as`` for one query: its rows as plain dicts (what pydantic validates fastest)."""
    return row_sets_as(db, user_id, roles, action, (sql, params or {}))[0]


def row_sets_as(
    db: Session,
    user_id: object,
    roles: Role | tuple[Role, ...],
    action: str,
    *statements: tuple[str, Mapping[str, Any]],
) -> list[list[dict[str, Any]]]:
    """``read_as`` for a few queries: the rows of each, as plain dicts.

    The role check and the queries travel in one round trip; their rows are returned only once the check passed
    (a refused caller's rows are read and dropped, never handed out)."""
    uid = _acting_id(user_id, action)

    def load(session: Session) -> list[list[dict[str, Any]]]:
        users, *row_sets = rows_in_one_trip(session, (USER_SQL, {"id": uid}), *statements)
        _allowed(users[0] if users else None, roles, action)
        return row_sets

    return read(db, load)
