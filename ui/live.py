"""Parts of a page that refresh by themselves (``st.fragment(run_every=…)``) and survive a database outage."""

import functools
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st
from sqlalchemy.exc import DBAPIError

from core.errors import DatabaseUnavailable, PermissionDenied

P = ParamSpec("P")
APP_RERUN_KEY = "live_app_rerun"  # set by ask_app_rerun, honoured by the next live fragment to run


def ask_app_rerun() -> None:
    """From the callback of a widget inside a live fragment whose change shows outside it (a price picked into the
    order entry, an order cancelled): the run that follows is the whole app's. A callback's own ``st.rerun()``
    reruns only the fragment it belongs to."""
    st.session_state[APP_RERUN_KEY] = True


def app_run_started() -> None:
    """Called at the start of every whole-app run: it draws everything, so a rerun asked for is served."""
    st.session_state.pop(APP_RERUN_KEY, None)


def live_fragment(run_every: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """``st.fragment(run_every=…)`` whose failed database read reruns the whole app, as does a widget of it whose
    callback asked for it (``ask_app_rerun``).

    A fragment rerun runs only its own function, outside app.py's error handling; a whole-app rerun lands
    there, which shows "Database unavailable" and recovers by itself once the database is back.
    """

    def decorate(render: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(render)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            if st.session_state.pop(APP_RERUN_KEY, False):
                st.rerun(scope="app")
            try:
                render(*args, **kwargs)
            except (DatabaseUnavailable, DBAPIError):
                st.rerun(scope="app")
            except PermissionDenied:
                # core refuses a session that ended under the open page (its user switched off): the whole app's
                # run signs the tab out and says why, at once, instead of a red refusal until watch() comes round
                from ui.session import session_is_live  # late: ui.session's watch() is itself a live fragment

                if session_is_live():
                    raise
                st.rerun(scope="app")

        return st.fragment(run_every=run_every)(guarded)

    return decorate
