"""Choices a page keeps in its URL as well as in its session, so that a reload (a new session under the same
sign-in) or a shared link opens on them: the Cash Market's market, side and order type. What was typed (a price,
a quantity) is not kept: a reload starts it afresh, from the book."""

from collections.abc import Mapping, Sequence

import streamlit as st

# session state key → (URL parameter, the values it may take)
UrlChoices = Mapping[str, tuple[str, Sequence[str]]]


def choices_from_url(choices: UrlChoices) -> None:
    """Before the widgets are drawn: each choice the URL names, if it is one of its values and the session has
    none yet (another page's request, or the person's own choice, wins)."""
    for key, (param, values) in choices.items():
        named = str(st.query_params.get(param, "")).strip().upper()
        if key not in st.session_state and named in values:
            st.session_state[key] = named


def choices_to_url(choices: UrlChoices) -> None:
    """After the widgets are drawn: the URL says what they show."""
    st.query_params.update(
        {param: st.session_state[key] for key, (param, _) in choices.items() if key in st.session_state}
    )
