"""Invariants: check_invariants() beside verify_ledger() (issue: Reliability).

Revision ID: 0005
Revises: 0004
"""

from alembic import op
from core.sql_files import install_sql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "check_invariants.sql": "00f9b9b217ec1606",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    pass
