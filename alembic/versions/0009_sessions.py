"""Sessions that survive a reload, and a sign-in lockout that says the same for every name.

``sessions`` keeps each sign-in on the server: the browser holds a random token in a cookie, the table only its
sha256, with the expiry that slides with activity and the revocation of signing out. ``login_failures`` counts
failed sign-ins per name tried, known or not (it replaces ``users.failed_login_count`` and ``locked_until``), so
an unknown name locks exactly like a real one and no answer tells which names exist.

Revision ID: 0009
Revises: 0008
"""

from alembic import op
from core.sql_files import install_sql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SCHEMA = """
CREATE TABLE sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    -- sha256 of the cookie's random token: the token itself is never stored
    token_hash    bytea NOT NULL CONSTRAINT sessions_token_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_expire_after_creation CHECK (expires_at > created_at),
    CONSTRAINT sessions_expire_after_last_seen CHECK (expires_at > last_seen_at)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE login_failures (
    username_key  text PRIMARY KEY
                  CONSTRAINT login_failures_username_key_check CHECK (username_key ~ '^[a-z0-9_.-]{3,50}$'),
    failures      integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until  timestamptz
);
INSERT INTO login_failures (username_key, failures, locked_until)
    SELECT lower(username), failed_login_count, locked_until FROM users
     WHERE failed_login_count > 0 OR locked_until > now();
ALTER TABLE users DROP COLUMN failed_login_count, DROP COLUMN locked_until;
"""

SQL_PINS: dict[str, str] = {
    "end_sessions_of_deactivated_user.sql": "33cd767bd83a964f",
}


def upgrade() -> None:
    op.execute(SCHEMA)
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    op.execute("DROP TRIGGER users_deactivation_ends_sessions ON users")
    op.execute("DROP FUNCTION end_sessions_of_deactivated_user()")
    op.execute(
        "ALTER TABLE users ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0), "
        "ADD COLUMN locked_until timestamptz"
    )
    op.execute(
        "UPDATE users u SET failed_login_count = f.failures, locked_until = f.locked_until "
        "FROM login_failures f WHERE f.username_key = lower(u.username)"
    )
    op.execute("DROP TABLE login_failures")
    op.execute("DROP TABLE sessions")
