"""Deposits checked before confirming: check_deposit holds fund_account's rules (a market maker funded only while
active and only with what it trades, an amount of the asset, and no account past what a balance can hold), so core
asks it before a form asks to confirm a deposit, as check_withdrawal does for withdrawals; fund_account asks it under
the row's lock. A deposit that would take a balance past its columns failed at Confirm on their overflow ("A number
is too large"); balance_capacity reads the most a balance can hold from those columns, and check_deposit says it.

amount_text writes amounts up to that capacity (its format stopped at 15 digits and wrote "#" past them).

Revision ID: 0022
Revises: 0021
"""

from alembic import op
from core.sql_files import install_sql

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "balance_capacity.sql": "4ef3dfc8e356c553",
    "amount_text.sql": "62db53cb7fdc3ca0",
    "check_deposit.sql": "255d1795edfc04a7",
    "fund_account.sql": "1515f6211c51b197",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"fund_account.sql": "eb83235da806bda0"})  # as 0018 installed it
    op.execute("DROP FUNCTION check_deposit(balances, numeric)")
    install_sql(op.get_bind(), {"amount_text.sql": "79687ad447269bbc"})  # as 0018 installed it
    op.execute("DROP FUNCTION balance_capacity(asset_type)")
