-- begin_policy_run: the locks of one run of a book's liquidity policy, in the order every liquidity write takes
-- them: the acting admin's lock, the book, the policy row, then every balance row the run may touch (the side
-- accounts of every active market maker, and the accounts the policy's resting orders lock), sorted by id.
-- Returns the balance ids it locked: the run plans with those market makers only, so it never locks a row late.
-- Everything the run reads afterwards (its resting orders, the book, the kill switch) is read under these locks,
-- so two runs of one policy at the same moment, from any processes, queue here and the second sees the first.
CREATE OR REPLACE FUNCTION begin_policy_run(p_certificate_type certificate_type, p_acting_admin bigint)
RETURNS bigint[]
LANGUAGE plpgsql
AS $$
DECLARE
    v_policy_id  bigint;
    v_ids        bigint[];
BEGIN
    PERFORM require_admin(p_acting_admin, 'run a liquidity policy');
    PERFORM lock_acting_admin(p_acting_admin);
    PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR UPDATE;
    SELECT id INTO v_policy_id FROM liquidity_policies WHERE certificate_type = p_certificate_type FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('There is no %s liquidity policy yet: save one first', p_certificate_type));
    END IF;
    v_ids := ARRAY(
        SELECT b.id
          FROM market_maker_clients m
          JOIN balances b ON b.market_maker_id = m.id
                         AND b.asset = order_asset(market_maker_side(m.mm_type), p_certificate_type)
         WHERE m.is_active
        UNION
        SELECT balance_id_for(p.market_maker_id, NULL, order_asset(p.side, p.certificate_type))
          FROM liquidity_policy_orders p
         WHERE p.policy_id = v_policy_id
        ORDER BY 1);
    PERFORM lock_balances(v_ids);
    RETURN v_ids;
END;
$$;
