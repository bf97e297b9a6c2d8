"""Usernames read apart: a new username that reads like one taken ("Admin." beside "admin", "j.doe" beside
"j_doe": the same letters and digits in the same order) is refused naming the holder, by claim_username, which
every creation of a user calls under the look-alike's advisory lock (7304), so two such creations at once queue
and the second is refused. Names that exist already are left as they are: this is a rule for new names, so no
constraint that an existing installation could fail is added. A name taken in another case is refused naming the
holder as stored ("ADMIN" is taken by "admin").

A liquidity operation is named by its ticket in the refusals of withdraw_liquidity (nothing left to withdraw) and
create_liquidity_operation (an idempotency key used for other amounts), as every page names it: the internal id
("Liquidity operation 1") appeared nowhere else.

check_withdrawal holds withdraw_account's rule that only what is available can leave, so core can ask it before a
form asks to confirm a withdrawal (the refusal came only after Confirm); withdraw_account asks it under the lock.

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
    "claim_username.sql": "64aebd60c59c66a5",
    "create_user_account.sql": "3c8ba578566789c4",
    "withdraw_liquidity.sql": "d8b6b00e3cc85288",
    "create_liquidity_operation.sql": "2d6330c4c2636ea1",
    "check_withdrawal.sql": "d351ceff23f05073",
    "withdraw_account.sql": "4068d7c00d0ebc4a",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"withdraw_account.sql": "d622b426d703b595"})  # as 0018 installed it
    op.execute("DROP FUNCTION check_withdrawal(balances, numeric)")
    install_sql(op.get_bind(), {"withdraw_liquidity.sql": "c3b16ef10477337d"})  # as 0010 installed it
    install_sql(op.get_bind(), {"create_liquidity_operation.sql": "b2a3aa22274a185a"})  # as 0010 installed it
    install_sql(op.get_bind(), {"create_user_account.sql": "35d26a8f1b1ae80f"})  # as 0020 installed it
    op.execute("DROP FUNCTION claim_username(text)")
