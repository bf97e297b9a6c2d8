"""A filter that is either "any" or one of its options: None stands for "any", shown as ``any_label``."""

from collections.abc import Callable, Sequence
from enum import Enum
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


class AnyOption(Enum):
    """The "any" option of a filter's box, as the box holds it (``any_or_one`` returns None for it)."""

    ANY = "any"


ANY = AnyOption.ANY


def any_or_one(label: str, options: Sequence[T], shown: Callable[[T], str], any_label: str, key: str) -> T | None:
    """A select box of ``any_label`` then ``options``; None when it is on ``any_label``. The box holds ``ANY`` there,
    never None: Streamlit draws a keyed box holding None with a clear button, and a click on it emptied the filter to
    "Choose an option", a filter set to nothing ("Created by" on Operations); made required instead, every filter's
    label read "(required)", though none needs choosing. Holding a value, the box is neither."""
    chosen = st.selectbox(
        label,
        [ANY, *options],
        format_func=lambda option: any_label if option is ANY else shown(option),
        key=key,
    )
    return None if chosen is ANY else chosen
