"""app.py as the browser tests serve it: one server per test worker, for all of that worker's tests.

Started as ``python -m tests.e2e.served_app PORT``, on 127.0.0.1. A start costs ~3 s of CPU (importing Streamlit,
the app and its pages); each test instead gets its fresh database swapped in under the served one's name
(tests/e2e/conftest.py, ``ServedApp``).

One route is added, and nothing else differs from ``streamlit run app.py``: ``POST /_test/forget-cached-reads``
empties Streamlit's data caches at each swap. The pages cache their reads under ids and counters (a user's id,
the ledger's last row), which the next test's database repeats: without it, a page could show the last test's rows.
"""

import sys

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ui import session

FORGET_ROUTE = "/_test/forget-cached-reads"


async def forget_cached_reads(request: Request) -> PlainTextResponse:
    st.cache_data.clear()
    return PlainTextResponse("forgotten")


def main() -> None:
    # before app.py is imported, which builds its st.App with a copy of the routes as they are then
    session.ROUTES.append(Route(FORGET_ROUTE, forget_cached_reads, methods=["POST"]))
    import app as carbon

    port = int(sys.argv.pop(1))  # taken out of argv: App.run hands the rest to the script as its arguments
    carbon.app.run(config={"server.port": port, "server.address": "127.0.0.1"})


if __name__ == "__main__":
    main()
