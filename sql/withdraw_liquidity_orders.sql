-- withdraw_liquidity_orders: cancel the given liquidity orders that are still open (cancel_reason WITHDRAWAL)
-- and give back exactly what each still holds. Per liquidity operation: one WITHDRAW_LIQUIDITY ticket (with the
-- reason, when given) and one UNLOCK ledger row per balance row. Orders already filled or cancelled are left as
-- they are. The one home of "withdraw liquidity": withdraw_liquidity, policy runs and the kill switch call it.
--   Locks: the books of the orders in a fixed order (CEA before EUA), then the balance rows the open orders hold,
--   in id order (a caller already holding them just re-enters them).
CREATE OR REPLACE FUNCTION withdraw_liquidity_orders(p_order_ids bigint[], p_created_by bigint, p_reason text)
RETURNS TABLE (operation_id bigint, ticket_id text, orders_cancelled integer, eur_unlocked numeric,
               certificates_unlocked numeric)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_op           record;
    v_ticket       ticket_logs;
    v_unlock_ids   bigint[];
    v_unlock_sums  numeric[];
BEGIN
    PERFORM require_admin(p_created_by, 'withdraw liquidity');
    IF EXISTS (SELECT 1 FROM unnest(p_order_ids) AS u(id) LEFT JOIN orders o ON o.id = u.id
                WHERE o.liquidity_operation_id IS NULL) THEN
        PERFORM raise_error('CB400', 'Only orders placed by a liquidity operation can be withdrawn as liquidity');
    END IF;

    PERFORM 1 FROM markets
     WHERE certificate_type IN (SELECT o.certificate_type FROM orders o WHERE o.id = ANY (p_order_ids))
     ORDER BY certificate_type
       FOR UPDATE;
    PERFORM lock_balances(ARRAY(
        SELECT DISTINCT order_balance_id(o) FROM orders o
         WHERE o.id = ANY (p_order_ids) AND o.status IN ('OPEN', 'PARTIALLY_FILLED')));

    -- what the open orders still hold, read under the locks, per operation
    FOR v_op IN
        SELECT o.liquidity_operation_id AS id, array_agg(o.id ORDER BY o.id) AS order_ids,
               coalesce(sum(o.locked_amount) FILTER (WHERE o.side = 'BUY'), 0) AS eur,
               coalesce(sum(o.locked_amount) FILTER (WHERE o.side = 'SELL'), 0) AS certificates
          FROM orders o
         WHERE o.id = ANY (p_order_ids) AND o.status IN ('OPEN', 'PARTIALLY_FILLED')
         GROUP BY o.liquidity_operation_id
         ORDER BY o.liquidity_operation_id
    LOOP
        SELECT array_agg(balance_id ORDER BY balance_id), array_agg(amount ORDER BY balance_id)
          INTO v_unlock_ids, v_unlock_sums
          FROM (SELECT order_balance_id(o) AS balance_id, sum(o.locked_amount) AS amount
                  FROM orders o WHERE o.id = ANY (v_op.order_ids)
                 GROUP BY 1
                HAVING sum(o.locked_amount) > 0) per_balance;

        v_ticket := create_ticket('WITHDRAW_LIQUIDITY', p_created_by, 'liquidity_operation', v_op.id,
            jsonb_build_object('open_orders', v_op.order_ids, 'eur_locked', v_op.eur,
                               'certificates_locked', v_op.certificates),
            jsonb_strip_nulls(jsonb_build_object(
                'orders_cancelled', cardinality(v_op.order_ids), 'eur_unlocked', v_op.eur,
                'certificates_unlocked', v_op.certificates, 'reason', p_reason)));

        UPDATE orders SET status = 'CANCELLED', cancel_reason = 'WITHDRAWAL', locked_amount = 0, updated_at = now()
         WHERE id = ANY (v_op.order_ids);
        IF v_unlock_ids IS NOT NULL THEN
            PERFORM apply_balance_changes(v_unlock_ids, v_unlock_sums, 'UNLOCK', 'liquidity_operation', v_op.id,
                                          v_ticket.ticket_id, p_created_by);
        END IF;

        operation_id := v_op.id;
        ticket_id := v_ticket.ticket_id;
        orders_cancelled := cardinality(v_op.order_ids);
        eur_unlocked := v_op.eur;
        certificates_unlocked := v_op.certificates;
        RETURN NEXT;
    END LOOP;
END;
$$;
