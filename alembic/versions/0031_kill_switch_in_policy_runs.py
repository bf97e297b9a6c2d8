"""A policy's runs say what the kill switch withdrew of it; a policy runs on an interval or on a cron, not both.

The kill switch withdrew a policy's orders and paused it without a word among the policy's runs: its Runs table and
depth chart showed the orders placed, then nothing, and the reader could not see why they vanished (only the
Operations page's withdrawal tickets and the audit log said it). pause_liquidity now records, in its transaction, a
'kill_switch' run of every policy it withdrew orders of or paused: by whom and why, how many orders, what rested
per side before (the run's "before") and nothing after.

A policy saved with both an interval and a cron ran on the cron, and the interval was kept unused (said only in the
cron field's help). liquidity_policies now holds one schedule (liquidity_policies_one_schedule): interval_seconds
is NULL on a cron, and the interval a cron policy kept, never used, is dropped; save_liquidity_policy refuses both,
or neither, in core's words.

Revision ID: 0031
Revises: 0030
"""

from alembic import op
from core.sql_files import install_sql

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

ACTIONS = "'placed', 'refreshed', 'topped_up', 'none', 'skipped'"
SQL_PINS: dict[str, str] = {
    "pause_liquidity.sql": "f61de2605fa3f2b2",
    "save_liquidity_policy.sql": "e9dfb132962a8a1d",
}


def upgrade() -> None:
    op.execute(
        "ALTER TABLE liquidity_policy_runs DROP CONSTRAINT liquidity_policy_runs_action_check, "
        f"ADD CONSTRAINT liquidity_policy_runs_action_check CHECK (action IN ({ACTIONS}, 'kill_switch'))"
    )
    op.execute(
        "ALTER TABLE liquidity_policies ALTER COLUMN interval_seconds DROP NOT NULL;"
        "UPDATE liquidity_policies SET interval_seconds = NULL WHERE cron IS NOT NULL;"
        "ALTER TABLE liquidity_policies ADD CONSTRAINT liquidity_policies_one_schedule "
        "CHECK (num_nonnulls(interval_seconds, cron) = 1)"
    )
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DELETE FROM liquidity_policy_runs WHERE action = 'kill_switch'")
    op.execute(
        "ALTER TABLE liquidity_policy_runs DROP CONSTRAINT liquidity_policy_runs_action_check, "
        f"ADD CONSTRAINT liquidity_policy_runs_action_check CHECK (action IN ({ACTIONS}))"
    )
    op.execute(
        "ALTER TABLE liquidity_policies DROP CONSTRAINT liquidity_policies_one_schedule;"
        "UPDATE liquidity_policies SET interval_seconds = 60 WHERE interval_seconds IS NULL;"  # the default
        "ALTER TABLE liquidity_policies ALTER COLUMN interval_seconds SET NOT NULL"
    )
    # as 0010 and 0024 installed them
    install_sql(
        op.get_bind(), {"pause_liquidity.sql": "4bfebbed67cc6820", "save_liquidity_policy.sql": "f04662d2f6f091a2"}
    )
