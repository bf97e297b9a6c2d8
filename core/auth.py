"""Authorization: who may call what. Checked in core, whatever the UI shows."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.enums import Role
from core.errors import PermissionDenied, ValidationError
from core.models import User
from core.validation import parse_id

USER_COLUMNS = "id, username, role, entity_id, is_active, created_at, last_login_at"


def require_role(db: Session, user_id: object, roles: Role | tuple[Role, ...], action: str) -> User:
    """The acting user, if active and holding one of ``roles``; otherwise ``PermissionDenied``.

    Runs inside the caller's unit of work.
    """
    allowed = (roles,) if isinstance(roles, Role) else roles
    try:
        uid = parse_id(user_id, "Acting user id")
    except ValidationError:
        raise PermissionDenied(f"Only an active signed-in user may {action}") from None
    row = db.execute(text(f"SELECT {USER_COLUMNS} FROM users WHERE id = :id"), {"id": uid}).mappings().first()
    if row is None or not row["is_active"]:
        raise PermissionDenied(f"Only an active signed-in user may {action}")
    user = User.model_validate(row)
    if user.role not in allowed:
        who = " or ".join(r.value.lower() + "s" for r in allowed)
        raise PermissionDenied(f"Only {who} may {action}; you are signed in as {user.role.value.lower()}")
    return user
