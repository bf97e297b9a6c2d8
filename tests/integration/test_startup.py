"""Starting up: demo data only into an empty database, the admin CLI, and `alembic upgrade head` from the shell."""

import os
import subprocess
import sys

from sqlalchemy import create_engine, text

from core import cli
from core.config import get_settings
from core.db import PROJECT_ROOT, with_database
from core.enums import CertificateType
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import get_liquidity_operations
from core.market import get_order_book
from core.market_makers import get_market_makers
from core.seed import database_is_empty, seed_demo_data
from core.users import authenticate
from tests.helpers import PASSWORD


def test_demo_data_gives_each_role_a_generated_password_and_funds_the_market(db):
    assert database_is_empty(db)

    passwords = seed_demo_data(db)

    assert set(passwords) == {"admin", "analyst", "trader"}
    assert len(set(passwords.values())) == 3
    assert authenticate(db, "trader", passwords["trader"]).entity_id is not None
    admin = authenticate(db, "admin", passwords["admin"])
    kinds = [m.mm_type.value for m in get_market_makers(db, user_id=admin.id)]
    assert kinds.count("LIQUIDITY_PROVIDER") == 2 and kinds.count("ASSET_HOLDER") == 2
    assert not database_is_empty(db)


def test_demo_data_quotes_both_books_through_create_liquidity_and_keeps_ledger_and_invariants_clean(db):
    passwords = seed_demo_data(db)

    admin = authenticate(db, "admin", passwords["admin"])
    operations = get_liquidity_operations(db, user_id=admin.id)
    assert sorted(o.certificate_type.value for o in operations) == ["CEA", "EUA"]
    assert all(o.created_by == admin.id and o.price_source == "default" for o in operations)
    for cert in ("CEA", "EUA"):
        book = get_order_book(db, cert)
        assert book.bids and book.asks, f"{cert} book: {book}"
        reference = get_settings().default_prices[CertificateType(cert)]
        assert book.best_bid < reference < book.best_ask  # quoted around the price a book that never traded uses
    assert verify_ledger(db) == []
    assert check_invariants(db) == []


def test_create_admin_prompts_for_the_password_twice(db, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": PASSWORD)

    assert cli.main(["create-admin", "root.admin"]) == 0

    assert authenticate(db, "root.admin", PASSWORD).role.value == "ADMIN"
    assert "created" in capsys.readouterr().out


def test_create_admin_refuses_mismatched_passwords(db, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))

    assert cli.main(["create-admin", "root.admin"]) == 1

    assert "do not match" in capsys.readouterr().err
    assert database_is_empty(db)


def test_check_schema_on_a_database_it_cannot_reach_says_so_in_a_line_and_exits_2(pg_admin_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", with_database(pg_admin_url, "no_such_database"))

    assert cli.main(["check-schema"]) == 2  # it raised the driver's error: a trace, and the status of any crash

    error = capsys.readouterr().err
    assert error.startswith("Error: the database is not reachable: connection failed: ")
    assert error.endswith('FATAL:  database "no_such_database" does not exist. Nothing was changed.\n')


def test_alembic_upgrade_head_from_the_shell_migrates_the_database_url(pg_admin_url):
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS "shell_migrate" WITH (FORCE)')
        conn.exec_driver_sql('CREATE DATABASE "shell_migrate"')
    url = with_database(pg_admin_url, "shell_migrate")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM markets")).scalar_one() == 2
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS "shell_migrate" WITH (FORCE)')
        admin.dispose()
