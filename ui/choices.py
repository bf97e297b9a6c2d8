"""A filter that is either "any" or one of its options: None stands for "any", shown as ``any_label``."""

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def any_or_one(label: str, options: Sequence[T], shown: Callable[[T], str], any_label: str, key: str) -> T | None:
    """A select box of ``any_label`` (None) then ``options``. Required: Streamlit draws a keyed box whose value is None
    with a clear button once it reruns, and a click on it emptied the box to "Choose an option", a filter set to
    nothing that filtered by nothing ("Created by" on Operations)."""
    return st.selectbox(
        label,
        [None, *options],
        format_func=lambda option: any_label if option is None else shown(option),
        key=key,
        required=True,
    )
