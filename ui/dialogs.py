"""Which dialog of a page is open, kept in session state (not in the opener's click), so it survives the reruns its
own widgets cause and a refused action keeps it open with the message."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from core.errors import CoreError
from ui.feedback import flash, show_refusal
from ui.sending import new_token, send_once

T = TypeVar("T")


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
