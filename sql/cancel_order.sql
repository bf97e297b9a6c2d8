-- cancel_order: cancel an open order and unlock exactly what it still holds. p_reason is USER for a
-- person's cancel; the liquidity tools pass WITHDRAWAL or DEACTIVATION.
CREATE OR REPLACE FUNCTION cancel_order(p_order_id bigint, p_cancelled_by bigint, p_reason text DEFAULT 'USER')
RETURNS orders
LANGUAGE plpgsql
AS $$
DECLARE
    o orders;
BEGIN
    SELECT * INTO o FROM orders WHERE id = p_order_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Order %s does not exist', p_order_id));
    END IF;
    -- the book lock first (orders change only under it), then the one balance row the order holds
    PERFORM 1 FROM markets WHERE certificate_type = o.certificate_type FOR UPDATE;
    PERFORM lock_balances(ARRAY[order_balance_id(o)]);
    SELECT * INTO o FROM orders WHERE id = p_order_id;
    IF o.status NOT IN ('OPEN', 'PARTIALLY_FILLED') THEN
        PERFORM raise_error('CB409', format('Order %s is already %s: there is nothing left to cancel',
                                            o.id, lower(o.status::text)));
    END IF;
    RETURN release_order(o.id, p_reason, p_cancelled_by);
END;
$$;
