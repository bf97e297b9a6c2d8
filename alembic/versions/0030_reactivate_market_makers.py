"""A deactivated market maker can be brought back.

Deactivation was final: a market maker retired by mistake, or a client returning, needed a new account under
another name (its name stays taken), and its ledger and orders stayed with the old one. reactivate_market_maker
switches it back on, with its REACTIVATE_MARKET_MAKER ticket, in deactivate_market_maker's lock order.

Revision ID: 0030
Revises: 0029
"""

from alembic import op
from core.sql_files import install_sql

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "reactivate_market_maker.sql": "2b3691010e1d9b8d",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DROP FUNCTION reactivate_market_maker(bigint, bigint)")
