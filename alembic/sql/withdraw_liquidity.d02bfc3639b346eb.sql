-- withdraw_liquidity: cancel every still-open order of one liquidity operation (cancel_reason WITHDRAWAL)
-- and give back exactly what each still holds: one UNLOCK ledger row per balance row, one ticket.
-- Filled and already cancelled orders stay as they are.
CREATE OR REPLACE FUNCTION withdraw_liquidity(p_operation_id bigint, p_created_by bigint)
RETURNS TABLE (operation_id bigint, ticket_id text, orders_cancelled integer, eur_unlocked numeric,
               certificates_unlocked numeric)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_op           liquidity_operations;
    v_ticket       ticket_logs;
    v_order_ids    bigint[];
    v_unlock_ids   bigint[];
    v_unlock_sums  numeric[];
    v_eur          numeric;
    v_certs        numeric;
BEGIN
    PERFORM require_admin(p_created_by, 'withdraw liquidity');
    SELECT * INTO v_op FROM liquidity_operations WHERE id = p_operation_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Liquidity operation %s does not exist', p_operation_id));
    END IF;

    -- the book lock first (orders change only under it), then the balance rows the open orders hold, in id order
    PERFORM 1 FROM markets WHERE certificate_type = v_op.certificate_type FOR UPDATE;
    PERFORM lock_balances(ARRAY(
        SELECT DISTINCT order_balance_id(o) FROM orders o
         WHERE o.liquidity_operation_id = v_op.id AND o.status IN ('OPEN', 'PARTIALLY_FILLED')));

    -- what the open orders still hold, read under the locks, per balance row
    SELECT array_agg(o.id ORDER BY o.id),
           coalesce(sum(o.locked_amount) FILTER (WHERE o.side = 'BUY'), 0),
           coalesce(sum(o.locked_amount) FILTER (WHERE o.side = 'SELL'), 0)
      INTO v_order_ids, v_eur, v_certs
      FROM orders o
     WHERE o.liquidity_operation_id = v_op.id AND o.status IN ('OPEN', 'PARTIALLY_FILLED');
    IF v_order_ids IS NULL THEN
        PERFORM raise_error('CB409', format(
            'Liquidity operation %s has no open orders left to withdraw: they were filled, cancelled or '
            'withdrawn already', v_op.id));
    END IF;
    SELECT array_agg(balance_id ORDER BY balance_id), array_agg(amount ORDER BY balance_id)
      INTO v_unlock_ids, v_unlock_sums
      FROM (SELECT order_balance_id(o) AS balance_id, sum(o.locked_amount) AS amount
              FROM orders o WHERE o.id = ANY (v_order_ids)
             GROUP BY 1
            HAVING sum(o.locked_amount) > 0) per_balance;

    v_ticket := create_ticket('WITHDRAW_LIQUIDITY', p_created_by, 'liquidity_operation', v_op.id,
        jsonb_build_object('open_orders', v_order_ids, 'eur_locked', v_eur, 'certificates_locked', v_certs),
        jsonb_build_object('orders_cancelled', cardinality(v_order_ids), 'eur_unlocked', v_eur,
                           'certificates_unlocked', v_certs));

    UPDATE orders SET status = 'CANCELLED', cancel_reason = 'WITHDRAWAL', locked_amount = 0, updated_at = now()
     WHERE id = ANY (v_order_ids);
    IF v_unlock_ids IS NOT NULL THEN
        PERFORM apply_balance_changes(v_unlock_ids, v_unlock_sums, 'UNLOCK', 'liquidity_operation', v_op.id,
                                      v_ticket.ticket_id, p_created_by);
    END IF;

    RETURN QUERY SELECT v_op.id, v_ticket.ticket_id::text, cardinality(v_order_ids), v_eur, v_certs;
END;
$$;
