"""Choices a page keeps in its URL as well as in its session, so that a reload (a new session under the same sign-in)
or a shared link opens on them: the Cash Market's market, side, order type, Post only, an admin's market maker, and
the pages of fills and closed orders (ui/account_paging.py); Market Quality's thresholds; the Market Makers page's
Type filter, Show inactive and market maker; the Users page's Role filter and user; the Trader Firms page's firm
(Operations' view, filters and table cut, Market Quality's book and period are bound by Streamlit). What the URL
says is read only while the session has no value of its own yet (a link just opened): a value the page cannot take
leaves the field at its default, and the page says so under it, never dropping it unsaid. Widgets bound by Streamlit
itself (``bind="query-params"``) drop such a value as they are drawn: ``said_by_url`` and ``dropped_by_url`` find it
(``dates_said_by_url`` and ``dates_note`` for a date range), for the page to say so too. ``say_not_taken`` says it,
in the same words on every page."""

from collections.abc import Callable, Iterable, Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.validation import echoed
from ui.feedback import field_warning

# session state key → (URL parameter, {the word the URL says (upper case): the value the session holds})
UrlChoices = Mapping[str, tuple[str, Mapping[str, object]]]

YES_NO: dict[str, object] = {"YES": True, "NO": False}  # a switch: post_only=YES


def same_words(values: list[str]) -> dict[str, object]:
    """A choice whose session value is the word the URL says (a market, a side, an order type)."""
    return {value.upper(): value for value in values}


def choices_from_url(choices: UrlChoices) -> dict[str, str]:
    """Before the widgets are drawn: each choice the URL names, if it is one of its words and the session has
    none yet (another page's request, or the person's own choice, wins). Returns what the URL named that is none of
    its choice's words ({session key: as the URL said it}), for the page to say it kept the default instead."""
    unknown = {}
    for key, (param, words) in choices.items():
        said = str(st.query_params.get(param, "")).strip()
        if key in st.session_state or not said:
            continue
        if said.upper() in words:
            st.session_state[key] = words[said.upper()]
        else:
            unknown[key] = said
    return unknown


def choices_to_url(choices: UrlChoices, defaults: Mapping[str, object] | None = None) -> None:
    """After the widgets are drawn: the URL says what they show; a choice at its value in ``defaults`` (if given)
    is left out, as Streamlit keeps the URL of a bound widget."""
    said = {}
    for key, (param, words) in choices.items():
        if defaults is not None and key in defaults and st.session_state.get(key) == defaults[key]:
            if param in st.query_params:
                del st.query_params[param]
            continue
        shown = [word for word, value in words.items() if key in st.session_state and value == st.session_state[key]]
        if shown:
            said[param] = shown[0]
    st.query_params.update(said)


def typed_from_url(keys: Iterable[str], faults: Callable[[dict[str, str]], Mapping[str, str]]) -> dict[str, str]:
    """Before the typed fields ``keys`` (each its own URL parameter) are drawn: what a link just opened says for the
    ones the session holds no value of yet. ``faults`` judges them together (as the page reads them) and returns why
    each one it refuses is refused ({key: why}); a refused field keeps its default, the others take the link's text.
    Returns the refusals, for the page to say under each field."""
    said = {key: str(st.query_params[key]) for key in keys if key not in st.session_state and key in st.query_params}
    said = {key: text for key, text in said.items() if text.strip()}  # an empty parameter says nothing
    refused = dict(faults(said)) if said else {}
    for key, text in said.items():
        if key not in refused:
            st.session_state[key] = text
    return refused


def typed_to_url(defaults: Mapping[str, str]) -> None:
    """After the typed fields are drawn: the URL holds what each shows, and nothing for one empty or at its default
    (``defaults``: key → its default text), as Streamlit keeps the URL of a bound widget."""
    for key, default in defaults.items():
        shown = str(st.session_state.get(key, default))
        if shown.strip() in ("", default):
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != shown:
            st.query_params[key] = shown


def said_by_url(keys: Iterable[str]) -> dict[str, str]:
    """Before the widgets bound to the URL (``bind="query-params"``, keyed as their parameters) are drawn: what a link
    just opened says for the ones the session has not drawn yet."""
    return {key: str(st.query_params[key]) for key in keys if key not in st.session_state and key in st.query_params}


def dropped_by_url(said: Mapping[str, str]) -> dict[str, str]:
    """After they are drawn: what the link said that its widget did not take. Streamlit drops a value its widget
    cannot take from the URL as it draws it, unsaid, and shows the default (it drops one equal to the default too:
    the page tells those apart by what the widget shows)."""
    return {key: text for key, text in said.items() if key not in st.query_params}


def link_note(
    label: str, said: str, shown: str, offered: Sequence[str] | None = None, why: str | None = None
) -> str | None:
    """Why the field ``label`` does not show what a link said for it: not one of the words it takes (``offered``, as
    a link writes them; None: what it takes is not listed, an admin's market makers), or ``why`` when the page knows
    better (a market maker the filters hide: "is Old LP, inactive, hidden while “Show inactive” is off"), and what it
    shows instead. None when the link said nothing, or what the field shows, in any case (Streamlit drops a bound
    widget's value at its default from the URL too). One of the field's words in another case that the field does not
    show is said: a choice bound by Streamlit takes only its own spelling, so "cea" left Operations on All, unsaid
    (``choices_from_url`` takes any case, and never asks for a note of one)."""
    said = said.strip()
    if not said or said.casefold() == shown.casefold():
        return None  # the field shows what the link said (Streamlit drops a value at its default from the URL)
    if why is not None:
        takes = why
    elif offered is None:
        takes = "is not offered here"
    else:  # one word alone is named, not listed: "is not SELL", never "is not one of SELL"
        takes = f"is not {offered[0]}" if len(offered) == 1 else f"is not one of {', '.join(offered)}"
    return f"The link's {label} “{echoed(said)}” {takes}: {shown} is shown."  # a pasted page of text: its start


def dates_said_by_url(key: str) -> str | None:
    """Before a date range bound to the URL under ``key`` is drawn: the days a link just opened says for it, as one
    text ("2026-11-01 to 2026-11-30"; Streamlit writes each day as a parameter of its own), or None."""
    said = [day.strip() for day in st.query_params.get_all(key) if day.strip()]
    return None if key in st.session_state or not said else " to ".join(said)


def dates_note(label: str, said: str | None, key: str) -> str | None:
    """After the date range ``key`` is drawn: why it does not show the days a link said (``dates_said_by_url``).
    Streamlit drops days of which one is no date (YYYY-MM-DD) from the URL, unsaid, and shows every day."""
    if said is None or key in st.query_params:
        return None
    return f"The link's {label} “{said}” is not one day or two (YYYY-MM-DD): every day is shown."


def say_not_taken(
    where: DeltaGenerator,
    label: str,
    said: str | None,
    shown: str,
    offered: Sequence[str] | None = None,
    why: str | None = None,
) -> None:
    """Under the field ``label``, in orange (``ui.feedback.field_warning``): the value a link held for it that the
    page did not take, and the default it shows instead (``link_note``); nothing when ``said`` is None."""
    if said is not None:
        field_warning(where, link_note(label, said, shown, offered, why))
