"""The Operations page's orders name who cancelled each (orders.cancelled_by, revision 0035).

liquidity_order_state gains cancelled_by and cancelled_by_name, last (CREATE OR REPLACE VIEW adds columns only
after the others): an operation's orders table read "Cancelled by an admin" for an admin's cancel of one of its
orders, and "Liquidity withdrawn" for every withdrawal, naming no one.

Revision ID: 0036
Revises: 0035
"""

from alembic import op
from core.sql_files import install_sql

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {"liquidity_order_state.sql": "61b79dbdf71e09a4"}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DROP VIEW liquidity_order_state")  # a view's columns cannot be taken away in place
    install_sql(op.get_bind(), {"liquidity_order_state.sql": "adacdfc3ad93bb37"})  # as 0012 installed it
