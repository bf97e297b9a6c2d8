"""Liquidity: create_liquidity_operation, withdraw_liquidity, provisioning (issue: Create Liquidity).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from core.sql_files import install_sql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    pass
