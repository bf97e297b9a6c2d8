"""A ticket search reads the operations whose ticket id can match, not all of them.

Searching the Operations page for part of a ticket id ("0500") tested every operation's id with strpos: at 10k
operations, 3.3 ms of the search's server time and 4.7-5.3x a trivial round trip through the app, over issue 13's
5x bound. Each operation now keeps its ticket id's trigrams in a stored generated column with a GIN index; a search
first takes the operations holding every trigram of the text typed (an index lookup), then keeps the exact matches
with strpos, as before: 0.7 ms for the same search. pg_trgm would do the same, but the embedded server ships
without it. A part shorter than three characters has no trigram and is tested on every operation, as before.

Revision ID: 0029
Revises: 0028
"""

from alembic import op
from core.sql_files import install_sql

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "text_trigrams.sql": "837de0549dfb52a5",
    "filtered_operations.sql": "522f82999d8cf7f1",  # reads the column, so installed after it
}


def upgrade() -> None:
    install_sql(op.get_bind(), {"text_trigrams.sql": SQL_PINS["text_trigrams.sql"]})
    op.execute(
        "ALTER TABLE liquidity_operations"
        " ADD COLUMN ticket_id_trigrams text[] NOT NULL GENERATED ALWAYS AS (text_trigrams(ticket_id)) STORED"
    )
    # fastupdate off: an operation's trigrams go straight into the index, not into a pending list that every search
    # would scan until the next vacuum (an operation is written once per creation, so the insert's cost is small)
    op.execute(
        "CREATE INDEX liquidity_operations_ticket_trigrams_idx ON liquidity_operations USING gin (ticket_id_trigrams)"
        " WITH (fastupdate = off)"
    )
    install_sql(op.get_bind(), {"filtered_operations.sql": SQL_PINS["filtered_operations.sql"]})


def downgrade() -> None:
    install_sql(op.get_bind(), {"filtered_operations.sql": "f8e964156151dd0d"})
    op.execute("ALTER TABLE liquidity_operations DROP COLUMN ticket_id_trigrams")  # its index goes with it
    op.execute("DROP FUNCTION text_trigrams(text)")
