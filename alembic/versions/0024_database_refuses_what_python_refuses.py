"""The database refuses what core refuses: amounts above the maximum, and names that read as another.

The largest amount a person may ask for in one action (€1,000,000,000,000, or as many certificates) was a setting
only Python read: a stored function called directly (or by a core function with a bug) took a deposit, a
withdrawal, a liquidity target, a policy's depth or price bound, a provisioning or an order of any size that fits
numeric(18, 2). max_amount() is now its one source (core reads it from sql/max_amount.sql, and a test compares the
two), and every stored function taking such an amount refuses past it in core's words (amount_above_maximum,
refuse_amount_above_maximum; refuse_invalid_amount for deposits and withdrawals; check_order for an order's
quantity, price and value). invalid_amount_reason, which every balance movement asks, is unchanged: a movement may
sum many orders' locks.

create_entity and create_market_maker stored any name of 1 to 200 characters: one with a control character, an
invisible one (a zero-width space, a right-to-left override) or a compatibility character (a fullwidth or
mathematical bold letter), which core refuses as reading like another name or hiding what it says. name_fault holds
those rules in SQL, and both refuse such a name.

Revision ID: 0024
Revises: 0023
"""

from alembic import op
from core.sql_files import install_sql

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "max_amount.sql": "cfb6053faae67ea9",
    "amount_above_maximum.sql": "a0fa063495a1058d",
    "refuse_amount_above_maximum.sql": "d488de7e15995318",
    "name_fault.sql": "3be71038f4c18d5f",
    "refuse_invalid_amount.sql": "5d1039828a396311",
    "provision_market_makers.sql": "723db18747ffdd62",
    "save_liquidity_policy.sql": "f04662d2f6f091a2",
    "create_liquidity_operation.sql": "62cb440e66e63c9a",
    "create_market_maker.sql": "0867e658b204f1cc",
    "check_order.sql": "5db644fad0fcf122",
    "create_entity.sql": "d97a7563ab3feb05",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(
        op.get_bind(),
        {
            "refuse_invalid_amount.sql": "bba353d71767a216",  # as 0018 installed it
            "provision_market_makers.sql": "32fe8ba79290b4be",  # as 0017 installed it
            "save_liquidity_policy.sql": "a6041bc8de369dc5",  # as 0010 installed it
            "create_liquidity_operation.sql": "0def5075580c1664",  # as 0023 installed it
            "create_market_maker.sql": "026912f58775f692",  # as 0022 installed it
            "check_order.sql": "40ba35540060ebf1",  # as 0012 installed it
            "create_entity.sql": "c7d51bcb746454c3",  # as 0020 installed it
        },
    )
    op.execute("DROP FUNCTION name_fault(text, text)")
    op.execute("DROP FUNCTION refuse_amount_above_maximum(text, asset_type, numeric)")
    op.execute("DROP FUNCTION amount_above_maximum(text, asset_type, numeric)")
    op.execute("DROP FUNCTION max_amount()")
