"""Order entry: one walk of the book (walk_book) for the engine and the estimate, limit prices checked against
the book's tick, and indexes for the closed-order history of an account.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
from core.sql_files import install_sql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# install order matters: place_order calls walk_book
SQL_PINS: dict[str, str] = {
    "walk_book.sql": "75b0d9f78d242204",
    "place_order.sql": "fadc40e470712ed8",
}

# an account's closed orders, newest first, one page at a time (open orders use orders_*_idx (owner, status))
HISTORY_INDEXES = """
CREATE INDEX orders_entity_closed_idx ON orders (entity_id, updated_at DESC, id DESC)
    WHERE status IN ('FILLED', 'CANCELLED');
CREATE INDEX orders_market_maker_closed_idx ON orders (market_maker_id, updated_at DESC, id DESC)
    WHERE status IN ('FILLED', 'CANCELLED');
"""


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)
    op.execute(HISTORY_INDEXES)


def downgrade() -> None:
    op.execute("DROP INDEX orders_market_maker_closed_idx, orders_entity_closed_idx")
    install_sql(op.get_bind(), {"place_order.sql": "cdd084f63e896503"})  # as 0002 installed it
    op.execute("DROP FUNCTION walk_book(certificate_type, order_side, bigint, numeric, bigint, bigint)")
