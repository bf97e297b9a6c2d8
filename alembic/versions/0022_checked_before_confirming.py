"""Checked before confirming: deposits, and new market makers' names.

check_deposit holds fund_account's rules (a market maker funded only while active and only with what it trades, an
amount of the asset, and no account past what a balance can hold), so core asks it before a form asks to confirm a
deposit, as check_withdrawal does for withdrawals; fund_account asks it under the row's lock. A deposit that would
take a balance past its columns failed at Confirm on their overflow ("A number is too large"); balance_capacity
reads the most a balance can hold from those columns, and check_deposit says it.

amount_text writes amounts up to that capacity (its format stopped at 15 digits and wrote "#" past them).

claim_market_maker_name holds create_market_maker's rule that a name is taken once (under the name's lock), so core
asks it before a form asks to confirm a new market maker's deposits (a taken name was refused only after Confirm).

username_key is what a username reads as: claim_username's rule, now one function it and core's user list (which
marks the look-alikes made before 0021) both call.

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
    "claim_market_maker_name.sql": "4a0efd1bc43d90a1",
    "create_market_maker.sql": "026912f58775f692",
    "username_key.sql": "800a9ad0e61abec3",
    "claim_username.sql": "a03b80060c416023",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"claim_username.sql": "64aebd60c59c66a5"})  # as 0021 installed it
    op.execute("DROP FUNCTION username_key(text)")
    install_sql(op.get_bind(), {"create_market_maker.sql": "18f453447cd5c6a2"})  # as 0020 installed it
    op.execute("DROP FUNCTION claim_market_maker_name(text)")
    install_sql(op.get_bind(), {"fund_account.sql": "eb83235da806bda0"})  # as 0018 installed it
    op.execute("DROP FUNCTION check_deposit(balances, numeric)")
    install_sql(op.get_bind(), {"amount_text.sql": "79687ad447269bbc"})  # as 0018 installed it
    op.execute("DROP FUNCTION balance_capacity(asset_type)")
