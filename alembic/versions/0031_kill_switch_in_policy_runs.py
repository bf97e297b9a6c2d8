"""A policy's runs say what the kill switch withdrew of it.

The kill switch withdrew a policy's orders and paused it without a word among the policy's runs: its Runs table and
depth chart showed the orders placed, then nothing, and the reader could not see why they vanished (only the
Operations page's withdrawal tickets and the audit log said it). pause_liquidity now records, in its transaction, a
'kill_switch' run of every policy it withdrew orders of or paused: by whom and why, how many orders, what rested
per side before (the run's "before") and nothing after.

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
}


def upgrade() -> None:
    op.execute(
        "ALTER TABLE liquidity_policy_runs DROP CONSTRAINT liquidity_policy_runs_action_check, "
        f"ADD CONSTRAINT liquidity_policy_runs_action_check CHECK (action IN ({ACTIONS}, 'kill_switch'))"
    )
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DELETE FROM liquidity_policy_runs WHERE action = 'kill_switch'")
    op.execute(
        "ALTER TABLE liquidity_policy_runs DROP CONSTRAINT liquidity_policy_runs_action_check, "
        f"ADD CONSTRAINT liquidity_policy_runs_action_check CHECK (action IN ({ACTIONS}))"
    )
    install_sql(op.get_bind(), {"pause_liquidity.sql": "4bfebbed67cc6820"})  # as 0010 installed it
