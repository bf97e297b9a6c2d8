"""A market maker's orders placed in one statement at one instant are noted as one market-maker order event, their
quantities summed, instead of one event per order: a liquidity operation's hundreds of orders wrote as many event
rows, each with its foreign-key check and index entry, for the snapshot to sum anyway (count_market_maker_order).

Revision ID: 0016
Revises: 0015
"""

from alembic import op
from core.sql_files import install_sql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "count_market_maker_order.sql": "45d164da1b1f4ab3",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"count_market_maker_order.sql": "b4a11594276e9edd"})  # as 0011 installed it
