"""Order matching: place_order, cancel_order and the book reads (issue: Cash Market).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from core.sql_files import install_sql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    pass
