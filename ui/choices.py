"""A filter that is either "any" or one of its options: None stands for "any", shown as ``any_label``."""

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Literal, TypeVar

import streamlit as st

T = TypeVar("T")


class AnyOption(Enum):
    """The "any" option of a filter's box, as the box holds it (``any_or_one`` returns None for it)."""

    ANY = "any"


ANY = AnyOption.ANY


def any_or_one(
    label: str,
    options: Sequence[T],
    shown: Callable[[T], str],
    any_label: str,
    key: str,
    bind: Literal["query-params"] | None = None,
) -> T | None:
    """A select box of ``any_label`` then ``options``; None when it is on ``any_label``. The box holds ``ANY`` there,
    never None: Streamlit draws a keyed box holding None with a clear button, and a click on it emptied the filter to
    "Choose an option", a filter set to nothing ("Created by" on Operations); made required instead, every filter's
    label read "(required)", though none needs choosing. Holding a value, the box is neither. With ``bind`` (as
    Streamlit's) the URL keeps the option by its words (``shown``), and nothing while the box is on ``any_label``."""
    chosen = st.selectbox(
        label,
        [ANY, *options],
        format_func=lambda option: any_label if option is ANY else shown(option),
        key=key,
        bind=bind,
    )
    return None if chosen is ANY else chosen


def record_box(label: str, ids: Sequence[int], shown: Callable[[int], str], key: str, select_next_key: str) -> int:
    """The select box of a page's records (a market maker, a trader firm, a user), by id, shown as ``shown`` says;
    on the one ``select_next_key`` names (a dialog's record, once), else the one chosen before while it is still in
    ``ids``, else the first. Set on every run, though the id did not change: Streamlit sends a keyed box's value to
    the browser only when the script sets it, so a label that changed under it (another admin deactivated the user
    in another window: "(inactive)") stayed as the browser last drew it, contradicting the page beside it, and the
    browser sent that old label back at the next click, which matched no option: the box jumped to the first record."""
    if (chosen := st.session_state.pop(select_next_key, None)) in ids:
        st.session_state[key] = chosen
    current = st.session_state.get(key)
    st.session_state[key] = current if current in ids else ids[0]
    return st.selectbox(label, ids, format_func=shown, key=key)
