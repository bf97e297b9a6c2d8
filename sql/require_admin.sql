-- require_admin: refuse (CB403) unless the user is an active admin. Core checks the role first; the stored
-- functions that only admins may call check it again, so calling them directly grants nothing more. An admin still
-- holding a one-time password (must_change_password) acts only once they chose their own.
CREATE OR REPLACE FUNCTION require_admin(p_user_id bigint, p_action text)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_must_change  boolean;
BEGIN
    SELECT must_change_password INTO v_must_change FROM users WHERE id = p_user_id AND role = 'ADMIN' AND is_active;
    IF NOT FOUND THEN
        PERFORM raise_error('CB403', format('Only active admins may %s', p_action));
    END IF;
    IF v_must_change THEN
        PERFORM raise_error('CB403', format('Choose your own password before you %s', p_action));
    END IF;
END;
$$;
