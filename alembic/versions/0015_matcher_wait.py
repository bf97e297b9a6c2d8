"""An order that finds its book's matcher busy waits its turn for the matcher lock, for a while (take_book_matcher,
carbon.matcher_wait, 100 ms unless set), instead of going to the inbox at once: with 8 clients on one book the
inbox's second call and request row cost an order more CPU than waiting in the lock's queue. Only an order whose
wait runs out (a congested book) goes to the inbox, for the next matcher's batch.

Revision ID: 0015
Revises: 0014
"""

from alembic import op
from core.sql_files import install_sql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "take_book_matcher.sql": "46f9727777465947",
    "enter_order.sql": "e113e4aab7e5c5cb",
    "submit_order.sql": "db2868c077d2ae30",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    # as 0012 installed them; enter_order first, as nothing calls take_book_matcher once it is gone
    install_sql(op.get_bind(), {"enter_order.sql": "634d4605802fa5d1", "submit_order.sql": "7f966cb63ff21418"})
    op.execute("DROP FUNCTION take_book_matcher(certificate_type)")
