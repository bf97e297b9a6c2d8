"""The pages of the Cash Market's fills and closed orders: Previous / Next under each table, the page in the session
and in the URL (``fills_page=3``, left out on page 1), so a reload or a link sent to a colleague opens on the same
page. A link's page that is no page is said under the pager, and the nearest page shown."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import ValidationError
from core.filters import parse_page_number
from core.trading_account import MAX_PAGE, FillPage, OrderPage
from ui.feedback import field_warning
from ui.format import counted
from ui.paging import page_to_url
from ui.url_state import link_note

P = TypeVar("P", FillPage, OrderPage)
NOTE_SUFFIX = "_link_note"  # why the page shown is not the one the link named, until a page is turned


def read_page(read: Callable[[int], P], key: str, param: str) -> P:
    """The page the pager at ``key`` shows, read by ``read(page_number)``: the one turned to, or, on the session's
    first look, the one its link names under ``param``. A link's page past the last is read again as the last."""
    page = read(_asked(key, param))
    if page.page > page.pages:  # only a link's: a turn never goes past the last, and fills and closed orders only grow
        said, last = str(st.query_params.get(param)), f"page {page.pages:,}"
        st.session_state[key + NOTE_SUFFIX] = link_note("page", said, last, why=f"is past the last, {last}")
        st.session_state[key] = page.pages
        page = read(page.pages)
    page_to_url(param, page.page)
    return page


def forget_pages(*keys_and_params: tuple[str, str]) -> None:
    """Back on the first pages (another account's tables), in the session and in the URL."""
    for key, param in keys_and_params:
        st.session_state.pop(key, None)
        st.session_state.pop(key + NOTE_SUFFIX, None)
        st.query_params.pop(param, None)


def pager(key: str, param: str, page: int, pages: int, total: int, noun: str) -> None:
    """Previous / next under a paged table, and under them why a link's page is not the one shown."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("Previous", key=f"{key}_prev", disabled=page <= 1, icon=":material/chevron_left:",
                  on_click=_turn, args=(key, param, page - 1))  # fmt: skip
        st.caption(f"Page {page:,} of {pages:,} · {counted(total, noun)}")
        st.button("Next", key=f"{key}_next", disabled=page >= pages, icon=":material/chevron_right:",
                  on_click=_turn, args=(key, param, page + 1))  # fmt: skip
    if note := st.session_state.get(key + NOTE_SUFFIX):
        field_warning(st.container(), note)


def _asked(key: str, param: str) -> int:
    if key not in st.session_state:
        said = st.query_params.get(param)
        page, note = 1, None
        if said is not None:
            try:
                page = parse_page_number(said)
            except ValidationError:
                page, note = 1, link_note("page", said, "page 1", why="is not a page number")
            else:
                if page < 1:
                    page, note = 1, link_note("page", said, "page 1", why="is no page")
                page = min(page, MAX_PAGE)  # past the last all the same: read_page brings it back
        st.session_state[key] = page
        st.session_state[key + NOTE_SUFFIX] = note
    return st.session_state[key]


def _turn(key: str, param: str, to: int) -> None:
    st.session_state[key] = to
    st.session_state.pop(key + NOTE_SUFFIX, None)
    page_to_url(param, to)
