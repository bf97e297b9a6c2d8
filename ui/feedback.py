"""Turning core outcomes into messages: a refusal is a clear sentence, never a traceback."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import CoreError

T = TypeVar("T")


def attempt(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a core call; show ``success`` as a toast, or the refusal as an error. Returns the result or None."""
    try:
        result = action()
    except CoreError as exc:
        st.error(exc.message, icon=":material/error:")
        return None
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result
