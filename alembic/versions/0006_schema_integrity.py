"""Schema integrity: the catalog record behind check-schema, and ticket ids that never collide.

Revision ID: 0006
Revises: 0005
"""

from alembic import op
from core.sql_files import install_sql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "ticket_number_text.sql": "59c61c6fd2e3cfc2",
}

SCHEMA = """
-- what the migrations installed, object by object (core.schema records it after every migration run)
CREATE TABLE schema_catalog (
    kind         text NOT NULL,
    name         text NOT NULL,
    fingerprint  text NOT NULL,
    PRIMARY KEY (kind, name)
);
"""

# the ticket counter stays the sequence ticket_number_seq; only its rendering grows past six digits
TICKET_DEFAULT = """
ALTER TABLE ticket_logs ALTER COLUMN ticket_id
    SET DEFAULT 'TKT-' || to_char(now(), 'YYYY') || '-' || ticket_number_text(nextval('ticket_number_seq'));
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    install_sql(op.get_bind(), SQL_PINS)
    op.execute(TICKET_DEFAULT)


def downgrade() -> None:
    op.execute(
        "ALTER TABLE ticket_logs ALTER COLUMN ticket_id SET DEFAULT "
        "'TKT-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0')"
    )
    op.execute("DROP FUNCTION ticket_number_text(bigint)")
    op.execute("DROP TABLE schema_catalog")
