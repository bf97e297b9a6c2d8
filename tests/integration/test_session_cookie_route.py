"""POST /session/cookie, the route that puts a session into the browser's cookie: it swaps the token a page
handed over for a fresh one, sets that HttpOnly and SameSite=Strict, and goes back to the same page of this site;
it refuses other sites and never revives an ended session."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
import streamlit as st
from starlette.applications import Starlette

from core import sessions
from tests.helpers import snapshot
from ui.session import COOKIE, ROUTES

HOST = "127.0.0.1:8501"


@pytest.fixture
def post(database_url, monkeypatch):
    """POST a form to the route as a browser on this site would (or with other ``headers``)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = Starlette(routes=ROUTES)

    def send_form(form: dict, headers: dict | None = None) -> tuple[int, dict[str, str], SimpleCookie]:
        body = urlencode(form).encode()
        sent = {"host": HOST, "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}
        sent.update(headers or {})
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/session/cookie",
            "raw_path": b"/session/cookie",
            "query_string": b"",
            "root_path": "",
            "scheme": "http",
            "http_version": "1.1",
            "server": ("127.0.0.1", 8501),
            "client": ("127.0.0.1", 50000),
            "headers": [(k.encode(), v.encode()) for k, v in sent.items() if v is not None],
        }
        messages = []

        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            messages.append(message)

        # A thread of its own: Playwright's sync API may have left an event loop running in this one.
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, app(scope, receive, send)).result()
        start = messages[0]
        headers_out = [(k.decode(), v.decode()) for k, v in start["headers"]]
        cookie = SimpleCookie()
        for name, value in headers_out:
            if name == "set-cookie":
                cookie.load(value)
        return start["status"], dict(headers_out), cookie

    yield send_form
    st.cache_resource.clear()


def test_a_live_token_becomes_a_fresh_httponly_strict_cookie_and_dies(post, db, actors):
    handed_over = sessions.create(db, actors.trader.id)

    status, headers, cookie = post({"token": handed_over, "next": "/cash-market?certificate=CEA"})

    assert (status, headers["location"]) == (303, "/cash-market?certificate=CEA")
    fresh = cookie[COOKIE]
    assert fresh["httponly"] is True
    assert fresh["samesite"] == "strict"
    assert fresh["path"] == "/"
    assert not fresh["max-age"] and not fresh["expires"]  # the server's idle expiry decides
    assert fresh.value != handed_over
    assert sessions.resolve(db, fresh.value).id == actors.trader.id
    assert sessions.resolve(db, handed_over) is None


def test_another_site_cannot_hand_a_session_to_the_browser(post, db, actors):
    handed_over = sessions.create(db, actors.admin.id)
    before = snapshot(db)

    for headers in ({"sec-fetch-site": "cross-site"}, {"sec-fetch-site": None, "origin": "https://evil.example"}):
        status, _, cookie = post({"token": handed_over, "next": "/"}, headers)

        assert status == 403
        assert COOKIE not in cookie
    assert snapshot(db) == before
    assert sessions.resolve(db, handed_over).id == actors.admin.id


@pytest.mark.parametrize(
    "next_page",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "", None, "/a\r\nX: y"],
    ids=["other-site", "scheme-relative", "backslash", "javascript", "empty", "missing", "header-injection"],
)
def test_it_only_ever_goes_back_to_a_page_of_this_site(post, db, actors, next_page):
    form = {"token": sessions.create(db, actors.admin.id)}
    if next_page is not None:
        form["next"] = next_page

    status, headers, _ = post(form)

    assert (status, headers["location"]) == (303, "/")


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 5000], ids=["empty", "unknown", "huge"])
def test_a_token_that_is_not_live_sets_no_cookie(post, db, actors, token):
    before = snapshot(db)

    status, headers, cookie = post({"token": token, "next": "/operations"})

    assert (status, headers["location"]) == (303, "/operations")
    assert COOKIE not in cookie
    assert snapshot(db) == before


def test_an_ended_session_is_not_revived_by_handing_it_over_again(post, db, actors):
    handed_over = sessions.create(db, actors.admin.id)
    post({"token": handed_over, "next": "/"})

    status, _, cookie = post({"token": handed_over, "next": "/"})

    assert status == 303
    assert COOKIE not in cookie
