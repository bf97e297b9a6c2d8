"""Admins onboard trader firms and manage users in the app: create_user_account, deactivate_user, reactivate_user
and reset_user_password, each with its ticket (CREATE_USER, DEACTIVATE_USER, REACTIVATE_USER, RESET_USER_PASSWORD:
ticket actions are free text, no type or constraint to extend). The trigger users_keep_an_active_admin refuses to
switch off the last active admin, however it is tried. Each write on a user first calls
lock_user_for_change, which locks the target, the acting admin and every active admin in id order, so two admins
deactivating each other at once cannot leave the backoffice without an active admin. The argon2 hash of a password
is computed in Python; SQL never sees the password. entity_balances gains each firm's number of active traders (a
column added at the end: CREATE OR REPLACE VIEW keeps the others); create_entity and account_label (every refusal
naming an account) call an entity a trader firm, as the Trader Firms page does; deactivate_market_maker counts open
orders in words ("1 open order", not "order(s)").

Revision ID: 0019
Revises: 0018
"""

from alembic import op
from core.sql_files import install_sql

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "keep_an_active_admin.sql": "ed0e671295f0ef07",
    "lock_user_for_change.sql": "77cc5da59da89e97",
    "create_user_account.sql": "189e18021c55691f",
    "deactivate_user.sql": "85e57a11c61d652c",
    "reactivate_user.sql": "b6a5994d0c3f19fe",
    "reset_user_password.sql": "52735d22665fe50c",
    "entity_balances.sql": "b2090f9e2b601d64",
    "create_entity.sql": "d7496bf89f6ed612",
    "account_label.sql": "162326719122dda8",
    "deactivate_market_maker.sql": "d7beb0a8e60b7537",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION create_user_account(text, text, user_role, bigint, bigint), deactivate_user(bigint, bigint), "
        "reactivate_user(bigint, bigint), reset_user_password(bigint, text, bigint), "
        "lock_user_for_change(bigint, bigint, text)"
    )
    op.execute("DROP TRIGGER users_keep_an_active_admin ON users")
    op.execute("DROP FUNCTION keep_an_active_admin()")
    op.execute("DROP VIEW entity_balances")  # a column cannot be dropped by CREATE OR REPLACE VIEW
    install_sql(op.get_bind(), {"entity_balances.sql": "58cae8bc8443e029"})  # as 0001 installed it
    install_sql(op.get_bind(), {"create_entity.sql": "93ecab96620678ae"})  # as 0007 installed it
    install_sql(op.get_bind(), {"account_label.sql": "7de63552a2dbecc3"})  # as 0001 installed it
    install_sql(op.get_bind(), {"deactivate_market_maker.sql": "1fa02f28252a8e7e"})  # as 0007 installed it
