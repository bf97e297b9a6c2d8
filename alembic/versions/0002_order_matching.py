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

# stored functions of the matching engine (sql/), pinned to the text this revision installs
SQL_PINS = {
    "order_balance_id.sql": "a2e9f7f1062f909b",
    "release_order.sql": "a20d59b69e85534c",
    "settle_trade.sql": "fe81946feaf11d40",
    "place_order.sql": "cdd084f63e896503",
    "cancel_order.sql": "8e26ec62642bca1d",
    "order_book.sql": "24057777e3df3d31",
    "market_stats.sql": "0df62c82f590ef25",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION IF EXISTS place_order, cancel_order, settle_trade, release_order, order_balance_id, "
        "order_book, market_stats"
    )
