"""The form a user changes their own password with: on the Change Password page, and first thing after signing in
with a one-time password an administrator made for them."""

import streamlit as st

from core.errors import CoreError, InvalidFields
from core.models import User
from core.passwords import CURRENT, NEW, REPEAT, change_password
from core.users import MIN_PASSWORD_LENGTH
from ui import session
from ui.feedback import field_error, show_refusal
from ui.runtime import db_session

NEW_HELP = (
    f"At least {MIN_PASSWORD_LENGTH} characters, without your username. A few unrelated words make a password that "
    "is easy to remember and hard to guess."
)


def password_form(user: User, *, key: str, current_label: str = "Current password") -> bool:
    """Current, new and repeated password; Enter sends; each refusal under its field. True once changed: the
    fields are emptied, this session stays signed in and the user's other sessions are ended."""
    keys = {field: f"{key}_{field}" for field in (CURRENT, NEW, REPEAT)}
    under = {}
    with st.form(f"{key}_form", border=False):
        current = st.text_input(
            current_label, type="password", key=keys[CURRENT], autocomplete="current-password", max_chars=1000
        )
        under[CURRENT] = st.container()
        new = st.text_input(
            "New password", type="password", key=keys[NEW], autocomplete="new-password", help=NEW_HELP, max_chars=1000
        )
        under[NEW] = st.container()
        repeat = st.text_input(
            "Repeat new password", type="password", key=keys[REPEAT], autocomplete="new-password", max_chars=1000
        )
        under[REPEAT] = st.container()
        sent = st.form_submit_button("Change password", type="primary", icon=":material/key:", width="stretch")
    if not sent:
        return False
    try:
        with db_session() as db:
            change_password(db, user.id, current, new, repeat, session_token=session.token())
    except InvalidFields as exc:
        for field, why in exc.faults.items():
            field_error(under[field], why)
        return False
    except CoreError as exc:
        show_refusal(exc)
        return False
    for widget in keys.values():  # no password stays in session state
        st.session_state.pop(widget, None)
    return True
