"""One name per account: a trader firm and a market maker never share a name.

A trader firm could be named as a market maker was ("Atlas Liquidity"), and then a deposit's toast ("Funded Atlas
Liquidity with 10 EUA"), the account a Cash Market trades for and the audit log read alike for both; only the audit
log's object column told them apart. refuse_taken_account_name holds the one rule, under the name's advisory lock
(7303, which both creations already took): a name is taken, as lower(btrim(name)), by an account of either kind.
create_entity and claim_market_maker_name (which create_market_maker and core's check before confirming call) ask
it instead of each looking at its own table. Names already shared are left as they are: the rule is at creation.

Revision ID: 0025
Revises: 0024
"""

from alembic import op
from core.sql_files import install_sql

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "refuse_taken_account_name.sql": "7f0b19ed122083b1",
    "create_entity.sql": "74233e8a4b0c8539",
    "claim_market_maker_name.sql": "77934bf50f54f6bb",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(
        op.get_bind(),
        {
            "create_entity.sql": "d97a7563ab3feb05",  # as 0024 installed it
            "claim_market_maker_name.sql": "4a0efd1bc43d90a1",  # as 0022 installed it
        },
    )
    op.execute("DROP FUNCTION refuse_taken_account_name(text)")
