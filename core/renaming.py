"""Renaming an account: a market maker or a trader firm, by an admin (SQL's ``rename_account``).

A name mistyped at creation, or a client's new legal name, is corrected without a new account: orders, ledger rows
and tickets refer to the account by id, so its history reads under the new name. The new name is held to a
creation's rules, and a refusal is about the name typed (``CoreError.field``), for a form to say under it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel, ConfigDict
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.entities import NAME_FIELD as FIRM_NAME
from core.enums import Role
from core.errors import Conflict, ValidationError
from core.market_makers import NAME_FIELD as MARKET_MAKER_NAME
from core.sqlcall import unit_of_work
from core.validation import parse_id, parse_name


class Renamed(BaseModel):
    """A rename as its ticket records it."""

    model_config = ConfigDict(frozen=True)

    previous: str
    name: str
    ticket_id: str


@contextmanager
def _about(field: str) -> Iterator[None]:
    """A rename's refusals of its input (a name taken, a name that is the same) are about the name typed."""
    try:
        yield
    except (ValidationError, Conflict) as exc:
        exc.field = exc.field or field
        raise


def _rename(
    db: Session, field: str, name: object, renamed_by_id: int, mm_id: int | None, entity_id: int | None
) -> Renamed:
    with _about(field):
        clean = parse_name(name, field)
    with _about(field), unit_of_work(db):
        require_role(db, renamed_by_id, Role.ADMIN, "rename accounts")
        ticket = (
            db.execute(
                text("SELECT ticket_id, before_state, after_state FROM rename_account(:mm, :e, :n, :by)"),
                {"mm": mm_id, "e": entity_id, "n": clean, "by": renamed_by_id},
            )
            .mappings()
            .one()
        )
    before, after = ticket["before_state"], ticket["after_state"]
    return Renamed(previous=before["name"], name=after["name"], ticket_id=ticket["ticket_id"])


def rename_market_maker(db: Session, mm_id: object, name: object, renamed_by_id: int) -> Renamed:
    """Rename a market maker (admins only); a refusal of the name is about ``MARKET_MAKER_NAME``."""
    return _rename(db, MARKET_MAKER_NAME, name, renamed_by_id, parse_id(mm_id, "market maker"), None)


def rename_trader_firm(db: Session, entity_id: object, name: object, renamed_by_id: int) -> Renamed:
    """Rename a trader firm (admins only); a refusal of the name is about ``FIRM_NAME``."""
    return _rename(db, FIRM_NAME, name, renamed_by_id, None, parse_id(entity_id, "trader firm"))
