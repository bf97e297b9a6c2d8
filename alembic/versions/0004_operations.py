"""Operations: liquidity history views and audit reads (issue: Operations).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from core.sql_files import install_sql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    pass
