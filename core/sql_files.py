"""The sql/ folder: readable source of every stored function and view, installed by migrations.

A revision pins each file it installs to the digest the file had when the revision was written.
Editing a file therefore needs a new revision pinning the new digest (a test enforces this), so an
applied revision never changes meaning: on a fresh database an old revision skips a file whose text
has moved on, and the newer revision that pins the current text installs it.
"""

import hashlib
from pathlib import Path

from sqlalchemy.engine import Connection

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def sql_digest(name: str) -> str:
    """Short sha256 of one sql/ file, as pinned in revisions."""
    return hashlib.sha256((SQL_DIR / name).read_bytes()).hexdigest()[:16]


def install_sql(connection: Connection, pins: dict[str, str]) -> list[str]:
    """Run the pinned sql/ files whose text still matches their pin; return the names installed."""
    installed = []
    for name, digest in pins.items():
        if sql_digest(name) != digest:
            continue  # a later revision pins the current text of this file
        # raw driver call: the files hold %, :=, and several statements, none of them bind parameters
        connection.connection.driver_connection.execute((SQL_DIR / name).read_text())
        installed.append(name)
    return installed


if __name__ == "__main__":  # python -m core.sql_files a.sql b.sql  → the pins to paste into a revision
    import sys

    for file_name in sys.argv[1:]:
        print(f'    "{file_name}": "{sql_digest(file_name)}",')
