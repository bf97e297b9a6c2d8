"""A policy's runs say when liquidity resumed, by whom, and the pause it ended.

Revision 0031 recorded what the kill switch withdrew of each policy among its runs, but resume_liquidity recorded
nothing there: a policy's history read "Withdrawn by the kill switch … the policy runs again when liquidity is
resumed", then its next placement, and who resumed and when was only in the audit log's RESUME_LIQUIDITY ticket.
resume_liquidity now records, in its transaction, a 'resumed' run of every policy enabled once it resumes (those the
pause disabled, and those saved enabled during it): by whom, and the pause it ends. Like a kill-switch row, it is no
run of the policy's own: the schedule counts from the policy's last run (core.policy_schedule).

Revision ID: 0034
Revises: 0033
"""

from alembic import op
from core.sql_files import install_sql

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

ACTIONS = "'placed', 'refreshed', 'topped_up', 'none', 'skipped', 'kill_switch'"
SQL_PINS: dict[str, str] = {"resume_liquidity.sql": "c64ec20f9d5c7595"}


def upgrade() -> None:
    op.execute(
        "ALTER TABLE liquidity_policy_runs DROP CONSTRAINT liquidity_policy_runs_action_check, "
        f"ADD CONSTRAINT liquidity_policy_runs_action_check CHECK (action IN ({ACTIONS}, 'resumed'))"
    )
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DELETE FROM liquidity_policy_runs WHERE action = 'resumed'")
    op.execute(
        "ALTER TABLE liquidity_policy_runs DROP CONSTRAINT liquidity_policy_runs_action_check, "
        f"ADD CONSTRAINT liquidity_policy_runs_action_check CHECK (action IN ({ACTIONS}))"
    )
    install_sql(op.get_bind(), {"resume_liquidity.sql": "f4eda0936b25a166"})  # as 0010 installed it
