"""A click names what the browser drew. A button is drawn under a key that carries a digest of what it shows, so a
click on a button the browser still drew after the server had drawn a new one (a field typed into just before the
click) arrives for the old button, and its callback is the old button's, holding what *it* showed.

A button's own return value cannot tell this: its key was the same whatever it showed, and the server's last
drawing, not the browser's, was taken as shown. A click on a button whose run has since completed is not known to
the server any more, and sends nothing; the new button is there to be clicked. Streamlit keeps an old button
beside its successor until the run ends: ``ui.hidden.hidden_older_css`` shows the newest only.

What a click noted belongs to the whole-app run that follows it, and to no later one: a run stopped by a newer one
loses it rather than letting a later visit to the page act on an old click."""

import hashlib
from collections.abc import Hashable
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

NOTED_KEY = "clicks_noted"  # what callbacks noted, for the whole-app run that follows them
THIS_RUN_KEY = "clicks_this_run"  # what the clicks that started this run showed


def start_run() -> None:
    """Called at the start of every whole-app run, before any page: clicks noted since the last one are this run's."""
    st.session_state[THIS_RUN_KEY] = st.session_state.pop(NOTED_KEY, {})


def drawn_key(key: str, shown: Hashable) -> str:
    """The key of the button ``key`` showing ``shown``: a new key, and so a new button, whenever what it shows
    changes."""
    return f"{key}_{hashlib.blake2b(repr(shown).encode(), digest_size=6).hexdigest()}"


def shown_button(container: DeltaGenerator, label: str, key: str, shown: Hashable, **kwargs: Any) -> None:
    """``container.button(label, ...)`` whose click notes ``shown``, what it showed, for ``clicked(key)``."""
    container.button(label, key=drawn_key(key, shown), on_click=_note, args=(key, shown), **kwargs)


def clicked(key: str) -> Any | None:
    """What the button ``key`` showed when it was clicked, in the run that click started; else None."""
    return st.session_state.get(THIS_RUN_KEY, {}).get(key)


def forget(key: str) -> None:
    """Drop the click on the button ``key`` this run holds: what it showed can no longer be sent (its account
    was deactivated meanwhile), and no run acts on it."""
    st.session_state.get(THIS_RUN_KEY, {}).pop(key, None)


def _note(key: str, shown: Hashable) -> None:
    st.session_state.setdefault(NOTED_KEY, {})[key] = shown
