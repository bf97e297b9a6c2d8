"""The form a user changes their own password with: on the Change Password page, and first thing after signing in
with a one-time password an administrator made for them.

The change runs in the button's callback, before the script: there it can empty the fields once the password is
changed (a script may not set a drawn widget's value), and a second send of the same form (a double click, Enter
pressed twice) is recognised and dropped, instead of trying the old password again and counting a failure."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import streamlit as st

from core.errors import CoreError, InvalidFields
from core.passwords import CURRENT, NEW, REPEAT, change_password
from core.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from ui import session
from ui.feedback import field_error, flash, show_refusal
from ui.runtime import db_session

NEW_HELP = (
    f"At least {MIN_PASSWORD_LENGTH} characters, without your username. A few unrelated words make a password that "
    "is easy to remember and hard to guess."
)
_SEAL_KEY = "password_form_seal"  # a random key of this tab's, so what was sent is remembered only as an HMAC


@dataclass(frozen=True)
class _Changed:
    sent: bytes  # the HMAC of the form that changed the password: the same form sent again is that change


def password_form(user_id: int, *, key: str, changed: str, current_label: str = "Current password") -> None:
    """Current, new and repeated password; Enter sends; each refusal under its field. Once the password changed,
    ``changed`` is said (a toast of the run that follows: for a user who had to choose one, that run already shows
    the page they were going to), the fields are empty, and the user's other sessions have ended."""
    keys = {field: f"{key}_{field}" for field in (CURRENT, NEW, REPEAT)}
    outcome_key = f"{key}_outcome"
    under = {}
    with st.form(f"{key}_form", border=False):
        for field, label, autocomplete, help_text in (
            (CURRENT, current_label, "current-password", None),
            (NEW, "New password", "new-password", NEW_HELP),
            (REPEAT, "Repeat new password", "new-password", None),
        ):
            st.text_input(
                label,
                type="password",
                key=keys[field],
                autocomplete=autocomplete,
                help=help_text,
                max_chars=MAX_PASSWORD_LENGTH,
            )
            under[field] = st.container()  # its refusal, right below it
        st.form_submit_button(
            "Change password",
            type="primary",
            icon=":material/key:",
            width="stretch",
            on_click=_send,
            args=(user_id, keys, outcome_key, changed),
        )
    outcome = st.session_state.get(outcome_key)
    if isinstance(outcome, CoreError):
        del st.session_state[outcome_key]
        if isinstance(outcome, InvalidFields):
            for field, why in outcome.faults.items():
                field_error(under[field], why)
        else:
            show_refusal(outcome)


def _send(user_id: int, keys: dict[str, str], outcome_key: str, changed: str) -> None:
    typed = {field: st.session_state.get(widget, "") for field, widget in keys.items()}
    sent = _seal(user_id, typed)
    done = st.session_state.get(outcome_key)
    if isinstance(done, _Changed) and hmac.compare_digest(done.sent, sent):
        _empty(keys)  # the form that changed it, sent again: nothing to do
        return
    try:
        with db_session() as db:
            change_password(db, user_id, typed[CURRENT], typed[NEW], typed[REPEAT], session_token=session.token())
    except CoreError as exc:
        st.session_state[outcome_key] = exc
        return
    st.session_state[outcome_key] = _Changed(sent)
    flash(changed)
    _empty(keys)


def _seal(user_id: int, typed: dict[str, object]) -> bytes:
    secret = st.session_state.setdefault(_SEAL_KEY, secrets.token_bytes(32))
    message = "\x00".join([str(user_id), *(str(typed[f]) for f in (CURRENT, NEW, REPEAT))]).encode()
    return hmac.new(secret, message, hashlib.sha256).digest()


def _empty(keys: dict[str, str]) -> None:
    for widget in keys.values():  # no password stays in a field or in session state
        st.session_state[widget] = ""
