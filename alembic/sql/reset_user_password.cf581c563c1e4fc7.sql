-- reset_user_password: an admin gives a user a new password (its argon2 hash, computed by the caller). Every
-- session of that user ends: whoever held the old password is out. The sign-in lockout of that username lifts,
-- so the user can sign in with the new password at once, and must then choose their own (must_change_password).
-- An admin cannot reset their own: a session left open somewhere must not be enough to take the account over.
CREATE OR REPLACE FUNCTION reset_user_password(p_user_id bigint, p_password_hash text, p_by bigint)
RETURNS users
LANGUAGE plpgsql
AS $$
DECLARE
    v_user  users := lock_user_for_change(p_user_id, p_by, 'reset passwords');
BEGIN
    IF v_user.id = p_by THEN
        PERFORM raise_error('CB409', 'You cannot reset your own password here: another admin must do it');
    END IF;

    UPDATE users SET password_hash = p_password_hash, must_change_password = true WHERE id = v_user.id RETURNING * INTO v_user;
    UPDATE sessions SET revoked_at = now() WHERE user_id = v_user.id AND revoked_at IS NULL;
    DELETE FROM login_failures WHERE username_key = lower(v_user.username);
    -- the ticket says that it changed, never what to
    PERFORM create_ticket('RESET_USER_PASSWORD', p_by, 'user', v_user.id, NULL,
                          jsonb_build_object('username', v_user.username));
    RETURN v_user;
END;
$$;
