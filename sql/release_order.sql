-- release_order: close an open order as CANCELLED and give back exactly what it still holds
-- (orders.locked_amount: EUR for a BUY, certificates for a SELL), recording who cancelled it (p_created_by).
-- Internal: the caller holds the book lock and the row lock of the order's balance.
CREATE OR REPLACE FUNCTION release_order(p_order_id bigint, p_reason text, p_created_by bigint)
RETURNS orders
LANGUAGE plpgsql
AS $$
DECLARE
    o orders;
BEGIN
    SELECT * INTO o FROM orders WHERE id = p_order_id;
    IF o.locked_amount > 0 THEN
        PERFORM apply_balance_change(order_balance_id(o), 'UNLOCK', o.locked_amount, 'order', o.id, NULL,
                                     p_created_by);
    END IF;
    UPDATE orders SET status = 'CANCELLED', cancel_reason = p_reason, cancelled_by = p_created_by, locked_amount = 0,
                      updated_at = now()
     WHERE id = o.id
    RETURNING * INTO o;
    RETURN o;
END;
$$;
