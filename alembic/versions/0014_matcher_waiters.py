"""A waiter for a queued order that finds nobody matching takes the book's matcher lock waiting, not trying: a try
fails whenever another waiter is passing the barrier (its shared lock), so under load waiters kept each other out
and gave up with their orders still in the inbox (8 clients: 6 awaits in 10 returned QUEUED to be asked again).

Revision ID: 0014
Revises: 0013
"""

from alembic import op
from core.sql_files import install_sql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "collect_order.sql": "640241fc8d9e3bb7",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"collect_order.sql": "73cad92c9c22038f"})  # as 0012 installed it
