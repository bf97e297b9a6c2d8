"""Turning core outcomes into messages: a refusal is a clear sentence, never a traceback."""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.errors import CoreError
from ui.format import md_escape

T = TypeVar("T")

FLASH_KEY = "ui_flash"
SUCCESS_ICON = ":material/check_circle:"
WARNING_ICON = ":material/warning:"  # done, but not what was hoped for (a policy run that skipped)
log = logging.getLogger("carbon.app")


def attempt(
    action: Callable[[], T],
    success: str | None = None,
    *,
    under: Callable[[CoreError], DeltaGenerator | None] | None = None,
) -> T | None:
    """Run a core call; show ``success`` as a toast, or the refusal: under the field it is about when ``under``
    gives the place drawn right below that field, otherwise as an error where the page got to. Returns the result
    or None."""
    try:
        result = action()
    except CoreError as exc:
        field = under(exc) if under is not None else None
        if field is None:
            show_refusal(exc)
        else:
            field_error(field, exc.message)
        return None
    if success:
        st.toast(success, icon=SUCCESS_ICON)
    return result


def field_error(where: DeltaGenerator, message: str | None) -> None:
    """A refusal under the field it is about (typed text in it stays text, never markup)."""
    if message:
        where.caption(f":red[:material/error: {md_escape(message)}]")


def field_warning(where: DeltaGenerator, message: str | None) -> None:
    """A warning under the field it is about: what was typed was accepted, but will not do what it says now."""
    if message:
        where.caption(f":orange[:material/warning: {md_escape(message)}]")


def field_note(where: DeltaGenerator, message: str | None) -> None:
    """A neutral note under the field it is about: what the page filled in itself will not do, said without the red
    of a refusal the person did not cause (an error appears once they type into the field)."""
    if message:
        where.caption(f":material/info: {md_escape(message)}")


def refused_while_typed(
    key: str, typed: object, say: Callable[[DeltaGenerator, str | None], None] = field_error
) -> None:
    """Under the field(s) just drawn: the message kept at ``key`` as (what was typed, why), while they still hold
    what it is about; a refusal, or whatever ``say`` shows (``field_warning``)."""
    kept = st.session_state.get(key)
    if kept is not None and kept[0] == typed:
        say(st.container(), kept[1])


def flash(message: str, *, icon: str = SUCCESS_ICON) -> None:
    """A toast for the next run, a success unless ``icon`` says otherwise: for actions followed by ``st.rerun()``
    (closing a dialog). Once, however often it is queued before that run: both runs of a double click can say the
    one save they made (``ui.sending.send_once`` gives the second the first's outcome), and under load the first run
    is not always stopped before it does, so a policy's save read "saved" twice."""
    queued = st.session_state.setdefault(FLASH_KEY, [])
    if (message, icon) not in queued:
        queued.append((message, icon))


def show_flashed() -> None:
    """Show (once) the toasts queued by ``flash``; app.py calls it on every run."""
    for message, icon in st.session_state.pop(FLASH_KEY, []):
        st.toast(message, icon=icon)


def show_refusal(exc: CoreError, *, warning: bool = False) -> None:
    """Core's own sentence for why it refused, where the page got to; the rest of the app stays usable. It may
    quote what a person typed (a market maker's name), so it is shown as text, never as markup. ``warning``: a
    refusal that changed nothing because what was asked is already so (done by someone else), not a fault."""
    if warning:
        st.warning(md_escape(exc.message), icon=":material/sync_problem:")
    else:
        st.error(md_escape(exc.message), icon=":material/error:")


def show_unexpected(exc: BaseException) -> None:
    """A failure nobody planned for: logged with a short reference a person can quote, never shown as a trace."""
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s", ref, exc_info=exc)
    st.error(f"Something went wrong and nothing was changed. The error was logged with reference {ref}.")


def on_script_error(exc: Exception) -> bool:
    """st.App's handler for what escapes a fragment rerun or a widget callback (app.py catches a full run's own):
    core's refusal in its own words, anything else with a logged reference. True: no traceback on the page."""
    if isinstance(exc, CoreError):
        show_refusal(exc)
    else:
        show_unexpected(exc)
    return True
