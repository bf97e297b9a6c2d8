-- create_user_account: an admin adds a user (a trader of a firm, an analyst or another admin) with a ticket.
-- The argon2 hash of its one-time password is computed by the caller; the password itself never reaches SQL. The
-- user must replace it with their own at first sign-in (must_change_password, cleared by change_own_password).
-- create_user (core.users) inserts directly for the first admin (core.cli) and the demo seed, which have no
-- acting admin.
CREATE OR REPLACE FUNCTION create_user_account(
    p_username       text,
    p_password_hash  text,
    p_role           user_role,
    p_entity_id      bigint,
    p_created_by     bigint
)
RETURNS users
LANGUAGE plpgsql
AS $$
DECLARE
    v_user  users;
BEGIN
    PERFORM require_admin(p_created_by, 'add users');
    IF p_role = 'TRADER' AND p_entity_id IS NULL THEN
        PERFORM raise_error('CB400', 'A trader must belong to a trader firm: choose one');
    ELSIF p_role <> 'TRADER' AND p_entity_id IS NOT NULL THEN
        PERFORM raise_error('CB400', format('An %s belongs to no trader firm', lower(p_role::text)));
    END IF;
    IF p_entity_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entities WHERE id = p_entity_id) THEN
        PERFORM raise_error('CB404', format('Trader firm %s does not exist', p_entity_id));
    END IF;
    PERFORM claim_username(p_username);

    -- the password was made for the user by someone else: they choose their own at first sign-in
    INSERT INTO users (username, password_hash, role, entity_id, must_change_password)
    VALUES (btrim(p_username), p_password_hash, p_role, p_entity_id, true)
    RETURNING * INTO v_user;
    PERFORM create_ticket('CREATE_USER', p_created_by, 'user', v_user.id, NULL,
        jsonb_build_object('username', v_user.username, 'role', v_user.role, 'entity_id', v_user.entity_id));
    RETURN v_user;
END;
$$;
