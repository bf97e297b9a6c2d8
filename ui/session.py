"""The signed-in user of this browser session, with idle expiry."""

import time

import streamlit as st

from core.config import get_settings
from core.models import User

USER_KEY = "auth_user"
SEEN_KEY = "auth_last_seen"
NOTICE_KEY = "auth_notice"


def current_user() -> User | None:
    """The signed-in user, or None; signs out a session idle for longer than the configured limit."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        return None
    idle_limit = get_settings().session_idle_minutes * 60
    if time.monotonic() - st.session_state.get(SEEN_KEY, 0.0) > idle_limit:
        sign_out(notice="Your session expired after inactivity. Please sign in again.")
        return None
    st.session_state[SEEN_KEY] = time.monotonic()
    return user


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[SEEN_KEY] = time.monotonic()


def sign_out(notice: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def require_user() -> User:
    """For pages: the signed-in user (app.py only routes signed-in users to pages)."""
    user = current_user()
    if user is None:
        st.stop()
    return user
