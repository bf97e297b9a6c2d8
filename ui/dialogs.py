"""Which dialog of a page is open, kept in session state (not in the opener's click), so it survives the reruns its
own widgets cause and a refused action keeps it open with the message."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from core.errors import CoreError
from ui.feedback import flash, show_refusal
from ui.hidden import hide_element
from ui.sending import new_token, send_once

T = TypeVar("T")

# Escape closes an open dialog wherever the focus is. Streamlit's dialog hears Escape only from inside itself, and a
# confirmation takes away the element the focus was on (the field the admin pressed Enter in, greyed, now its greyed
# copy; Back or Confirm once clicked): the browser could move the focus to the page's body, and Escape did nothing
# while the dialog asked "Fund X with €1,000.50?". Pressed
# outside the dialog, it clicks the dialog's own close button, so it is dismissed as its X dismisses it
# (``on_dismiss``). Installed once per browser tab, whichever dialog draws it first.
ESCAPE_KEY = "dialog_escape_closes"  # its container, hidden: a script takes no room (unhidden, it took a gap)
ESCAPE_CLOSES = """<script>
if (!window.carbonEscapeCloses) {
    window.carbonEscapeCloses = true;
    document.addEventListener("keydown", (event) => {
        const dialog = document.querySelector("[role=dialog]");
        if (event.key !== "Escape" || !dialog || dialog.contains(document.activeElement)) return;
        dialog.querySelector("button[aria-label=Close]")?.click();
    });
}
</script>"""


def start_with(values: Mapping[str, object]) -> None:
    """The values a dialog's widgets (session-state key → value) take in the first run of an opening: the ones
    ``Dialogs.open`` emptied. Set by the server, they replace what the browser may still hold: it keeps a widget's
    value until a run of the page ends without it, so a dialog reopened while the run that closed it (Escape) was
    under way showed the last opening's amount and asset, the asset disagreeing with the balance said under it. Left
    alone once set: from then on they hold what was chosen and typed. (Given to a widget as ``default``, Streamlit
    warns beside a value set here; a text field's empty default is no such value.)"""
    for key, value in values.items():
        st.session_state.setdefault(key, value)


# A form that asks to confirm what it sent is greyed meanwhile, each field shown by a greyed copy of it holding what it
# sent (``<key>_asked``). Greyed in place, a field kept whatever the browser had put in it after the form was sent: a
# keystroke landing as the question appeared showed "10005", greyed, beside "Fund X with €1,000.00?". A copy is
# another element, which shows only what the page puts in it.
ASKED = "_asked"


def keep_asked(key: str, sent: object) -> None:
    """In the callback of a send that asks to confirm: the greyed copy of the field ``key`` holds what it sent."""
    st.session_state[f"{key}{ASKED}"] = sent


def asked_field(key: str, asking: bool) -> str:
    """The key to draw the form field ``key`` under: the field itself, or while its form asks to confirm what it sent
    (``asking``), its copy holding that (``keep_asked``), drawn ``disabled=asking``."""
    return f"{key}{ASKED}" if asking else key


def give_back(keys: Iterable[str]) -> None:
    """In the callback that ends a question without acting (Back, a refused Confirm): each field drawn as its copy
    holds again what it sent, to be changed (Streamlit forgets a field the runs that draw only its copy)."""
    for key in keys:
        if (sent := st.session_state.pop(f"{key}{ASKED}", None)) is not None:
            st.session_state[key] = sent


def escape_closes() -> None:
    """Have Escape close the open dialog even when the focus left it (``ESCAPE_CLOSES``); drawn inside a dialog, it
    takes no room."""
    hide_element(ESCAPE_KEY)
    with st.container(key=ESCAPE_KEY):
        st.html(ESCAPE_CLOSES, unsafe_allow_javascript=True)


@dataclass(frozen=True)
class Dialogs:
    """A page's dialogs: ``key`` holds (kind, target id) of the open one; ``select_next_key`` the id the page shows
    after a success (applied before its selector is drawn: a widget's state cannot change after that); ``fields``
    the widget keys of each kind, emptied when it opens."""

    key: str
    select_next_key: str
    fields: Mapping[str, tuple[str, ...]]

    def open(self, kind: str, target_id: int | None = None) -> None:
        """Opens with empty fields: nothing typed for one account carries over to the next."""
        for key in self.fields[kind]:
            st.session_state.pop(key, None)
        st.session_state[self.key] = (kind, target_id)
        st.session_state[f"{self.key}_opening"] = new_token()  # this opening's: see send_key

    def send_key(self, typed: object) -> str:
        """The key ``ui.sending.send_once`` acts once for: what was typed (``typed``, its repr) in this opening of the
        dialog. A second send of it (the two callbacks of a double click, or an Enter whose run was overtaken by
        another after it had created) gets the first one's outcome: the firm just created, never "it already
        exists". What is typed anew, or the next opening, is a new send."""
        opening = st.session_state.setdefault(f"{self.key}_opening", new_token())
        return f"{opening}:{typed!r}"

    def send(self, typed: object, action: Callable[[], T]) -> T:
        """``action`` (a creation from what was typed), once for what was typed in this opening (``send_key``)."""
        return send_once(self.send_key(typed), action)

    def close(self) -> None:
        st.session_state.pop(self.key, None)

    def pending(self) -> tuple[str, int | None] | None:
        return st.session_state.get(self.key)

    def finish(self, message: str, selected: int | None) -> None:
        """After a successful write: close the dialog, toast on the next run, show the affected record."""
        self.close()
        flash(message)
        if selected is not None:
            st.session_state[self.select_next_key] = selected
        st.rerun()

    def overtaken(self, exc: CoreError) -> None:
        """After a refusal that says the record moved since the dialog opened (another admin got there first, in
        another tab): close the dialog, which would only offer the refused action again over a page drawn before, and
        say why on the page as it is now (``show_overtaken``)."""
        self.close()
        st.session_state[f"{self.key}_overtaken"] = exc
        st.rerun()

    def show_overtaken(self) -> None:
        """Where the page says (once) why a dialog it opened closed unfinished."""
        if (exc := st.session_state.pop(f"{self.key}_overtaken", None)) is not None:
            show_refusal(exc, warning=True)
