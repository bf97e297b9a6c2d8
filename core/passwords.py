"""A user's own password: changing it, and the one-time password an admin handed over that must be changed.

The current password is tried like a sign-in (``core.users.try_password``): a wrong one counts towards the lockout
of the name, so an open session left unattended is no way to guess it. The new one follows the one rule
(``core.users.check_new_password``) and is hashed here; SQL (change_own_password) swaps the hash only if it is still
the one the current password was verified against, clears must_change_password, ends the user's other sessions and
writes the ticket.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session

from core import sessions
from core.auth import USER_COLUMNS
from core.errors import AuthenticationFailed, InvalidFields, PermissionDenied
from core.models import User
from core.sqlcall import unit_of_work
from core.users import check_new_password, hash_password, try_password
from core.validation import FieldFaults, parse_id

# the parameters of change_password, as a refusal names them (InvalidFields.faults)
CURRENT, NEW, REPEAT = "current_password", "new_password", "repeat_password"
NOT_SIGNED_IN = "Only a signed-in user may change their password: sign in again"


def change_password(
    db: Session,
    user_id: object,
    current_password: object,
    new_password: object,
    repeat_password: object,
    *,
    session_token: object,
) -> User:
    """Replace the signed-in user's password with one they chose; the session ``session_token`` stays signed in,
    every other one of theirs ends. Every fault of the form is refused at once, each under its field
    (``InvalidFields``); a wrong current password is refused under its own once the rest is right."""
    uid = parse_id(user_id, "User id")
    session_hash = sessions.digest(session_token)
    if session_hash is None:
        raise PermissionDenied(NOT_SIGNED_IN)
    with unit_of_work(db):
        # the session first, before any password is tried: a tab signed out elsewhere (or idle past its expiry) had
        # its wrong guess counted towards locking the user out, and was refused only once the password was swapped
        owner = sessions.resolve(db, session_token)
        if owner is None or owner.id != uid:
            raise PermissionDenied(NOT_SIGNED_IN)
        username = owner.username
        faults = FieldFaults()
        if not isinstance(current_password, str) or not current_password:
            faults.refuse(CURRENT, "Type your current password: the one you signed in with")
        new = faults.parse(NEW, check_new_password, new_password, username)
        # against the new password as typed, refused or not: a repeat that differs from a too-short new one was said
        # only at the next attempt, once the new one was long enough
        if repeat_password != (new if new is not None else new_password):
            faults.refuse(REPEAT, "This is not the new password as typed above: type the same password twice")
        faults.raise_any()
        try:
            # a first sign-in's form asks for the one-time password, not a "current" one the user never chose
            wrong = (
                "This is not the one-time password you were given"
                if owner.must_change_password
                else "This is not your current password"
            )
            row = try_password(db, username.lower(), current_password, wrong)
        except AuthenticationFailed as exc:
            raise InvalidFields({CURRENT: exc.message}) from None
        if new == current_password:  # verified against the stored hash just now: no second argon2 check needed
            raise InvalidFields({NEW: "This is your current password: choose a new one"})
        changed = (
            db.execute(
                text(f"SELECT {USER_COLUMNS} FROM change_own_password(:id, :current, :new, :session)"),
                {"id": uid, "current": row["password_hash"], "new": hash_password(new), "session": session_hash},
            )
            .mappings()
            .one()
        )
    return User.model_validate(changed)
