"""Every sql/ file is installed by a revision from a frozen copy of exactly the text it pinned, and the newest
pin of every file is its current text (so head installs sql/ as it reads)."""

import ast
from pathlib import Path

import pytest

from core.db import PROJECT_ROOT
from core.sql_files import FROZEN_DIR, SQL_DIR, digest_of, frozen_path, frozen_text, install_sql, sql_digest

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


def test_every_pin_of_every_revision_has_its_frozen_text():
    problems = []
    for revision, pins in _pins_by_revision():
        for name, digest in pins.items():
            path = frozen_path(name, digest)
            if not path.exists():
                problems.append(f"{revision}: {name} at {digest} has no frozen copy ({path.name})")
            elif digest_of(path.read_bytes()) != digest:
                problems.append(f"{revision}: the frozen copy {path.name} was edited")

    assert problems == [], "run `python -m core.sql_files pin <file>` when pinning; never edit a frozen copy"


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


def test_a_revision_installs_its_frozen_text_even_after_the_file_moved_on(tmp_path, monkeypatch):
    # the failure that broke fresh installs: a revision reading sql/ installs the new text, or skips it
    name, digest = _pins_by_revision()[0][1].popitem()
    monkeypatch.setattr("core.sql_files.SQL_DIR", tmp_path)
    (tmp_path / name).write_text("-- a later edit that this revision must never see\n")
    executed: list[str] = []

    class Driver:
        def execute(self, sql: str) -> None:
            executed.append(sql)

    class Connection:
        class connection:  # the shape of SQLAlchemy's Connection.connection.driver_connection
            driver_connection = Driver()

    install_sql(Connection(), {name: digest})  # type: ignore[arg-type]

    assert executed == [frozen_text(name, digest)]


def test_a_frozen_copy_that_was_edited_is_refused_rather_than_installed(tmp_path, monkeypatch):
    monkeypatch.setattr("core.sql_files.FROZEN_DIR", tmp_path)
    (tmp_path / "x.0123456789abcdef.sql").write_text("SELECT 1;")

    with pytest.raises(ValueError, match="no longer matches its digest"):
        frozen_text("x.sql", "0123456789abcdef")


def test_every_frozen_copy_is_pinned_by_some_revision():
    pinned = {frozen_path(name, digest).name for _, pins in _pins_by_revision() for name, digest in pins.items()}

    orphans = sorted(p.name for p in FROZEN_DIR.glob("*.sql") if p.name not in pinned)

    assert orphans == [], "a frozen copy no revision pins: delete it (it was frozen, then edited before pinning)"
