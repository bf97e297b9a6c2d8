"""Every sql/ file is installed by a revision, and the newest revision installing it pins its current text."""

import ast
from pathlib import Path

from core.db import PROJECT_ROOT
from core.sql_files import SQL_DIR, sql_digest

VERSIONS = PROJECT_ROOT / "alembic" / "versions"


def _pins_by_revision() -> list[tuple[str, dict[str, str]]]:
    result = []
    for path in sorted(VERSIONS.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
            if isinstance(target, ast.Name) and target.id == "SQL_PINS" and node.value is not None:
                result.append((path.name, ast.literal_eval(node.value)))
    return result


def test_every_sql_file_is_installed_by_some_revision():
    pinned = {name for _, pins in _pins_by_revision() for name in pins}

    missing = sorted(p.name for p in SQL_DIR.glob("*.sql") if p.name not in pinned)

    assert missing == [], f"sql/ files no revision installs: {missing}"


def test_the_newest_pin_of_every_sql_file_matches_its_text():
    newest: dict[str, tuple[str, str]] = {}
    for revision, pins in _pins_by_revision():  # sorted by file name = revision order
        for name, digest in pins.items():
            newest[name] = (revision, digest)

    stale = [
        f"{name}: pinned {digest} in {revision}, text is {sql_digest(name)} (add a revision pinning the new text)"
        for name, (revision, digest) in sorted(newest.items())
        if Path(SQL_DIR / name).exists() and sql_digest(name) != digest
    ]

    assert stale == []
