"""Turning core outcomes into messages: a refusal is a clear sentence, never a traceback."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import CoreError

T = TypeVar("T")

FLASH_KEY = "ui_flash"
SUCCESS_ICON = ":material/check_circle:"


def attempt(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a core call; show ``success`` as a toast, or the refusal as an error. Returns the result or None."""
    try:
        result = action()
    except CoreError as exc:
        st.error(exc.message, icon=":material/error:")
        return None
    if success:
        st.toast(success, icon=SUCCESS_ICON)
    return result


def flash(message: str) -> None:
    """A success toast for the next run: for actions followed by ``st.rerun()`` (closing a dialog)."""
    st.session_state.setdefault(FLASH_KEY, []).append(message)


def show_flashed() -> None:
    """Show (once) the toasts queued by ``flash``; app.py calls it on every run."""
    for message in st.session_state.pop(FLASH_KEY, []):
        st.toast(message, icon=SUCCESS_ICON)
