"""Parts of a page that refresh by themselves (``st.fragment(run_every=…)``) and survive a database outage."""

import functools
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st
from sqlalchemy.exc import DBAPIError

from core.errors import DatabaseUnavailable

P = ParamSpec("P")


def live_fragment(run_every: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """``st.fragment(run_every=…)`` whose failed database read reruns the whole app.

    A fragment rerun runs only its own function, outside app.py's error handling; a whole-app rerun lands
    there, which shows "Database unavailable" and recovers by itself once the database is back.
    """

    def decorate(render: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(render)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                render(*args, **kwargs)
            except (DatabaseUnavailable, DBAPIError):
                st.rerun(scope="app")

        return st.fragment(run_every=run_every)(guarded)

    return decorate
