-- require_admin: refuse (CB403) unless the user is an active admin. Core checks the role first; the stored
-- functions that only admins may call check it again, so calling them directly grants nothing more.
CREATE OR REPLACE FUNCTION require_admin(p_user_id bigint, p_action text)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users WHERE id = p_user_id AND role = 'ADMIN' AND is_active) THEN
        PERFORM raise_error('CB403', format('Only active admins may %s', p_action));
    END IF;
END;
$$;
