"""Where a benchmark runs: ``BENCH_DATABASE_URL`` if set, else a fresh embedded PostgreSQL in a temp dir."""

import os
import tempfile
from pathlib import Path

from core.db import normalize_url, start_embedded_server


def bench_database(workdir: Path | None = None) -> tuple[str, object | None]:
    """The URL to benchmark against and the embedded server behind it (None for BENCH_DATABASE_URL).

    For the embedded server the URL names its ``postgres`` database, which also serves as an admin URL for
    benchmarks that create databases of their own; the server stops when the process exits.
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return normalize_url(url), None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="carbon-bench-"))
    server = start_embedded_server(workdir / "pg", cleanup_mode="stop")
    return server.get_uri("postgres", driver="psycopg"), server
