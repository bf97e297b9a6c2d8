"""Users choose their own password: one an admin made for them (create_user_account, reset_user_password) is
one-time. users.must_change_password marks it; until the user replaces it (change_own_password, which also ends
their other sessions and writes a CHANGE_PASSWORD ticket), require_admin and acting_account refuse them every
admin write and every order, as core refuses them every other call.

The last active admin stays active in any isolation level and however it is tried: active_admins keeps their count
in one row that every change of who is an active admin moves (keep_an_active_admin), so concurrent changes queue
on it; a count(*) in the trigger let two hand-written UPDATEs at once each see the other admin still active.
check_invariants() proves the count.

check_order_funds refuses in desk words ("Not enough EUA: this sell needs 10, trader firm "Demo" has 3 available"),
the one sentence for the Cash Market's note under Quantity and for the engine's answer to a click (the entry used
to reword the refusal from the balances read a second time).

create_market_maker and create_entity refuse a taken name naming the holder as stored ("Acme Carbon", not the
"acme  carbon" typed), also when a concurrent creation of the same name got there first: each takes the name's
advisory lock (7303, hash of the name as the unique index keys it) before its check, so the second waits and then
sees the first's row instead of failing on the unique index with no name.

A new liquidity policy starts disabled (core.liquidity_policies.save_policy's default): so does the column's.

Revision ID: 0020
Revises: 0019
"""

from alembic import op
from core.sql_files import install_sql

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "change_own_password.sql": "ef9bdd2b669f5674",
    "create_user_account.sql": "35d26a8f1b1ae80f",
    "reset_user_password.sql": "cf581c563c1e4fc7",
    "require_admin.sql": "cdaaea4cf6e5d6a9",
    "acting_account.sql": "bee7109ca362812f",
    "keep_an_active_admin.sql": "36dabd3d02a225e8",
    "check_invariants.sql": "a75205f5bbfabfa6",
    "check_order_funds.sql": "562a4157cc88b98b",
    "create_market_maker.sql": "18f453447cd5c6a2",
    "create_entity.sql": "c7d51bcb746454c3",
}


def upgrade() -> None:
    # users who exist already chose or were given their password before this rule: none is asked to change it
    op.execute("ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false")
    op.execute(
        """
        CREATE TABLE active_admins (
            one_row  boolean PRIMARY KEY DEFAULT true CONSTRAINT active_admins_one_row CHECK (one_row),
            admins   integer NOT NULL CONSTRAINT active_admins_not_negative CHECK (admins >= 0)
        );
        INSERT INTO active_admins (admins) SELECT count(*) FROM users WHERE role = 'ADMIN' AND is_active;
        """
    )
    op.execute("ALTER TABLE liquidity_policies ALTER COLUMN enabled SET DEFAULT false")
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("ALTER TABLE liquidity_policies ALTER COLUMN enabled SET DEFAULT true")
    op.execute("DROP FUNCTION change_own_password(bigint, text, text, bytea)")
    op.execute("DROP TRIGGER users_count_a_new_admin ON users")
    op.execute("DROP TRIGGER users_keep_an_admin_on_delete ON users")
    op.execute("DROP TRIGGER users_keep_an_active_admin ON users")  # reinstalled below with its old condition
    install_sql(op.get_bind(), {"keep_an_active_admin.sql": "ed0e671295f0ef07"})  # as 0019 installed it
    install_sql(op.get_bind(), {"check_invariants.sql": "00f9b9b217ec1606"})  # as 0012 installed it
    install_sql(op.get_bind(), {"check_order_funds.sql": "68fd1c6bb39459e4"})  # as 0017 installed it
    install_sql(op.get_bind(), {"create_market_maker.sql": "94b2adb52ad8f89e"})  # as 0017 installed it
    install_sql(op.get_bind(), {"create_entity.sql": "d7496bf89f6ed612"})  # as 0019 installed it
    op.execute("DROP TABLE active_admins")
    install_sql(op.get_bind(), {"create_user_account.sql": "189e18021c55691f"})  # as 0019 installed it
    install_sql(op.get_bind(), {"reset_user_password.sql": "52735d22665fe50c"})  # as 0019 installed it
    install_sql(op.get_bind(), {"require_admin.sql": "bb750804baa2f0f5"})  # as 0003 installed it
    install_sql(op.get_bind(), {"acting_account.sql": "afaa618f64e3590c"})  # as 0012 installed it
    op.execute("ALTER TABLE users DROP COLUMN must_change_password")
