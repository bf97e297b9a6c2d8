"""Limits whose one source is SQL (the table CHECKs use the same functions), read by core and the pages.

The largest amount a person may ask for in one action is SQL's ``max_amount()`` too; the parsers need it without a
database, so core reads it from its source (``core.validation.MAX_AMOUNT``, ``core.sql_files.sql_constant``)."""

from sqlalchemy.orm import Session

from core.sqlcall import fetch_one
from core.validation import parse_notes


def notes_max_length(db: Session) -> int:
    """The longest note or reason a person may type (SQL: ``notes_max_length()``)."""
    row = fetch_one(db, "SELECT notes_max_length() AS n")
    return int(row["n"]) if row else 0


def check_notes(db: Session, value: object, what: str = "Notes") -> str | None:
    """Notes as an action will read them (blank is None), or a ``ValidationError`` saying why not: for a form to
    refuse them under their field before the action is asked for. No notes (None) are read as None without asking
    SQL for the limit (a transaction of its own, three round trips: Create Liquidity's call is timed)."""
    return None if value is None else parse_notes(value, notes_max_length(db), what)
