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
    -- an admin cancelling for a market maker is an admin write (withdrawals ticket themselves)
    IF o.market_maker_id IS NOT NULL AND p_reason = 'USER' THEN
        PERFORM create_ticket('CANCEL_ORDER', p_cancelled_by, 'order', o.id,
            jsonb_build_object('status', o.status, 'remaining_quantity', o.remaining_quantity,
                               'locked_amount', o.locked_amount),
            jsonb_build_object('status', 'CANCELLED', 'remaining_quantity', o.remaining_quantity,
                               'locked_amount', 0));
    END IF;
    RETURN release_order(o.id, p_reason, p_cancelled_by);
END;
$$;
