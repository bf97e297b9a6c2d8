-- acting_account: the account a user trades for, the one rule for who may trade for whom: a trader for its own
-- entity, an admin for the market maker it names; nobody else (CB403, or CB400 for an admin who names none).
-- A user still holding a one-time password (must_change_password) trades only once they chose their own.
-- Returns the user and the account (market_maker_id or entity_id). core.orders.acting_account asks it;
-- enter_order asks it in the same statement that places the order.
CREATE OR REPLACE FUNCTION acting_account(p_user_id bigint, p_market_maker_id bigint, p_action text)
RETURNS TABLE (id bigint, username text, role user_role, entity_id bigint, is_active boolean,
               created_at timestamptz, last_login_at timestamptz, account_market_maker_id bigint,
               account_entity_id bigint)
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE users.id = p_user_id;
    IF NOT FOUND OR NOT u.is_active THEN
        PERFORM raise_error('CB403', format('Only an active signed-in user may %s', p_action));
    END IF;
    IF u.must_change_password THEN
        PERFORM raise_error('CB403', format('Choose your own password before you %s', p_action));
    END IF;
    IF u.role NOT IN ('ADMIN', 'TRADER') THEN
        PERFORM raise_error('CB403', format('Only admins or traders may %s; you are signed in as %s',
                                            p_action, lower(u.role::text)));
    END IF;
    IF u.role = 'TRADER' AND p_market_maker_id IS NOT NULL THEN
        PERFORM raise_error('CB403', format('Traders %s for their own entity only, not for a market maker', p_action));
    END IF;
    IF u.role = 'ADMIN' AND p_market_maker_id IS NULL THEN
        PERFORM raise_error('CB400', format('Admins %s for a market maker: choose which one', p_action));
    END IF;
    RETURN QUERY SELECT u.id, u.username, u.role, u.entity_id, u.is_active, u.created_at, u.last_login_at,
                        p_market_maker_id, CASE WHEN p_market_maker_id IS NULL THEN u.entity_id END;
END;
$$;
