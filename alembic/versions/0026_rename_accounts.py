"""Renaming an account: an admin renames a market maker or a trader firm (rename_account).

A name mistyped at creation, or a client's new legal name, could only be corrected by creating a second account and
moving everything over. rename_account holds the new name to a creation's rules (length, name_fault, and
refuse_taken_account_name under the name's advisory lock, its own name in other case or spacing excepted), updates
the row under its lock and writes a RENAME_MARKET_MAKER or RENAME_ENTITY ticket with the name before and after.

Revision ID: 0026
Revises: 0025
"""

from alembic import op
from core.sql_files import install_sql

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "rename_account.sql": "d6a84bb9e71ed5ad",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DROP FUNCTION rename_account(bigint, bigint, text, bigint)")
