"""Operations: liquidity history views and audit reads (issue: Operations).

Revision ID: 0004
Revises: 0003
"""

from alembic import op
from core.sql_files import install_sql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The audit filters read ticket_logs newest first within one action or one actor; without these a rare
# action on a million tickets walks the created_at index until it has found a page.
INDEXES = """
CREATE INDEX ticket_logs_action_created_idx ON ticket_logs (action, created_at DESC, id DESC);
CREATE INDEX ticket_logs_actor_created_idx ON ticket_logs (actor_id, created_at DESC, id DESC);
CREATE INDEX liquidity_operations_created_at_idx ON liquidity_operations (created_at DESC, id DESC);
"""

# views and functions of the Operations page (sql/), in dependency order
SQL_PINS: dict[str, str] = {
    "liquidity_order_state.sql": "634c3862f954ee70",
    "liquidity_operation_summary.sql": "467190c8ed9d5f22",
    "filtered_operations.sql": "37656eb83f549ea9",
    "list_operations.sql": "3734d5237cef9bc6",
    "operation_daily_stats.sql": "4d28cd6c8e71e17d",
    "operation_resting_depth.sql": "b1a490f2ec41ce6d",
    "ticket_log_search.sql": "05270feed8350b13",
    "operation_tickets.sql": "63499f0743fe5016",
    "ticket_log_facets.sql": "7a6a1da28aa1eb08",
}


def upgrade() -> None:
    op.execute(INDEXES)
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute(
        """
        DROP FUNCTION IF EXISTS ticket_log_entity_types(), ticket_log_actions(), operation_tickets(bigint),
            count_ticket_logs(text, bigint, text, bigint, timestamptz, timestamptz, text, integer),
            search_ticket_logs(text, bigint, text, bigint, timestamptz, timestamptz, text, integer, integer),
            ticket_log_conditions(text, bigint, text, bigint, timestamptz, timestamptz, text),
            operation_resting_depth(certificate_type, date, date, bigint, text),
            operation_daily_stats(certificate_type, date, date, bigint, text),
            list_operations(certificate_type, date, date, bigint, text, text, boolean, integer, integer),
            filtered_operations(certificate_type, date, date, bigint, text);
        DROP VIEW IF EXISTS liquidity_operation_summary, liquidity_order_state;
        DROP INDEX IF EXISTS liquidity_operations_created_at_idx, ticket_logs_actor_created_idx,
            ticket_logs_action_created_idx;
        """
    )
