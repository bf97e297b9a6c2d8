"""The audit log's deep pages read only the rows they show.

A page of the audit log 10,000 tickets deep (at 1M tickets) took 11x a trivial round trip: the offset's rows were
each fetched and joined to their actor before being skipped. search_ticket_logs now finds the page's ids on an index
alone and reads only those rows; the index on created_at becomes one on (created_at, id), the order every audit read
asks for, so the ids come from the index in order and no sort of the skipped rows remains. It replaces the old index:
writing a ticket updates no more indexes than before.

Revision ID: 0027
Revises: 0026
"""

from alembic import op
from core.sql_files import install_sql

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "ticket_log_search.sql": "c7042aa4d782e3dd",
}


def upgrade() -> None:
    op.execute("CREATE INDEX ticket_logs_created_id_idx ON ticket_logs (created_at DESC, id DESC)")
    op.execute("DROP INDEX ticket_logs_created_at_idx")
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("CREATE INDEX ticket_logs_created_at_idx ON ticket_logs (created_at DESC)")
    op.execute("DROP INDEX ticket_logs_created_id_idx")
    install_sql(op.get_bind(), {"ticket_log_search.sql": "05270feed8350b13"})
