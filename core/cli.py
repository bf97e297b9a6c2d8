"""Command line, against ``DATABASE_URL`` (or the embedded server):

python -m core.cli create-admin USERNAME    # password prompted twice
python -m core.cli check-schema             # exit 0 when the database matches head, else name what drifted
"""

import argparse
import getpass
import sys

from sqlalchemy.exc import DBAPIError

from core.db import make_engine, make_session_factory, resolve_database_url
from core.errors import CoreError, unreachable_reason
from core.schema import head_problems
from core.users import create_user


def create_admin(username: str) -> int:
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Repeat password: "):
        print("Passwords do not match; nothing was created.", file=sys.stderr)
        return 1
    engine = make_engine(resolve_database_url())
    try:
        with make_session_factory(engine)() as db:
            user = create_user(db, username, password, "ADMIN")
    except CoreError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Admin {user.username!r} created (id {user.id}).")
    return 0


def check_schema() -> int:
    engine = make_engine(resolve_database_url())
    try:
        problem = head_problems(engine)
    finally:
        engine.dispose()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print("The database schema matches head.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.cli", description="Carbon backoffice administration")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create an admin user (password prompted)")
    create.add_argument("username")
    commands.add_parser("check-schema", help="exit 0 when functions and tables match head; name each drift")
    args = parser.parse_args(argv)
    try:
        if args.command == "create-admin":
            return create_admin(args.username)
        return check_schema()
    except DBAPIError as exc:  # a server down, a wrong URL or password: said in the driver's words, not as a trace
        print(f"Error: the database is not reachable: {unreachable_reason(exc)}. Nothing was changed.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
