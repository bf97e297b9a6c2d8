-- deactivate_user: an admin switches a user off; the trigger users_deactivation_ends_sessions signs them out.
-- Refused for oneself; the trigger users_keep_an_active_admin refuses the last active admin.
CREATE OR REPLACE FUNCTION deactivate_user(p_user_id bigint, p_by bigint)
RETURNS users
LANGUAGE plpgsql
AS $$
DECLARE
    v_user  users := lock_user_for_change(p_user_id, p_by, 'deactivate users');
BEGIN
    IF v_user.id = p_by THEN
        PERFORM raise_error('CB409', 'You cannot deactivate yourself: another admin must do it');
    END IF;
    IF NOT v_user.is_active THEN
        PERFORM raise_error('CB409', format('User "%s" is already deactivated', v_user.username));
    END IF;

    UPDATE users SET is_active = false WHERE id = v_user.id RETURNING * INTO v_user;
    PERFORM create_ticket('DEACTIVATE_USER', p_by, 'user', v_user.id,
                          jsonb_build_object('is_active', true), jsonb_build_object('is_active', false));
    RETURN v_user;
END;
$$;
