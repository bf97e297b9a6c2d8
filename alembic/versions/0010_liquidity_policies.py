"""Liquidity policies and their worker: procrastinate's job tables (frozen), standing policies, their runs,
the kill switch.

Revision ID: 0010
Revises: 0009
"""

from alembic import op
from core.sql_files import install_sql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# One policy per book; its runs; the kill switch (one row). A policy's numbers are checked here too, so nothing
# but a valid policy can exist whatever writes it; free text is bounded by notes_max_length() like the notes.
POLICIES = r"""
CREATE TABLE liquidity_policies (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_type       certificate_type NOT NULL UNIQUE REFERENCES markets (certificate_type),
    bid_depth_eur          numeric(18, 2) NOT NULL CHECK (bid_depth_eur >= 0),
    ask_depth_eur          numeric(18, 2) NOT NULL CHECK (ask_depth_eur >= 0),
    refresh_tolerance_pct  numeric(6, 3) NOT NULL CHECK (refresh_tolerance_pct > 0 AND refresh_tolerance_pct <= 100),
    top_up_below_pct       numeric(6, 3) NOT NULL CHECK (top_up_below_pct > 0 AND top_up_below_pct <= 100),
    max_order_age_minutes  integer NOT NULL CHECK (max_order_age_minutes BETWEEN 1 AND 10080),
    price_floor            numeric(18, 2) CHECK (price_floor > 0),
    price_ceiling          numeric(18, 2) CHECK (price_ceiling > 0),
    dynamic_spread         boolean NOT NULL DEFAULT false,
    interval_seconds       integer NOT NULL CHECK (interval_seconds BETWEEN 5 AND 86400),
    cron                   text CHECK (cron ~ '^\S+( \S+){4}$'),
    enabled                boolean NOT NULL DEFAULT true,
    -- disabled by the kill switch (pause_liquidity); resume_liquidity re-enables exactly these
    paused                 boolean NOT NULL DEFAULT false,
    notes                  text CHECK (length(notes) <= notes_max_length()),
    -- the admin who saved it last: its runs act as them
    updated_by             bigint NOT NULL REFERENCES users (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT liquidity_policies_some_depth CHECK (bid_depth_eur + ask_depth_eur > 0),
    CONSTRAINT liquidity_policies_band_in_order CHECK (price_floor < price_ceiling),
    CONSTRAINT liquidity_policies_paused_means_disabled CHECK (NOT (paused AND enabled))
);

CREATE TABLE liquidity_kill_switch (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    paused      boolean NOT NULL DEFAULT false,
    reason      text CHECK (length(reason) <= notes_max_length()),
    changed_by  bigint REFERENCES users (id),
    changed_at  timestamptz,
    CONSTRAINT liquidity_kill_switch_pause_has_reason CHECK (NOT paused OR (reason IS NOT NULL AND reason <> ''))
);
INSERT INTO liquidity_kill_switch DEFAULT VALUES;

ALTER TABLE liquidity_operations
    ADD COLUMN policy_id bigint REFERENCES liquidity_policies (id),
    ADD COLUMN spread_multiplier numeric(8, 4) NOT NULL DEFAULT 1
        CONSTRAINT liquidity_operations_spread_never_narrower CHECK (spread_multiplier >= 1),
    ADD COLUMN volatility numeric(12, 8) CHECK (volatility >= 0),
    DROP CONSTRAINT liquidity_operations_price_source_check,
    ADD CONSTRAINT liquidity_operations_price_source_check
        CHECK (price_source IN ('mid', 'last_trade', 'previous_run', 'default'));
CREATE INDEX liquidity_operations_policy_idx ON liquidity_operations (policy_id, created_at DESC)
    WHERE policy_id IS NOT NULL;
-- what rests of all liquidity, whatever its history: a run reads its own resting orders through it
CREATE INDEX orders_open_liquidity_idx ON orders (liquidity_operation_id)
    WHERE liquidity_operation_id IS NOT NULL AND status IN ('OPEN', 'PARTIALLY_FILLED');

CREATE TABLE liquidity_policy_runs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    policy_id          bigint NOT NULL REFERENCES liquidity_policies (id),
    certificate_type   certificate_type NOT NULL,
    action             text NOT NULL CHECK (action IN ('placed', 'refreshed', 'topped_up', 'none', 'skipped')),
    reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
    operation_id       bigint REFERENCES liquidity_operations (id),
    placed_orders      integer NOT NULL DEFAULT 0 CHECK (placed_orders >= 0),
    withdrawn_orders   integer NOT NULL DEFAULT 0 CHECK (withdrawn_orders >= 0),
    reference_price    numeric(18, 4) CHECK (reference_price > 0),
    price_source       text CHECK (price_source IN ('mid', 'last_trade', 'previous_run', 'default')),
    spread_multiplier  numeric(8, 4) NOT NULL DEFAULT 1 CHECK (spread_multiplier >= 1),
    volatility         numeric(12, 8) CHECK (volatility >= 0),
    bid_target_eur     numeric(18, 2) NOT NULL,
    ask_target_eur     numeric(18, 2) NOT NULL,
    -- what the policy had resting per side when the run began, and once it was done
    bid_resting_before_eur  numeric(18, 2) NOT NULL,
    ask_resting_before_eur  numeric(18, 2) NOT NULL,
    bid_resting_eur    numeric(18, 2) NOT NULL,
    ask_resting_eur    numeric(18, 2) NOT NULL,
    acted_by           bigint REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    -- an operation exactly when the run placed orders
    CONSTRAINT liquidity_policy_runs_operation_when_placed
        CHECK ((operation_id IS NOT NULL) = (action IN ('placed', 'refreshed', 'topped_up'))),
    CONSTRAINT liquidity_policy_runs_placed_when_placing
        CHECK ((placed_orders > 0) = (operation_id IS NOT NULL))
);
CREATE INDEX liquidity_policy_runs_certificate_idx
    ON liquidity_policy_runs (certificate_type, created_at DESC, id DESC);
CREATE INDEX liquidity_policy_runs_policy_idx ON liquidity_policy_runs (policy_id, id DESC);
"""

# First procrastinate's own schema, frozen from procrastinate 3.10.0 (requirements.txt pins >=3.10,<3.11); it has
# no sql/ file: it is procrastinate's text, not ours, and a later procrastinate gets its shipped migrations in a
# revision of their own. Then ours, in dependency order; create_liquidity_operation gains parameters (dropped first).
SQL_PINS: dict[str, str] = {
    "procrastinate_schema.sql": "e8e5f73a0c2a8b44",
    "lock_acting_admin.sql": "1928bf1bacf897b2",
    "liquidity_policy_orders.sql": "374962b77fc0b89d",
    "withdraw_liquidity_orders.sql": "467a202369cf8073",
    "withdraw_liquidity.sql": "c3b16ef10477337d",
    "create_liquidity_operation.sql": "b2a3aa22274a185a",
    "create_liquidity_operations.sql": "310ccdba6cdaf88e",
    "liquidity_operation_summary.sql": "1975978a630bd29e",
    "save_liquidity_policy.sql": "a6041bc8de369dc5",
    "begin_policy_run.sql": "0f8af70cb60d6ff2",
    "record_policy_run.sql": "5abaf7d3a6c6334c",
    "pause_liquidity.sql": "4bfebbed67cc6820",
    "resume_liquidity.sql": "f4eda0936b25a166",
}
OLD_CREATE = (
    "create_liquidity_operation(certificate_type, jsonb, numeric, numeric, numeric, text, bigint, text, text, integer)"
)

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
    op.execute(POLICIES)
    op.execute(f"DROP FUNCTION {OLD_CREATE}")
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION create_liquidity_operations(jsonb, bigint, text, text, integer), "
        "create_liquidity_operation(certificate_type, jsonb, numeric, numeric, numeric, text, bigint, text, text, "
        "integer, bigint, numeric, numeric), withdraw_liquidity_orders(bigint[], bigint, text), "
        "save_liquidity_policy(certificate_type, numeric, numeric, numeric, numeric, integer, numeric, numeric, "
        "boolean, integer, text, boolean, text, bigint), begin_policy_run(certificate_type, bigint), "
        "record_policy_run(bigint, text, text, bigint, integer, integer, numeric, text, numeric, numeric, bigint, "
        "numeric, numeric), "
        "pause_liquidity(bigint, text), resume_liquidity(bigint), lock_acting_admin(bigint)"
    )
    op.execute("DROP VIEW liquidity_policy_orders")
    # as 0004 and 0003 installed them
    op.execute("DROP VIEW liquidity_operation_summary CASCADE")
    install_sql(
        op.get_bind(),
        {
            "liquidity_operation_summary.sql": "467190c8ed9d5f22",
            "list_operations.sql": "3734d5237cef9bc6",
            "create_liquidity_operation.sql": "47f6cc6fd7ce5b20",
            "withdraw_liquidity.sql": "d02bfc3639b346eb",
        },
    )
    op.execute(
        "DROP TABLE liquidity_policy_runs; DROP INDEX orders_open_liquidity_idx; "
        "ALTER TABLE liquidity_operations DROP COLUMN policy_id, DROP COLUMN spread_multiplier, "
        "DROP COLUMN volatility, DROP CONSTRAINT liquidity_operations_price_source_check, "
        "ADD CONSTRAINT liquidity_operations_price_source_check "
        "CHECK (price_source IN ('mid', 'last_trade', 'default'));"
        "DROP TABLE liquidity_kill_switch, liquidity_policies;"
    )
    op.execute(PROCRASTINATE_OBJECTS)
