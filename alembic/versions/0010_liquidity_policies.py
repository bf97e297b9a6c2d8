"""Liquidity policies and their worker: procrastinate's job tables (frozen), standing policies, their runs,
the kill switch.

Revision ID: 0010
Revises: 0007
"""

from alembic import op
from core.sql_files import install_sql

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

# procrastinate's own schema, frozen from procrastinate 3.10.0 (requirements.txt pins >=3.10,<3.11); no sql/
# file: it is procrastinate's text, not ours. A later procrastinate gets its shipped migrations in a new revision.
SQL_PINS: dict[str, str] = {
    "procrastinate_schema.sql": "e8e5f73a0c2a8b44",
}

PROCRASTINATE_OBJECTS = """
DROP TABLE procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers;
DROP FUNCTION procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[]),
    procrastinate_defer_periodic_job_v2(character varying, character varying, character varying, character varying,
                                        integer, character varying, bigint, jsonb),
    procrastinate_fetch_job_v2(character varying[], bigint),
    procrastinate_finish_job_v1(bigint, procrastinate_job_status, boolean),
    procrastinate_cancel_job_v1(bigint, boolean, boolean),
    procrastinate_retry_job_v1(bigint, timestamp with time zone, integer, character varying, character varying),
    procrastinate_retry_job_v2(bigint, timestamp with time zone, integer, character varying, character varying),
    procrastinate_notify_queue_job_inserted_v1(), procrastinate_notify_queue_abort_job_v1(),
    procrastinate_trigger_function_status_events_insert_v1(), procrastinate_trigger_function_status_events_update_v1(),
    procrastinate_trigger_function_scheduled_events_v1(), procrastinate_trigger_abort_requested_events_procedure_v1(),
    procrastinate_unlink_periodic_defers_v1(), procrastinate_register_worker_v1(),
    procrastinate_unregister_worker_v1(bigint), procrastinate_update_heartbeat_v1(bigint),
    procrastinate_prune_stalled_workers_v1(double precision);
DROP TYPE procrastinate_job_to_defer_v1, procrastinate_job_event_type, procrastinate_job_status;
"""


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute(PROCRASTINATE_OBJECTS)
