"""The "Page" field under a paged table. It takes any whole number: a number input's own bounds refused one out of
range with only a red outline, and the table stayed on another page than the field showed. A number that is no page
is replaced by the nearest page, and the field says so; a number that is not whole is refused as such and changes
nothing (the page shown stays)."""

import streamlit as st

from core.validation import echoed
from ui.feedback import field_error

NOTE_SUFFIX = "_note"
SHOWN_SUFFIX = "_shown"  # the page the table showed last: where a refused number leaves it


def page_in_range(key: str, pages: int) -> int:
    """The page the field at ``key`` asks for, brought within 1..``pages`` (the field then shows it). A field never
    drawn yet (the page's first view, or the first after another page, which made Streamlit forget it) asks for the
    first page: it was refused as "Page is a whole number, got nothing" though nobody had typed in it."""
    typed = st.session_state.get(key, 1)
    shown = min(max(1, st.session_state.get(key + SHOWN_SUFFIX, 1)), pages)
    if typed is None or typed != int(typed):
        # the field takes decimals so that 2.5 arrives as typed: a whole-number field cut it to 2 in the browser,
        # and the page said there was no page 2
        page, note = shown, f"Page is a whole number, got {'nothing' if typed is None else echoed(typed)}"
    else:
        page = min(max(1, int(typed)), pages)
        note = None if page == typed else f"There is no page {echoed(int(typed))}: showing page {page:,} of {pages:,}"
    st.session_state[key] = page
    st.session_state[key + SHOWN_SUFFIX] = page
    st.session_state[key + NOTE_SUFFIX] = note
    return page


def page_field(key: str) -> None:
    """The field, and under it why the page it shows is not the one typed (see ``page_in_range``)."""
    with st.container(gap=None, width=220):
        st.number_input("Page", step=1.0, format="%.0f", key=key, width=130)
        field_error(st.container(), st.session_state.get(key + NOTE_SUFFIX))
