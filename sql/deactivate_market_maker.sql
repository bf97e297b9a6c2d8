-- deactivate_market_maker: retire a market maker; refused while it still has open orders.
CREATE OR REPLACE FUNCTION deactivate_market_maker(p_market_maker_id bigint, p_created_by bigint)
RETURNS market_maker_clients
LANGUAGE plpgsql
AS $$
DECLARE
    mm        market_maker_clients;
    v_open    bigint;
BEGIN
    mm := lock_market_maker_for_change(p_market_maker_id, p_created_by, 'deactivate market makers');
    IF NOT mm.is_active THEN
        PERFORM raise_error('CB409', format('Market maker "%s" is already deactivated', mm.name));
    END IF;
    SELECT count(*) INTO v_open FROM orders
     WHERE market_maker_id = mm.id AND status IN ('OPEN', 'PARTIALLY_FILLED');
    IF v_open > 0 THEN
        PERFORM raise_error('CB409', format(
            'Market maker "%s" has %s open %s: cancel or withdraw %s before deactivating', mm.name, v_open,
            CASE WHEN v_open = 1 THEN 'order' ELSE 'orders' END, CASE WHEN v_open = 1 THEN 'it' ELSE 'them' END));
    END IF;

    UPDATE market_maker_clients SET is_active = false, updated_at = now() WHERE id = mm.id RETURNING * INTO mm;
    PERFORM create_ticket('DEACTIVATE_MARKET_MAKER', p_created_by, 'market_maker', mm.id,
                          jsonb_build_object('is_active', true), jsonb_build_object('is_active', false));
    RETURN mm;
END;
$$;
