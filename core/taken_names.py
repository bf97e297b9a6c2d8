"""A name already taken by a market maker or a trader firm: refused naming the one it collides with, as stored.

Names are unique as ``lower(btrim(name))`` (the unique indexes market_maker_clients_name_key and entities_name_key,
which the stored functions create_market_maker and create_entity check first). Both refuse with the name as it was
typed ("acme carbon"), or, when a concurrent creation reached the index first, with no name at all; a desk looking
for the firm it collides with reads it as it is stored and listed ("Acme Carbon").
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.errors import Conflict
from core.sqlcall import fetch_one


@dataclass(frozen=True)
class NamedRows:
    noun: str  # "market maker": how a refusal calls one
    table: str
    may_be_inactive: bool  # a deactivated one is hidden from the default list: the refusal says where it is


MARKET_MAKERS = NamedRows("market maker", "market_maker_clients", may_be_inactive=True)
TRADER_FIRMS = NamedRows("trader firm", "entities", may_be_inactive=False)


@contextmanager
def refusing_taken_name(db: Session, rows: NamedRows, name: str, field: str) -> Iterator[None]:
    """Around the creation of a row of ``rows`` named ``name`` (as parsed): a conflict it ends in because the name is
    taken is raised again naming the row that holds it, as stored, under ``field``. Any other conflict goes on."""
    try:
        yield
    except Conflict:
        holder = _holder(db, rows, name)
        if holder is None:
            raise
        raise Conflict(taken_name_message(rows, holder["name"], holder["is_active"]), field=field) from None


def taken_name_message(rows: NamedRows, stored_name: str, is_active: bool = True) -> str:
    """'A market maker named "Acme Carbon" already exists', saying where a deactivated one is listed."""
    hidden = rows.may_be_inactive and not is_active
    where = ' (deactivated: "Show inactive" lists it); choose another name' if hidden else ""
    return f'A {rows.noun} named "{stored_name}" already exists{where}'


def _holder(db: Session, rows: NamedRows, name: str) -> dict | None:
    """The row whose name ``name`` collides with, by the unique index's own key (after the refused transaction)."""
    active = "is_active" if rows.may_be_inactive else "true"
    sql = f"SELECT name, {active} AS is_active FROM {rows.table} WHERE lower(btrim(name)) = lower(btrim(:name))"
    row = fetch_one(db, sql, {"name": name})
    return None if row is None else dict(row)
