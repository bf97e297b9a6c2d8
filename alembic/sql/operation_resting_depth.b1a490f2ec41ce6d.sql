-- operation_resting_depth: the liquidity the matching operations still have on the book, per market maker
-- and side (EUR at order prices, and certificates).
CREATE OR REPLACE FUNCTION operation_resting_depth(
    p_certificate_type  certificate_type,
    p_date_from         date,
    p_date_to           date,
    p_created_by        bigint,
    p_ticket            text
)
RETURNS TABLE (market_maker_id bigint, market_maker_name text, side order_side, resting_eur numeric,
               resting_quantity bigint, open_orders bigint)
LANGUAGE sql
STABLE
AS $$
    SELECT o.market_maker_id, m.name, o.side,
           sum(o.remaining_quantity * o.price), sum(o.remaining_quantity)::bigint, count(*)
    FROM orders o
    JOIN market_maker_clients m ON m.id = o.market_maker_id
    WHERE o.status IN ('OPEN', 'PARTIALLY_FILLED')
      AND o.liquidity_operation_id IN (
          SELECT id FROM filtered_operations(p_certificate_type, p_date_from, p_date_to, p_created_by, p_ticket))
    GROUP BY o.market_maker_id, m.name, o.side
    ORDER BY m.name, o.side;
$$;
