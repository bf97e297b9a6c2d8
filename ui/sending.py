"""Sending a confirmed action once, however many times its button is clicked.

The house's guard against a double send (``ui.password_form`` takes its lock too): the two sends of a double click
run their callbacks at once, in two threads (Streamlit starts the second run before the first has stopped, and the
stopped one can no longer write session state). So a lock per sign-in session makes the second wait for the first,
and what the first did is remembered here, in the server process, under the confirmation's own random token: the
second gets the same outcome (the ledger row, or the refusal) instead of acting again.

A send acts only while its tab's session is live. A callback runs before the script, so before app.py finds the
session ended (signed out in another window, idle past its expiry): a policy was saved by a tab that had been
signed out elsewhere, and only then did the page say so. Now such a send changes nothing, and the run that follows
shows the sign-in form saying why."""

import secrets
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from core.errors import CoreError, PermissionDenied
from ui import session

T = TypeVar("T")

KEPT = 1_000  # outcomes remembered: a repeat follows its first send within a second, never 1,000 sends later
_SENDING: defaultdict[str | None, threading.Lock] = defaultdict(threading.Lock)
_SENDING_GUARD = threading.Lock()  # so two threads never make two locks for one session
_OUTCOMES: OrderedDict[str, object] = OrderedDict()
SESSION_ENDED = "You are no longer signed in here: nothing was changed. Sign in again to continue."


def new_token() -> str:
    """A confirmation's token: made when the confirmation is shown, sent with its Confirm."""
    return secrets.token_hex(16)


@contextmanager
def one_send_at_a_time() -> Iterator[None]:
    """This sign-in session's sends, one after another: the second of a double click waits here for the first."""
    with _SENDING_GUARD:
        sending = _SENDING[session.token()]
    with sending:
        yield


def send_once(token: str, action: Callable[[], T]) -> T:
    """``action``'s result, or its refusal raised, run once for ``token``: a repeat of the same send (a double click,
    a second Enter) waits for the first and gets its outcome, never a second action. Refused (``PermissionDenied``),
    acting not at all, once this tab's session has ended."""
    with one_send_at_a_time():
        if token not in _OUTCOMES:
            if not session.session_is_live():  # not kept as the outcome: signed in again, the send is new
                raise PermissionDenied(SESSION_ENDED)
            try:
                _OUTCOMES[token] = action()
            except CoreError as exc:
                _OUTCOMES[token] = exc
            while len(_OUTCOMES) > KEPT:
                _OUTCOMES.popitem(last=False)
        outcome = _OUTCOMES[token]
    if isinstance(outcome, CoreError):
        raise outcome
    return outcome  # type: ignore[return-value]  (what action returned for this token)
