"""Running SQL for core: one place that commits, rolls back and turns database refusals into typed errors."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from core.errors import (
    SQLSTATE_ERRORS,
    Conflict,
    CoreError,
    DatabaseUnavailable,
    NotFound,
    ValidationError,
)

T = TypeVar("T")

# What a person should read when PostgreSQL itself refuses a row (constraint name → message).
CONSTRAINT_MESSAGES = {
    "balances_non_negative": "This would leave a balance below zero",
    "balances_whole_certificates": "Certificates are whole units",
    "market_maker_clients_name_key": "A market maker with this name already exists",
    "entities_name_key": "A trader firm with this name already exists",
    "users_username_key": "This username is taken",
    "users_username_check": "Usernames are 3 to 50 letters, digits, '.', '_' or '-'",
    "users_trader_has_entity": "Traders belong to exactly one entity; admins and analysts to none",
    "liquidity_operations_idempotency_key_key": "An operation with this idempotency key already exists",
    "book_snapshots_pkey": "A snapshot of this book stamped at this moment already exists",
}

UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"}


def translate_db_error(exc: DBAPIError) -> CoreError:
    """The typed error a person can act on for one database refusal."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or ""
    diag = getattr(orig, "diag", None)
    message = (getattr(diag, "message_primary", None) or str(orig)).strip()
    constraint = getattr(diag, "constraint_name", None)
    if sqlstate in SQLSTATE_ERRORS:
        return SQLSTATE_ERRORS[sqlstate](message)
    if not sqlstate and isinstance(orig, psycopg.DataError):  # refused by the driver before sending, e.g. NUL
        return ValidationError(f"Invalid value: {message}")
    if isinstance(exc, OperationalError) or sqlstate in UNAVAILABLE_SQLSTATES or exc.connection_invalidated:
        return DatabaseUnavailable("The database is unavailable right now; nothing was changed. Try again shortly.")
    return translate_sqlstate(sqlstate, message, constraint)


def translate_sqlstate(sqlstate: str, message: str, constraint: str | None = None) -> CoreError:
    """The typed error for a refusal known by its SQLSTATE and message (a raised error, or one a stored function
    caught and recorded, as the order matcher does for the orders it matches for others)."""
    if sqlstate in SQLSTATE_ERRORS:
        return SQLSTATE_ERRORS[sqlstate](message)
    friendly = CONSTRAINT_MESSAGES.get(constraint or "")
    if sqlstate == "23505":
        return Conflict(friendly or "This already exists")
    if sqlstate == "23503":
        return NotFound(friendly or "It refers to something that does not exist")
    if sqlstate.startswith("23"):
        return ValidationError(friendly or f"The database refused the change ({constraint or message})")
    if sqlstate == "22003":
        return ValidationError("A number is too large")
    if sqlstate.startswith("22"):
        return ValidationError(f"Invalid value: {message}")
    if sqlstate in ("40001", "40P01"):
        return Conflict("Another operation changed the same data at the same time; nothing was changed. Retry.")
    if sqlstate == "57014":
        return Conflict("The operation took too long and was cancelled; nothing was changed")
    return CoreError(f"The database refused the operation: {message}")


@contextmanager
def unit_of_work(db: Session) -> Iterator[Session]:
    """Commit when the block succeeds; otherwise roll back and raise a typed error."""
    try:
        yield db
        db.commit()
    except DBAPIError as exc:
        _safe_rollback(db)
        raise translate_db_error(exc) from None
    except BaseException:
        _safe_rollback(db)
        raise


def _safe_rollback(db: Session) -> None:
    try:
        db.rollback()
    except DBAPIError:  # the connection itself is gone; the server discards the transaction
        db.invalidate()


def read(db: Session, fn: Callable[[Session], T]) -> T:
    """Run a read; end its transaction; translate database failures."""
    with unit_of_work(db):
        return fn(db)


def autocommit_row(db: Session, sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """One statement that is its own transaction, or a CALL of a procedure that commits on its own (the order
    matcher's submit_order): run outside any transaction block, so the locks it takes are held for the statement
    only, not for one more round trip. Work the session left uncommitted is committed first, as its unit of work
    would. ``sql`` takes psycopg's ``%(name)s`` parameters.

    It runs on a connection taken straight from the session's pool, in autocommit mode and set back before it
    returns there, not through the session: a session's transaction begun and ended around one statement cost a
    client ~100 µs of its ~320 µs per order (measured against a bare psycopg call)."""
    if db.in_transaction():
        with unit_of_work(db):
            db.commit()
    try:
        pooled = db.get_bind().raw_connection()  # the pool's pre-ping, if the engine has one, still runs
    except DBAPIError as exc:
        raise translate_db_error(exc) from None
    except psycopg.Error as exc:  # a new connection that failed comes back from the pool unwrapped
        raise translate_db_error(DBAPIError.instance(None, None, exc, psycopg.Error)) from None
    driver = pooled.driver_connection
    try:
        driver.autocommit = True
        row = driver.cursor(row_factory=dict_row).execute(sql, params).fetchone()
    except psycopg.Error as exc:
        raise translate_db_error(DBAPIError.instance(sql, params, exc, psycopg.Error)) from None
    finally:
        _return_to_pool(pooled, driver)
    if row is None:
        raise CoreError("The database returned no row")  # a CALL or a function that returns one always does
    return row


def _return_to_pool(pooled: Any, driver: psycopg.Connection) -> None:
    """Give a connection back in the mode every unit of work expects it in; one that cannot be (it broke) is
    discarded, never handed out in autocommit mode."""
    usable = not (driver.broken or driver.closed)
    if usable:
        try:
            driver.autocommit = False
        except psycopg.Error:
            usable = False
    if usable:
        pooled.close()
    else:
        pooled.invalidate()  # closes it and gives its place in the pool back


@lru_cache(maxsize=512)
def driver_sql(sql: str) -> str:
    """``sql`` with SQLAlchemy's ``:name`` parameters in psycopg's ``%(name)s`` style, as ``text()`` compiles it."""
    return str(text(sql).compile(dialect=psycopg_dialect.dialect()))


def rows_in_one_trip(db: Session, *statements: tuple[str, Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """The rows of each statement (``:name`` parameters), all sent in one round trip (psycopg's pipeline mode)
    inside the session's transaction, straight to the driver: a read that checks something before it answers pays
    one trip, not one per statement. A statement that fails fails them all, as SQLAlchemy would have raised it."""
    conn = db.connection().connection.driver_connection
    cursors = []
    try:
        with conn.pipeline():
            for sql, params in statements:
                cursors.append(conn.cursor(row_factory=dict_row).execute(driver_sql(sql), params))
        return [cursor.fetchall() for cursor in cursors]
    except psycopg.Error as exc:  # as SQLAlchemy would have wrapped it, so unit_of_work translates it
        raise DBAPIError.instance(sql, params, exc, psycopg.Error) from exc


def fetch_all(db: Session, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every row as a plain dict: pydantic validates a dict several times faster than a RowMapping."""
    return read(db, lambda s: [dict(r) for r in s.execute(text(sql), params or {}).mappings()])


def fetch_one(db: Session, sql: str, params: Mapping[str, Any] | None = None) -> RowMapping | None:
    return read(db, lambda s: s.execute(text(sql), params or {}).mappings().first())
