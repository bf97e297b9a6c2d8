"""A withdrawal's ticket writes EUR to the cent and certificates whole, as every other ticket does.

withdraw_liquidity_orders wrote what an operation's open orders held straight from the lock column, which keeps
both at two decimals, and a side with nothing as a bare 0: a WITHDRAW_LIQUIDITY ticket read "certificates_locked":
7.00 and "eur_locked": 0 where a placement's ticket reads "quantity": 717 and a deposit's "amount": 0.00. The audit
trail is read for years, by people and by exports: one writing of each unit. Tickets already written keep theirs.

Revision ID: 0032
Revises: 0031
"""

from alembic import op
from core.sql_files import install_sql

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "withdraw_liquidity_orders.sql": "1c373e955f6ffc84",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"withdraw_liquidity_orders.sql": "467a202369cf8073"})  # as 0010 installed it
