"""Create Liquidity's per-row function calls (issue 13's create_liquidity goal, measured at 100 market makers a side).

create_liquidity_operation asked price_on_tick (which reads the book's tick from markets) once per planned order:
600 reads at 100 market makers a side. It now asks once per distinct price (one per side and level); what it
refuses is unchanged.

ticket_number_text named its argument twice, so the planner could not inline it into ticket_logs.ticket_id's
default (its argument, nextval(), is volatile) and called it once per ticket: ~1.5 ms of a 600-ticket insert. It is
now one to_char that names its argument once (the same text for every ticket number: at least six digits), STABLE
as to_char is, and inlined: every writer of tickets gains.

Revision ID: 0023
Revises: 0022
"""

from alembic import op
from core.sql_files import install_sql

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "create_liquidity_operation.sql": "0def5075580c1664",
    "ticket_number_text.sql": "ded16c87496f4285",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"ticket_number_text.sql": "59c61c6fd2e3cfc2"})  # as 0006 installed it
    install_sql(op.get_bind(), {"create_liquidity_operation.sql": "2d6330c4c2636ea1"})  # as 0021 installed it
