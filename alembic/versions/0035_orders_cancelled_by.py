"""Each cancelled order records who cancelled it.

An order's cancel_reason said why it was cancelled (USER, WITHDRAWAL, DEACTIVATION, ...), not by whom: a firm's
closed orders read "Cancelled by its owner" whichever of its traders cancelled, and a market maker's "Cancelled by
an admin", naming none. orders.cancelled_by now holds the user who cancelled (release_order, the one home of a
person's cancel, and withdraw_liquidity_orders, behind every withdrawal: an admin's, a policy run's, the kill
switch's). The engine's own cancels (self-trade prevention, a market order's unfilled rest) have none, and so do
orders cancelled before this revision: the pages then say why, as before. The DDL refuses it on an order that is
not cancelled.

Revision ID: 0035
Revises: 0034
"""

from alembic import op
from core.sql_files import install_sql

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "release_order.sql": "df1dbe8b4c1bcca9",
    "withdraw_liquidity_orders.sql": "6ebc642ea0c00366",
}


def upgrade() -> None:
    op.execute(
        "ALTER TABLE orders ADD COLUMN cancelled_by bigint REFERENCES users (id), "
        "ADD CONSTRAINT orders_cancelled_by_only_cancelled CHECK (cancelled_by IS NULL OR status = 'CANCELLED')"
    )
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    # as 0002 and 0032 installed them: they name the column, so they go before it
    install_sql(
        op.get_bind(),
        {"release_order.sql": "a20d59b69e85534c", "withdraw_liquidity_orders.sql": "1c373e955f6ffc84"},
    )
    op.execute("ALTER TABLE orders DROP COLUMN cancelled_by")
