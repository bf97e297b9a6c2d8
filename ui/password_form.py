"""The form a user changes their own password with: on the Change Password page, and first thing after signing in
with a one-time password an administrator made for them.

The change runs in the button's callback, before the script: there it can empty the fields once the password is
changed (a script may not set a drawn widget's value), and a second send of the same form (a double click, Enter
pressed twice) is recognised and dropped, instead of trying the old password again and counting a failure. The two
sends of a double click run their callbacks at once, in two threads (Streamlit starts the second run before the
first has stopped, and the stopped one can no longer write session state): so the session's send lock
(``ui.sending``) makes the second wait for the first, and what changed is remembered here, in the server process,
not in session state."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import streamlit as st

from core.errors import CoreError, InvalidFields
from core.passwords import CURRENT, NEW, REPEAT, change_password
from core.users import MIN_PASSWORD_LENGTH
from ui import session
from ui.feedback import field_error, flash, show_refusal
from ui.runtime import db_session
from ui.sending import one_send_at_a_time

NEW_HELP = (
    f"At least {MIN_PASSWORD_LENGTH} characters, without your username, and not easy to guess (no common password, "
    "no word with a few digits or signs added, no keyboard row). A few unrelated words make a password that is easy "
    "to remember and hard to guess."
)
_SEAL = secrets.token_bytes(32)  # a key of this process's, so a form sent is remembered only as an HMAC


@dataclass
class _Change:
    sent: bytes  # the HMAC of the form that changed the password: the same form sent again is that change
    said: bool = False  # its toast queued (by the send that made it, or by a repeat when that send was stopped)


_CHANGES: dict[str | None, _Change] = {}  # per sign-in session (its token): the last form that changed the password


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
            )  # no max_chars: the browser drops a longer paste whole, unsaid; core refuses it saying its limit
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


@session.signed_in  # from a tab signed out elsewhere, a wrong current password counted towards locking the user out
def _send(user_id: int, keys: dict[str, str], outcome_key: str, changed: str) -> None:
    typed = {field: st.session_state.get(widget, "") for field, widget in keys.items()}
    token = session.token()
    message = "\x00".join([str(user_id), *(str(typed[f]) for f in (CURRENT, NEW, REPEAT))]).encode()
    sent = hmac.new(_SEAL, message, hashlib.sha256).digest()
    with one_send_at_a_time():
        done = _CHANGES.get(token)
        if done is None or not hmac.compare_digest(done.sent, sent):
            try:
                with db_session() as db:
                    change_password(db, user_id, typed[CURRENT], typed[NEW], typed[REPEAT], session_token=token)
            except CoreError as exc:
                st.session_state[outcome_key] = exc
                return
            done = _CHANGES[token] = _Change(sent)
        # changed, now or by the send this one repeats: said once, and the fields emptied
        if not done.said:
            flash(changed)
            done.said = True
    _empty(keys)


def _empty(keys: dict[str, str]) -> None:
    for widget in keys.values():  # no password stays in a field or in session state
        st.session_state[widget] = ""
