-- change_own_password: a signed-in user replaces their own password. The caller has verified the current password
-- against p_current_hash and computed the argon2 hash of the new one; SQL never sees a password.
--   p_current_hash must still be the stored hash: an admin's reset (or another window's change) in the meantime
--   wins, and nothing changes (CB409).
--   p_session_hash is the session it is changed from, which must be live: it stays signed in, and every other
--   session of the user ends (whoever else knew the old password is out).
--   must_change_password clears: the one-time password an admin handed over is no longer in use.
CREATE OR REPLACE FUNCTION change_own_password(
    p_user_id       bigint,
    p_current_hash  text,
    p_new_hash      text,
    p_session_hash  bytea
)
RETURNS users
LANGUAGE plpgsql
AS $$
DECLARE
    v_user  users;
BEGIN
    -- the user's row first: a concurrent reset or change waits here, then finds the hash it verified against gone
    SELECT * INTO v_user FROM users WHERE id = p_user_id FOR UPDATE;
    IF NOT FOUND OR NOT v_user.is_active OR NOT EXISTS (
        SELECT 1 FROM sessions s
         WHERE s.token_hash = p_session_hash AND s.user_id = p_user_id
           AND s.revoked_at IS NULL AND s.expires_at > now()) THEN
        PERFORM raise_error('CB403', 'Only a signed-in user may change their password: sign in again');
    END IF;
    IF v_user.password_hash IS DISTINCT FROM p_current_hash THEN
        PERFORM raise_error('CB409', 'Your password was changed meanwhile, by an administrator or in another '
                                     'window: nothing was changed. Sign in again with the current one.');
    END IF;

    UPDATE users SET password_hash = p_new_hash, must_change_password = false
     WHERE id = v_user.id
    RETURNING * INTO v_user;
    UPDATE sessions SET revoked_at = now()
     WHERE user_id = v_user.id AND revoked_at IS NULL AND token_hash <> p_session_hash;
    -- the ticket says that it changed, never what to; its time is the other sessions' revoked_at (one now())
    PERFORM create_ticket('CHANGE_PASSWORD', v_user.id, 'user', v_user.id, NULL,
                          jsonb_build_object('username', v_user.username));
    RETURN v_user;
END;
$$;
