"""Tells the app that a person typed in a text field, even when what they typed is what the field held.

A text input sends its value only when it differs from the last one sent, and Streamlit merges the messages that
reach it while a run is busy, keeping the newest value. So "10" typed over the page's own "10" (select, "1", "0")
could reach the page as no change at all, and an ``on_change`` never ran: fast typing (a test, a quick trader, a
paste) and any typing while a refresh ran. A watch in the browser sends a trigger at the field's first input event;
Streamlit keeps a trigger when it merges messages, so the run that follows always knows the field was typed in."""

from collections.abc import Callable

import streamlit as st

from ui.hidden import hide_element

# one listener on the document, for the field's input events (typing, deleting, pasting, a test's fill); it sends
# one trigger per arming (``armed`` comes back true once the page has put a value of its own there again)
_JS = """
export default function ({ data, setTriggerValue }) {
    if (!data.armed) return;
    let sent = false;
    const typed = (event) => {
        if (sent || !(event.target instanceof Element) || !event.target.closest(`.st-key-${data.field}`)) return;
        sent = true;
        setTriggerValue("typed", true);
    };
    document.addEventListener("input", typed, true);
    return () => document.removeEventListener("input", typed, true);
}
"""
_watch = st.components.v2.component("typing_watch", js=_JS)


def watch_typing(key: str, field_key: str, armed: bool, on_typed: Callable[[], None]) -> None:
    """Call ``on_typed`` before the run that follows the first input event in the field keyed ``field_key``, while
    ``armed``. Drawn anywhere on the page (it draws nothing)."""
    hide_element(key)  # an empty element still took a gap of the page's flow
    _watch(key=key, data={"field": field_key, "armed": armed}, on_typed_change=on_typed)
