-- withdraw_liquidity: cancel every still-open order of one liquidity operation (cancel_reason WITHDRAWAL)
-- and give back exactly what each still holds: one UNLOCK ledger row per balance row, one ticket
-- (withdraw_liquidity_orders does the work). Filled and already cancelled orders stay as they are.
CREATE OR REPLACE FUNCTION withdraw_liquidity(p_operation_id bigint, p_created_by bigint)
RETURNS TABLE (operation_id bigint, ticket_id text, orders_cancelled integer, eur_unlocked numeric,
               certificates_unlocked numeric)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_op  liquidity_operations;
BEGIN
    PERFORM require_admin(p_created_by, 'withdraw liquidity');
    SELECT * INTO v_op FROM liquidity_operations WHERE id = p_operation_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Liquidity operation %s does not exist', p_operation_id));
    END IF;

    -- the book lock first: which orders are still open is decided under it
    PERFORM 1 FROM markets WHERE certificate_type = v_op.certificate_type FOR UPDATE;
    IF NOT EXISTS (SELECT 1 FROM orders o
                    WHERE o.liquidity_operation_id = v_op.id AND o.status IN ('OPEN', 'PARTIALLY_FILLED')) THEN
        PERFORM raise_error('CB409', format(
            'Liquidity operation %s has no open orders left to withdraw: they were filled, cancelled or '
            'withdrawn already', v_op.ticket_id));  -- its ticket, as every page names it
    END IF;

    RETURN QUERY
        SELECT w.* FROM withdraw_liquidity_orders(
            ARRAY(SELECT o.id FROM orders o
                   WHERE o.liquidity_operation_id = v_op.id AND o.status IN ('OPEN', 'PARTIALLY_FILLED')),
            p_created_by, NULL) w;
END;
$$;
