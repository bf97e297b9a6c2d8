"""Who is signed in: a server-side session (core.sessions) whose token the browser keeps in a cookie, so a reload
keeps the user signed in until the idle expiry, and signing out, expiry or deactivation end it everywhere.

A Streamlit script cannot set a cookie (``st.context.cookies`` is read-only, from the request that opened the
page). So after sign-in the page posts the new session's token to ``/session/cookie``, a route of app.py's
``st.App``: it swaps the token for a fresh one (``core.sessions.rotate``), sets that as an HttpOnly, SameSite=Strict
cookie and redirects back to the same page, which then opens signed in. The token that crossed the page is dead a
moment later; the cookie's own token never appears in a page, a URL or a script.
"""

import functools
import html
import math
import time
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from core import sessions
from core.errors import CoreError
from core.models import User
from core.sessions import TOUCH_INTERVAL, SessionEnd
from ui.live import live_fragment
from ui.runtime import db_session

P = ParamSpec("P")
COOKIE = "carbon_session"
COOKIE_ROUTE = "/session/cookie"
USER_KEY = "auth_user"  # the user this run acts for (pages read it through require_user)
TOKEN_KEY = "auth_token"  # this tab's session token
SEEN_KEY = "auth_last_seen"  # time.monotonic() when this tab last slid the session's expiry
NOTICE_KEY = "auth_notice"  # a sentence for the sign-in form, shown once
SPENT_KEY = "auth_spent_cookie"  # a cookie token this tab already found dead: not looked up again
WATCH_EVERY = "15s"  # how soon an open page notices that its session ended

SIGNED_OUT = "You are signed out."
ENDED = {
    SessionEnd.EXPIRED: "Your session expired after inactivity. Please sign in again.",
    SessionEnd.DEACTIVATED: "Your account is deactivated. Ask an administrator if you need access.",
    SessionEnd.REVOKED: "You were signed out in another window. Please sign in again.",
    SessionEnd.PASSWORD_RESET: "An administrator reset your password: sign in with the new one you were given.",
    SessionEnd.PASSWORD_CHANGED: "Your password was changed in another window: sign in with the new one.",
}


def current_user() -> User | None:
    """The signed-in user of this run, or None. app.py calls it once per run, before any page.

    The session is this tab's, or on a fresh page view the cookie's. Activity slides its expiry at most once per
    ``TOUCH_INTERVAL``; a session that ended signs the tab out, saying why unless the user chose it.
    """
    token = st.session_state.get(TOKEN_KEY)
    from_cookie = token is None
    if from_cookie:
        token = cookie_token()
        if token is None or token == st.session_state.get(SPENT_KEY):
            st.session_state.pop(USER_KEY, None)
            return None
    with db_session() as db:
        user = sessions.resolve(db, token)
        if user is None:
            end = sessions.ended(db, token)
        elif time.monotonic() - st.session_state.get(SEEN_KEY, -math.inf) >= TOUCH_INTERVAL.total_seconds():
            sessions.touch(db, token)
            st.session_state[SEEN_KEY] = time.monotonic()
    if user is None:
        # a cookie revoked by signing out earlier is simply gone; anything else ended on its own: say so
        quiet = from_cookie and end in (SessionEnd.REVOKED, SessionEnd.UNKNOWN)
        _forget(notice=None if quiet else ENDED.get(end))
        return None
    st.session_state[TOKEN_KEY] = token
    st.session_state[USER_KEY] = user
    return user


def sign_in(user: User) -> None:
    """Open a session for a user who just proved who they are, and have the browser keep it in its cookie.

    Renders the hand-over: the browser leaves for ``/session/cookie`` and comes back to the same page signed in.
    Until then (and in AppTest, which has no browser) this tab is signed in by itself.
    """
    with db_session() as db:
        token = sessions.create(db, user.id)
    st.session_state.update({TOKEN_KEY: token, USER_KEY: user, SEEN_KEY: time.monotonic()})
    st.success(f"Signed in as {user.username}. Opening the app…", icon=":material/login:")
    st.html(_hand_over(token), unsafe_allow_javascript=True)


def sign_out(notice: str | None = SIGNED_OUT) -> None:
    """End this browser's session everywhere (its other tabs too) and forget everything this tab held."""
    tokens = {st.session_state.get(TOKEN_KEY), cookie_token()} - {None}
    with db_session() as db:
        for token in tokens:
            sessions.revoke(db, token)
    _forget(notice)


def require_user() -> User:
    """For pages: the user app.py signed in for this run (app.py routes only signed-in users to pages)."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        st.stop()
    return user


def token() -> str | None:
    """This tab's session token (what core needs to act on this very session, as a password change does)."""
    return st.session_state.get(TOKEN_KEY)


def session_is_live() -> bool:
    """This tab's session is still open: not expired, signed out elsewhere, or of a user switched off. Checking is
    not activity: it never slides the expiry."""
    mine = token()
    with db_session() as db:
        return mine is not None and sessions.resolve(db, mine) is not None


def signed_in(act: Callable[P, None]) -> Callable[P, None]:
    """The one guard of every write a tab sends: ``act`` runs only while this tab's session is live. Wrap a widget's
    callback (``on_click=``, ``on_change=``, ``on_select=``…) and the body of a dialog in it;
    ``tests/unit/test_every_write_is_signed_in.py`` finds any that is not.

    Neither passes through app.py's check first: a callback runs before the script, and a click inside a dialog (a
    fragment) reruns only the dialog's function. So a tab signed out in another window, idle past its expiry or whose
    user was switched off still acted (Create Liquidity placed its orders, Withdraw remaining liquidity cancelled
    them, and only then did the page say "You were signed out"). Now an ended session acts not at all: the whole app
    runs again instead (from a callback too: ``st.rerun`` there stops the callback and asks for that run), which
    signs the tab out and says why."""

    @functools.wraps(act)
    def checked(*args: P.args, **kwargs: P.kwargs) -> None:
        if not session_is_live():
            st.rerun(scope="app")
        act(*args, **kwargs)

    return checked


@live_fragment(WATCH_EVERY)
def watch() -> None:
    """Sign an open page out soon after its session ends (expiry, sign-out elsewhere, deactivation), even while
    nobody touches it."""
    if not session_is_live():
        st.rerun(scope="app")


def cookie_token() -> str | None:
    """The session token in the cookie of the request that opened this page, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) else None  # AppTest has no browser: its cookies are mocks


def _forget(notice: str | None = None) -> None:
    """Clear everything this tab held; a cookie that no longer signs anyone in is not looked up again."""
    spent = cookie_token()
    st.session_state.clear()
    if spent is not None:
        st.session_state[SPENT_KEY] = spent
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _hand_over(token: str) -> str:
    """A form that posts the token to the cookie route at once, to come back to the page it was sent from."""
    base = st.get_option("server.baseUrlPath").strip("/")
    action = f"/{base}{COOKIE_ROUTE}" if base else COOKIE_ROUTE
    return (
        f'<form id="session-hand-over" method="post" action="{html.escape(action)}">'
        f'<input type="hidden" name="token" value="{html.escape(token)}"><input type="hidden" name="next"></form>'
        "<script>const form = document.getElementById('session-hand-over');"
        "form.elements.next.value = window.location.pathname + window.location.search; form.submit();</script>"
    )


async def _set_cookie(request: Request) -> Response:
    """POST /session/cookie: swap a just-issued token for the cookie's own, set it, go back to the page."""
    if not _same_origin(request):  # so no other site can sign a browser into someone else's session
        return PlainTextResponse("Refused: only this application's own pages may hand over a session.", 403)
    form = await request.form()
    back = RedirectResponse(_local_path(form.get("next")), status_code=303)
    try:
        fresh = await run_in_threadpool(_rotate, form.get("token"))
    except CoreError:  # the database is unreachable: the page comes back signed out and says so itself
        return back
    if fresh is not None:
        base = st.get_option("server.baseUrlPath").strip("/")
        back.set_cookie(
            COOKIE,
            fresh,
            path=f"/{base}",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )  # no max-age: the server's idle expiry decides, and the browser drops it when it closes
    return back


def _rotate(token: object) -> str | None:
    with db_session() as db:
        return sessions.rotate(db, token)


def _same_origin(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def _local_path(value: object) -> str:
    """A path on this site to go back to; anything else (another site, a scheme, junk) goes to the start page."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith("//")
        and value.isprintable()
        and "\\" not in value
        and len(value) <= 2000
    ):
        return value
    return "/"


ROUTES = [Route(COOKIE_ROUTE, _set_cookie, methods=["POST"])]
