-- lock_market_maker_for_change: the market maker an admin is about to switch off or on, locked, after the acting
-- admin is checked. deactivate_market_maker and reactivate_market_maker call it first: its balance rows, in id order
-- (place_order takes them too, so no order can slip in meanwhile), then its row, so the two queue on one order.
CREATE OR REPLACE FUNCTION lock_market_maker_for_change(p_market_maker_id bigint, p_by bigint, p_action text)
RETURNS market_maker_clients
LANGUAGE plpgsql
AS $$
DECLARE
    mm  market_maker_clients;
BEGIN
    PERFORM require_admin(p_by, p_action);
    PERFORM lock_balances(ARRAY(SELECT id FROM balances WHERE market_maker_id = p_market_maker_id));
    SELECT * INTO mm FROM market_maker_clients WHERE id = p_market_maker_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Market maker %s does not exist', p_market_maker_id));
    END IF;
    RETURN mm;
END;
$$;
