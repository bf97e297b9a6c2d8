"""Upgrades that last: every upgrade path ends where a fresh install does, ticket ids never collide, and a
database changed by hand is named and refused."""

import os
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from alembic import command
from core.db import PROJECT_ROOT, alembic_config, migrate
from core.schema import catalog, head_problems
from tests.helpers import cloned_database

REVISIONS = [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]
HEAD = REVISIONS[-1]


def _catalog_after(url: str, *revisions: str) -> dict:
    engine = create_engine(url)
    try:
        for revision in revisions:
            migrate(engine, revision)
            if revision != "head":  # data written by the old code must not stop the upgrade
                with engine.begin() as conn:
                    conn.execute(
                        text(
                            "INSERT INTO users (username, password_hash, role) "
                            "VALUES ('old' || (SELECT count(*) FROM users), '$argon2id$old', 'ADMIN')"
                        )
                    )
        with engine.connect() as conn:
            return catalog(conn)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def fresh_catalog(pg_admin_url):
    with cloned_database(pg_admin_url, "template0", prefix="t_fresh") as url:
        return _catalog_after(url, "head")


@pytest.mark.parametrize("start", REVISIONS[:-1])
def test_an_upgrade_from_every_revision_gives_the_schema_of_a_fresh_install(pg_admin_url, fresh_catalog, start):
    with cloned_database(pg_admin_url, "template0", prefix="t_upgrade") as url:
        upgraded = _catalog_after(url, start, "head")

    differences = {key for key in fresh_catalog.keys() | upgraded.keys() if fresh_catalog.get(key) != upgraded.get(key)}

    assert differences == set(), f"upgrading from {start} differs from a fresh install in {sorted(differences)}"


def test_a_downgrade_of_the_newest_revision_gives_the_schema_its_predecessor_installs(pg_admin_url):
    previous = REVISIONS[-2]
    with cloned_database(pg_admin_url, "template0", prefix="t_prev") as url:
        expected = _catalog_after(url, previous)
    with cloned_database(pg_admin_url, "template0", prefix="t_down") as url:
        engine = create_engine(url)
        try:
            migrate(engine, "head")
            cfg = alembic_config()
            with engine.connect() as conn:
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, previous)
            with engine.connect() as conn:
                downgraded = catalog(conn)
        finally:
            engine.dispose()

    assert downgraded == expected


def test_the_fresh_install_covers_functions_tables_views_and_types(fresh_catalog):
    kinds = {kind for kind, _ in fresh_catalog}

    assert {"function", "table", "view", "type", "sequence"} <= kinds
    assert ("function", "place_order(certificate_type,order_side,order_type,bigint,numeric,bigint,bigint,bigint,"
            "boolean,bigint,smallint)") in fresh_catalog  # fmt: skip


def test_ticket_one_million_follows_ticket_999999_without_colliding(db):
    db.execute(text("SELECT setval('ticket_number_seq', 999998)"))
    tickets = [
        db.execute(text("SELECT (create_ticket('TEST', NULL, 'test', NULL, NULL, NULL)).ticket_id")).scalar_one()
        for _ in range(3)
    ]
    db.commit()

    assert [t.rsplit("-", 1)[1] for t in tickets] == ["999999", "1000000", "1000001"]
    assert db.execute(text("SELECT count(DISTINCT ticket_id) FROM ticket_logs")).scalar_one() == 3


def test_ticket_numbers_keep_six_digits_below_a_million(db):
    ticket = db.execute(text("SELECT (create_ticket('TEST', NULL, 'test', NULL, NULL, NULL)).ticket_id")).scalar_one()
    db.rollback()

    assert ticket.rsplit("-", 1)[1] == "000001"


def _check_schema(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core.cli", "check-schema"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_schema_passes_on_a_database_at_head(database_url):
    result = _check_schema(database_url)

    assert result.returncode == 0, result.stderr
    assert "matches head" in result.stdout


def test_check_schema_names_each_function_changed_or_dropped_by_hand(database_url, engine):
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION best_prices(p_certificate_type certificate_type) "
                "RETURNS TABLE (best_bid numeric, best_ask numeric, last_price numeric, last_trade_at timestamptz) "
                "LANGUAGE sql STABLE AS $$ SELECT 1::numeric, 2::numeric, NULL::numeric, NULL::timestamptz $$"
            )
        )
        conn.execute(text("DROP FUNCTION ticket_log_actions()"))

    result = _check_schema(database_url)

    assert result.returncode != 0
    assert "function best_prices(certificate_type) differs" in result.stderr
    assert "function ticket_log_actions() is missing" in result.stderr


def test_check_schema_names_a_table_altered_behind_the_migrations(database_url, engine):
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE orders DROP CONSTRAINT orders_filled_within_quantity"))

    result = _check_schema(database_url)

    assert result.returncode != 0
    assert "table orders differs" in result.stderr


def test_check_schema_refuses_a_database_behind_head(pg_admin_url):
    with cloned_database(pg_admin_url, "template0", prefix="t_behind") as url:
        engine = create_engine(url)
        migrate(engine, REVISIONS[-2])
        engine.dispose()

        result = _check_schema(url)

    assert result.returncode != 0
    assert "alembic upgrade head" in result.stderr


def test_migrations_refuse_a_drifted_database_instead_of_recording_the_hand_change(engine):
    with engine.begin() as conn:
        conn.execute(text("DROP FUNCTION ticket_log_actions()"))

    with pytest.raises(Exception, match="ticket_log_actions"):
        migrate(engine)

    assert "ticket_log_actions() is missing" in (head_problems(engine) or "")
