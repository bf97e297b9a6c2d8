"""Deactivating and reactivating a market maker take their locks in one function.

deactivate_market_maker and reactivate_market_maker (revision 0030) each checked the acting admin, locked the
market maker's balance rows and then its row, and refused an unknown one, in the same eight lines: the lock order
that makes them queue on each other was written twice. lock_market_maker_for_change holds it, as
lock_user_for_change does for the users' writes. Behaviour unchanged.

Revision ID: 0033
Revises: 0032
"""

from alembic import op
from core.sql_files import install_sql

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "lock_market_maker_for_change.sql": "e98fabe6601973c2",
    "deactivate_market_maker.sql": "f3972e24e6cf050a",
    "reactivate_market_maker.sql": "44b9932ebefb6720",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    # as 0019 and 0030 installed them
    install_sql(
        op.get_bind(),
        {"deactivate_market_maker.sql": "d7beb0a8e60b7537", "reactivate_market_maker.sql": "2b3691010e1d9b8d"},
    )
    op.execute("DROP FUNCTION lock_market_maker_for_change(bigint, bigint, text)")
