"""Limits whose one source is SQL (the table CHECKs use the same functions), read by core and the pages."""

from sqlalchemy.orm import Session

from core.sqlcall import fetch_one


def notes_max_length(db: Session) -> int:
    """The longest note or reason a person may type (SQL: ``notes_max_length()``)."""
    row = fetch_one(db, "SELECT notes_max_length() AS n")
    return int(row["n"]) if row else 0
