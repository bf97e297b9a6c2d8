"""The "Page" field under a paged table. It takes any whole number: a number input's own bounds refused one out of
range with only a red outline, and the table stayed on another page than the field showed. A number that is no page
is replaced by the nearest page, and the field says so."""

import streamlit as st

from core.validation import echoed
from ui.feedback import field_error

NOTE_SUFFIX = "_note"


def page_in_range(key: str, pages: int) -> int:
    """The page the field at ``key`` asks for, brought within 1..``pages`` (the field then shows it)."""
    typed = int(st.session_state.get(key, 1))
    page = min(max(1, typed), pages)
    st.session_state[key] = page
    st.session_state[key + NOTE_SUFFIX] = (
        None if page == typed else f"There is no page {echoed(typed)}: showing page {page:,} of {pages:,}"
    )
    return page


def page_field(key: str) -> None:
    """The field, and under it why the page it shows is not the one typed (see ``page_in_range``)."""
    with st.container(gap=None, width=220):
        st.number_input("Page", step=1, key=key, width=130)
        field_error(st.container(), st.session_state.get(key + NOTE_SUFFIX))
