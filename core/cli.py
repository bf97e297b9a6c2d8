"""Command line: ``python -m core.cli create-admin USERNAME`` (password prompted twice)."""

import argparse
import getpass
import sys

from core.db import make_engine, make_session_factory, resolve_database_url
from core.errors import CoreError
from core.users import create_user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.cli", description="Carbon backoffice administration")
    commands = parser.add_subparsers(dest="command", required=True)
    create_admin = commands.add_parser("create-admin", help="create an admin user (password prompted)")
    create_admin.add_argument("username")
    args = parser.parse_args(argv)

    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Repeat password: "):
        print("Passwords do not match; nothing was created.", file=sys.stderr)
        return 1
    engine = make_engine(resolve_database_url())
    try:
        with make_session_factory(engine)() as db:
            user = create_user(db, args.username, password, "ADMIN")
    except CoreError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Admin {user.username!r} created (id {user.id}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
