"""The "Page" field under a paged table. It is typed text read by core (``core.filters.parse_page_number``): a number
input's own bounds refused one out of range with only a red outline, and the table stayed on another page than the
field showed; and the browser's number field read "1e3" as page 1,000 before the app saw it. A number that is no
page is replaced by the nearest page, and the field says so; anything that is not a whole number ("2.5", "1e3",
"abc") is refused as such under the text as typed and changes nothing (the page shown stays). Under filters, the
page is kept in the URL (``page_for_filters``)."""

import streamlit as st

from core.errors import ValidationError
from core.filters import parse_page_number
from core.validation import echoed
from ui.feedback import field_error

NOTE_SUFFIX = "_note"
SHOWN_SUFFIX = "_shown"  # the page the table showed last: where a refused number leaves it
SIGNATURE_SUFFIX = "_signature"


def page_in_range(key: str, pages: int) -> int:
    """The page the field at ``key`` asks for, brought within 1..``pages`` (the field then shows it). A field never
    drawn yet (the page's first view, or the first after another page, which made Streamlit forget it) asks for the
    first page: it was refused as "Page is a whole number, got nothing" though nobody had typed in it."""
    typed = st.session_state.get(key, "1")
    shown = min(max(1, st.session_state.get(key + SHOWN_SUFFIX, 1)), pages)
    try:
        asked = parse_page_number(typed)
    except ValidationError as exc:
        # the refused text stays in the field, under its refusal: replaced by the page shown, the field read "1"
        # under "got '1.5'", and typing that 1 changed nothing, so the refusal stayed
        page, note = shown, exc.message
    else:
        page = min(max(1, asked), pages)
        nearest = f"showing page {page:,} of {pages:,}"
        note = None if page == asked else f"There is no page {echoed(str(typed).strip())}: {nearest}"
        st.session_state[key] = str(page)
    st.session_state[key + SHOWN_SUFFIX] = page
    st.session_state[key + NOTE_SUFFIX] = note
    return page


def first_page(key: str) -> None:
    """The callback of a filter above a paged table that keeps no URL (``page_for_filters`` for one that does): the
    table as now filtered opens on its first page. The field kept the page typed for the table as filtered before:
    page 3 of every run, the book then chosen, read "There is no page 3" in red though nobody had typed a page, and
    page 2 of one list became page 2 of another."""
    st.session_state[key] = "1"


def page_for_filters(key: str, signature: str, pages: int) -> int:
    """``page_in_range``, back on the first page whenever the filters (``signature``) change, and kept in the URL
    under ``key`` beside the filters (which their widgets bind there): a reload, or a link sent to a colleague, opens
    on the same page; the first page is left out of the URL. A link's page is read as typed in the field."""
    first_view = key + SIGNATURE_SUFFIX not in st.session_state
    if st.session_state.get(key + SIGNATURE_SUFFIX) != signature:
        st.session_state[key + SIGNATURE_SUFFIX] = signature
        linked = st.query_params.get(key) if first_view and key not in st.session_state else None
        st.session_state[key] = "1" if linked is None else linked
    page = page_in_range(key, pages)
    page_to_url(key, page)
    return page


def page_to_url(param: str, page: int) -> None:
    """The page shown, kept in the URL under ``param``; the first page is left out, as every default is."""
    if page > 1:
        st.query_params[param] = str(page)
    else:
        st.query_params.pop(param, None)


def page_field(key: str) -> None:
    """The field, and under it why the page it shows is not the one typed (see ``page_in_range``)."""
    with st.container(gap=None, width=220):
        st.text_input("Page", key=key, width=130)
        field_error(st.container(), st.session_state.get(key + NOTE_SUFFIX))
