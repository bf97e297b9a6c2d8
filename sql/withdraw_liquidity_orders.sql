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
    v_order_ids    bigint[];
    v_operations   bigint[];
    v_balance_ids  bigint[];
    v_sides        order_side[];
    v_locked       numeric[];
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
    -- the open orders, read once under the book locks, each with the balance row its lock lives on
    SELECT array_agg(o.id ORDER BY o.id), array_agg(o.liquidity_operation_id ORDER BY o.id),
           array_agg(b.id ORDER BY o.id), array_agg(o.side ORDER BY o.id),
           array_agg(o.locked_amount ORDER BY o.id)
      INTO v_order_ids, v_operations, v_balance_ids, v_sides, v_locked
      FROM orders o
      -- a liquidity order belongs to a market maker: its lock's row by that unique key (a join, not a call per order)
      JOIN balances b ON b.market_maker_id = o.market_maker_id AND b.asset = order_asset(o.side, o.certificate_type)
     WHERE o.id = ANY (p_order_ids) AND o.status IN ('OPEN', 'PARTIALLY_FILLED');
    IF v_order_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM lock_balances(v_balance_ids);

    -- per operation, what its open orders still hold: EUR to the cent, certificates whole, as every ticket writes
    -- them (the lock column holds both at two decimals: the ticket read "certificates_locked": 7.00, "eur_locked": 0)
    FOR v_op IN
        SELECT u.operation AS id, array_agg(u.order_id ORDER BY u.order_id) AS order_ids,
               round(coalesce(sum(u.locked) FILTER (WHERE u.side = 'BUY'), 0), 2) AS eur,
               coalesce(sum(u.locked) FILTER (WHERE u.side = 'SELL'), 0)::bigint AS certificates
          FROM unnest(v_order_ids, v_operations, v_sides, v_locked) AS u(order_id, operation, side, locked)
         GROUP BY u.operation
         ORDER BY u.operation
    LOOP
        SELECT array_agg(balance_id ORDER BY balance_id), array_agg(amount ORDER BY balance_id)
          INTO v_unlock_ids, v_unlock_sums
          FROM (SELECT u.balance_id, sum(u.locked) AS amount
                  FROM unnest(v_balance_ids, v_operations, v_locked) AS u(balance_id, operation, locked)
                 WHERE u.operation = v_op.id
                 GROUP BY u.balance_id
                HAVING sum(u.locked) > 0) per_balance;

        v_ticket := create_ticket('WITHDRAW_LIQUIDITY', p_created_by, 'liquidity_operation', v_op.id,
            jsonb_build_object('open_orders', v_op.order_ids, 'eur_locked', v_op.eur,
                               'certificates_locked', v_op.certificates),
            jsonb_strip_nulls(jsonb_build_object(
                'orders_cancelled', cardinality(v_op.order_ids), 'eur_unlocked', v_op.eur,
                'certificates_unlocked', v_op.certificates, 'reason', p_reason)));

        UPDATE orders SET status = 'CANCELLED', cancel_reason = 'WITHDRAWAL', cancelled_by = p_created_by,
                          locked_amount = 0, updated_at = now()
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
