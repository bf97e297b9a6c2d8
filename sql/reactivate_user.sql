-- reactivate_user: an admin switches a deactivated user back on. Their old sessions stay ended (the deactivation
-- revoked them); they sign in again with their password.
CREATE OR REPLACE FUNCTION reactivate_user(p_user_id bigint, p_by bigint)
RETURNS users
LANGUAGE plpgsql
AS $$
DECLARE
    v_user  users := lock_user_for_change(p_user_id, p_by, 'reactivate users');
BEGIN
    IF v_user.is_active THEN
        PERFORM raise_error('CB409', format('User "%s" is already active', v_user.username));
    END IF;

    UPDATE users SET is_active = true WHERE id = v_user.id RETURNING * INTO v_user;
    PERFORM create_ticket('REACTIVATE_USER', p_by, 'user', v_user.id,
                          jsonb_build_object('is_active', false), jsonb_build_object('is_active', true));
    RETURN v_user;
END;
$$;
