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

# stored functions of Create Liquidity (sql/), in dependency order, pinned to the text this revision installs
SQL_PINS: dict[str, str] = {
    "require_admin.sql": "bb750804baa2f0f5",
    "apply_balance_changes.sql": "a0c1de45c463c9b6",
    "create_liquidity_operation.sql": "47f6cc6fd7ce5b20",
    "withdraw_liquidity.sql": "d02bfc3639b346eb",
    "provision_market_makers.sql": "bc614fe29b751875",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    pass
