"""Choices a page keeps in its URL as well as in its session, so that a reload (a new session under the same
sign-in) or a shared link opens on them: the Cash Market's market, side, order type, Post only and an admin's
market maker. What was typed (a price, a quantity) is not kept: a reload starts it afresh, from the book."""

from collections.abc import Mapping

import streamlit as st

# session state key → (URL parameter, {the word the URL says (upper case): the value the session holds})
UrlChoices = Mapping[str, tuple[str, Mapping[str, object]]]

YES_NO: dict[str, object] = {"YES": True, "NO": False}  # a switch: post_only=YES


def same_words(values: list[str]) -> dict[str, object]:
    """A choice whose session value is the word the URL says (a market, a side, an order type)."""
    return {value.upper(): value for value in values}


def choices_from_url(choices: UrlChoices) -> None:
    """Before the widgets are drawn: each choice the URL names, if it is one of its words and the session has
    none yet (another page's request, or the person's own choice, wins)."""
    for key, (param, words) in choices.items():
        named = str(st.query_params.get(param, "")).strip().upper()
        if key not in st.session_state and named in words:
            st.session_state[key] = words[named]


def choices_to_url(choices: UrlChoices) -> None:
    """After the widgets are drawn: the URL says what they show."""
    said = {}
    for key, (param, words) in choices.items():
        shown = [word for word, value in words.items() if key in st.session_state and value == st.session_state[key]]
        if shown:
            said[param] = shown[0]
    st.query_params.update(said)
