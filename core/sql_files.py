"""The sql/ folder and the frozen copies the migrations install.

``sql/`` is the readable source of every stored function and view as it is at head. A revision never reads it:
it pins each file it installs to a digest, and installs the frozen copy of exactly that text
(``alembic/sql/<name>.<digest>.sql``). So an applied revision means the same thing forever, and a fresh install
and an upgrade from any earlier revision run the very same SQL (pgmq's way: each version carries its own SQL).

Changing a function: edit ``sql/x.sql``, then ``python -m core.sql_files pin x.sql`` freezes the new text and
prints the pin to paste into a new revision. Tests fail while a pin has no frozen copy, a frozen copy does not
match its digest, or the newest pin of a file is not its current text.
"""

import hashlib
import re
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Connection

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
FROZEN_DIR = SQL_DIR.parent / "alembic" / "sql"


def digest_of(text: bytes) -> str:
    """Short sha256, as pinned in revisions."""
    return hashlib.sha256(text).hexdigest()[:16]


def sql_digest(name: str) -> str:
    """Digest of the current text of one sql/ file."""
    return digest_of((SQL_DIR / name).read_bytes())


def sql_constant(name: str) -> Decimal:
    """The number a constant function of ``sql/<name>`` returns (its body is ``SELECT 1000000000000::numeric;``), as
    core reads a limit whose one source is SQL without a round trip: the text at head is what the database runs
    (``check-schema`` refuses any other), and a test compares the two."""
    text = (SQL_DIR / name).read_text()
    found = re.search(r"\$\$\s*SELECT\s+(\d+)(?:::\w+)?\s*;\s*\$\$", text)
    if found is None:
        raise ValueError(f"sql/{name} returns no constant number: expected a body of SELECT <digits>;")
    return Decimal(found.group(1))


def frozen_path(name: str, digest: str) -> Path:
    return FROZEN_DIR / f"{Path(name).stem}.{digest}.sql"


def frozen_text(name: str, digest: str) -> str:
    """The text a revision pinned; refuses a missing or altered copy rather than install something else."""
    path = frozen_path(name, digest)
    if not path.exists():
        raise FileNotFoundError(f"{name} pinned at {digest} has no frozen copy at {path}")
    data = path.read_bytes()
    if digest_of(data) != digest:
        raise ValueError(f"The frozen copy {path} no longer matches its digest {digest}: restore it from git")
    return data.decode()


def install_sql(connection: Connection, pins: dict[str, str]) -> list[str]:
    """Run the frozen text of every pinned file, in the order given; return the names installed."""
    for name, digest in pins.items():
        # raw driver call: the files hold %, :=, and several statements, none of them bind parameters
        connection.connection.driver_connection.execute(frozen_text(name, digest))
    return list(pins)


def freeze(name: str) -> str:
    """Copy the current text of ``sql/<name>`` into the frozen store; return its digest."""
    digest = sql_digest(name)
    target = frozen_path(name, digest)
    if not target.exists():
        FROZEN_DIR.mkdir(parents=True, exist_ok=True)
        target.write_bytes((SQL_DIR / name).read_bytes())
    return digest


if __name__ == "__main__":  # python -m core.sql_files pin a.sql b.sql  → freeze them, print the pins
    import sys

    if len(sys.argv) < 3 or sys.argv[1] != "pin":
        sys.exit("usage: python -m core.sql_files pin a.sql [b.sql ...]")
    for file_name in sys.argv[2:]:
        print(f'    "{file_name}": "{freeze(file_name)}",')
