"""Elements drawn for what they do, not to be seen: a script, a component that only listens, the fields of a mode not
shown. ``hide_element`` is the one home of "this element takes no room"."""

import streamlit as st


def hidden_css(key: str) -> str:
    """The style that hides the element keyed ``key`` and the layout wrapper Streamlit draws around a keyed container:
    hidden alone, a container left its wrapper, which still took a gap of the page's flow. Never the element's parent
    as such (``div:has(> .st-key-…)``): the parent of a keyed widget or component is the whole block it sits in."""
    return f"<style>.st-key-{key}, [data-testid=stLayoutWrapper]:has(> .st-key-{key}) {{display: none}}</style>"


def hidden_older_css(key: str) -> str:
    """The style that shows only the newest of the buttons drawn under ``ui.clicks.drawn_key(key, ...)``. Drawn under
    a new key, a button is a new widget, and Streamlit keeps the old one, faded, after the new one until the run ends
    (a widget that left its place may come back later in the run). Shown, it pushed the row down a button's height at
    every keystroke, and offered the old order to click."""
    return f'<style>[class*="st-key-{key}_"] ~ [class*="st-key-{key}_"] {{display: none}}</style>'


def hide_element(key: str) -> None:
    """Have the element (a widget, a component, a container) keyed ``key`` take no room, wherever it is drawn. Style
    only, so Streamlit puts the rule itself in its event container, where it takes no room either."""
    st.html(hidden_css(key))


def hide_sidebar_expander() -> None:
    """No ">>" button to open the sidebar: a page signed out in place keeps the sidebar it had, collapsed behind that
    button with nothing in it."""
    st.html('<style>[data-testid="stExpandSidebarButton"] {display: none}</style>')
