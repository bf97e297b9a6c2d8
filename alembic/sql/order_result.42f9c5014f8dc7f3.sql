-- order_result: one order with its fills (trades, oldest first), as JSON text: what submit_order and await_order
-- hand back for an order they placed. Numbers stay exact as JSON numbers (core reads them as Decimal).
CREATE OR REPLACE FUNCTION order_result(p_order_id bigint)
RETURNS text
LANGUAGE sql
STABLE
AS $$
    SELECT (to_jsonb(o) || jsonb_build_object('fills', coalesce(
               (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id) FROM trades t
                 WHERE (o.side = 'BUY' AND t.buy_order_id = o.id) OR (o.side = 'SELL' AND t.sell_order_id = o.id)),
               '[]')))::text
      FROM orders o
     WHERE o.id = p_order_id;
$$;
