"""Where a benchmark runs: ``BENCH_DATABASE_URL`` if set, else a fresh embedded PostgreSQL in a temp dir."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from core.db import normalize_url, start_embedded_server


def bench_database(workdir: Path | None = None) -> tuple[str, object | None]:
    """The URL to benchmark against and the embedded server behind it (None for BENCH_DATABASE_URL).

    For the embedded server the URL names its ``postgres`` database, which also serves as an admin URL for
    benchmarks that create databases of their own; the server stops when the process exits, and a temp dir made
    here goes with it (a run loads up to gigabytes: left behind, a few dozen runs fill the disk).
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return normalize_url(url), None
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="carbon-bench-"))
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # registered first, so runs after the stop
    server = start_embedded_server(workdir / "pg", cleanup_mode="stop")
    return server.get_uri("postgres", driver="psycopg"), server
