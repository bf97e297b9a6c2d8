"""Usernames read apart: a new username that reads like one taken ("Admin." beside "admin", "j.doe" beside
"j_doe": the same letters and digits in the same order) is refused naming the holder, by claim_username, which
every creation of a user calls under the look-alike's advisory lock (7304), so two such creations at once queue
and the second is refused. Names that exist already are left as they are: this is a rule for new names, so no
constraint that an existing installation could fail is added.

Revision ID: 0021
Revises: 0020
"""

from alembic import op
from core.sql_files import install_sql

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "claim_username.sql": "047cbb0168b65710",
    "create_user_account.sql": "3c8ba578566789c4",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"create_user_account.sql": "35d26a8f1b1ae80f"})  # as 0020 installed it
    op.execute("DROP FUNCTION claim_username(text)")
