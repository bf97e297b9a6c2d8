"""What starts and stops with the served app, not with a page view: ``st.App(lifespan=serving)`` in app.py.

At start, the database is made ready at once (the embedded server starts, migrates, seeds and prints the demo
sign-ins, and its job worker starts beside the app; an external database is checked against head), so the
first visitor waits for nothing and the console shows the passwords before anyone opens the page. At stop, the
worker and the embedded server stop with the app, whichever signal ended it.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from sqlalchemy.exc import DBAPIError

from core.db import stop_embedded_server
from core.errors import CoreError, unreachable_reason
from core.worker import stop_beside_app

log = logging.getLogger("carbon.serving")


@asynccontextmanager
async def serving(app: object) -> AsyncIterator[None]:
    from ui.runtime import session_factory  # imported once the Streamlit runtime exists (cached resource)

    try:
        await anyio.to_thread.run_sync(session_factory)
    # the pages say so, and retry by themselves: the server still starts (one started before its database, as
    # containers started together may be, exited with a trace and had to be started again by hand)
    except CoreError as exc:
        log.error("the database is not ready: %s", exc.message)
    except DBAPIError as exc:
        log.error("the database is not reachable: %s", unreachable_reason(exc))
    try:
        yield
    finally:
        stop_beside_app()
        stop_embedded_server()
