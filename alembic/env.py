"""Alembic environment: migrate the database the app would use, or the one a caller hands over.

Around the revisions: a database whose objects drifted from what the migrations installed is refused before
anything runs (so an upgrade never blesses a hand change), and once revisions have run, the catalog they
produced is recorded (``core.schema``) for ``python -m core.cli check-schema`` and the app's start-up check.
"""

import os

from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection

from alembic import context
from core.db import resolve_database_url
from core.schema import SchemaDriftError, describe, record_catalog, schema_drift

config = context.config
ACCEPT_DRIFT = "CARBON_ACCEPT_SCHEMA_DRIFT"  # set to 1 to migrate a drifted database and record it as it is


def migrate_on(connection: Connection) -> None:
    context.configure(connection=connection, transaction_per_migration=True)
    drift = schema_drift(connection)
    if drift and os.environ.get(ACCEPT_DRIFT) != "1":
        raise SchemaDriftError(f"{describe(drift)}\nNothing was migrated. ({ACCEPT_DRIFT}=1 migrates it as it is.)")
    connection.commit()  # end the check's transaction: each revision runs in its own
    before = context.get_context().get_current_heads()
    with context.begin_transaction():
        context.run_migrations()
    if context.get_context().get_current_heads() != before or drift:
        record_catalog(connection)
    connection.commit()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from core.db.migrate with an open connection
        migrate_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or resolve_database_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        try:
            migrate_on(conn)
        except SchemaDriftError as exc:
            raise SystemExit(str(exc)) from None


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported: the revisions install files from sql/.")
run_migrations_online()
