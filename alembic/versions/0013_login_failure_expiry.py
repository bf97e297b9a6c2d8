"""Sign-in failure counters expire: each row remembers its last failure, and the worker forgets the rows of names
nobody has failed on for ``CARBON_LOGIN_FAILURES_KEPT_HOURS`` (unless locked now). Without it, every name ever
tried, real or made up, kept a row forever.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE login_failures ADD COLUMN last_failed_at timestamptz NOT NULL DEFAULT now();
        -- the worker's prune finds the stale rows by it
        CREATE INDEX login_failures_last_failed_at_idx ON login_failures (last_failed_at);
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE login_failures DROP COLUMN last_failed_at")
