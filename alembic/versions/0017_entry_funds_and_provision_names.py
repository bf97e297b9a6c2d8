"""What an order locks, and its refusal when its account has less available, is one function, check_order_funds:
match_order calls it on the balance rows it has locked, and the order entry calls it before the click, so a sell of
more certificates than the account holds, or a limit buy it cannot pay for, is refused next to the entry with the
engine's own sentence (amounts now grouped: €8,083,000.00, not €8083000.00).

Provisioning new market makers numbers them after every name of the day's pattern as names are unique, whatever
their case: "lp 2026-12-01 #4", typed by hand, used to leave #4 as the next number, and every provisioning of the
day was refused because that name exists (provision_market_makers). A new market maker whose name a deactivated
one holds is refused saying so, since the default list hides it (create_market_maker).

Revision ID: 0017
Revises: 0016
"""

from alembic import op
from core.sql_files import install_sql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "check_order_funds.sql": "68fd1c6bb39459e4",
    "match_order.sql": "1426e8f469d9be70",
    "provision_market_makers.sql": "32fe8ba79290b4be",
    "create_market_maker.sql": "94b2adb52ad8f89e",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"match_order.sql": "1ad82612921d6649"})  # as 0012 installed it
    install_sql(op.get_bind(), {"provision_market_makers.sql": "3246d2cfbaadfbff"})  # as 0007 installed it
    install_sql(op.get_bind(), {"create_market_maker.sql": "76f4a79575c84f4e"})  # as 0007 installed it
    op.execute("DROP FUNCTION check_order_funds(certificate_type, order_side, bigint, numeric, balances, balances)")
