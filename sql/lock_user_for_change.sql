-- lock_user_for_change: the user an admin is about to change, locked, after the acting admin is checked. Every
-- write on a user (deactivate_user, reactivate_user, reset_user_password) calls it first.
-- It locks the target, the acting admin and every active admin, in id order: two admins deactivating each other
-- at once queue on the same rows in the same order (no deadlock), and the second, once it holds them, sees the
-- first's commit, so "is another admin still active" and "is the acting admin still active" are exact.
CREATE OR REPLACE FUNCTION lock_user_for_change(p_user_id bigint, p_by bigint, p_action text)
RETURNS users
LANGUAGE plpgsql
AS $$
DECLARE
    v_user  users;
BEGIN
    PERFORM FROM (SELECT id FROM users
                   WHERE id IN (p_user_id, p_by) OR (role = 'ADMIN' AND is_active)
                   ORDER BY id FOR UPDATE) locked;
    PERFORM require_admin(p_by, p_action);
    SELECT * INTO v_user FROM users WHERE id = p_user_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('User %s does not exist', p_user_id));
    END IF;
    RETURN v_user;
END;
$$;
