-- operation_daily_stats: per UTC day of creation, the EUR the matching operations deployed on each side and
-- what of it has traded since (fill ratio of that day's liquidity). Set-based: one pass over the operations'
-- orders and their trades, instead of one lookup per order.
CREATE OR REPLACE FUNCTION operation_daily_stats(
    p_certificate_type  certificate_type,
    p_date_from         date,
    p_date_to           date,
    p_created_by        bigint,
    p_ticket            text
)
RETURNS TABLE (day date, operations bigint, deployed_bid_eur numeric, deployed_ask_eur numeric,
               filled_eur numeric, fill_ratio numeric)
LANGUAGE sql
STABLE
AS $$
    WITH ops AS (
        SELECT id, (created_at AT TIME ZONE 'UTC')::date AS day, actual_bid_liquidity_eur, actual_ask_liquidity_eur
        FROM filtered_operations(p_certificate_type, p_date_from, p_date_to, p_created_by, p_ticket)
    ), fills AS (
        -- an order id appears in trades only on its own side, so both joins together are its fills
        SELECT o.liquidity_operation_id AS id, sum(t.quantity * t.price) AS filled_eur
        FROM orders o
        JOIN (SELECT buy_order_id AS order_id, quantity, price FROM trades
              UNION ALL
              SELECT sell_order_id, quantity, price FROM trades) t ON t.order_id = o.id
        WHERE o.liquidity_operation_id IN (SELECT id FROM ops)
        GROUP BY o.liquidity_operation_id
    )
    SELECT ops.day,
           count(*),
           sum(ops.actual_bid_liquidity_eur),
           sum(ops.actual_ask_liquidity_eur),
           coalesce(sum(fills.filled_eur), 0),
           round(coalesce(sum(fills.filled_eur), 0)
                 / nullif(sum(ops.actual_bid_liquidity_eur + ops.actual_ask_liquidity_eur), 0), 4)
    FROM ops
    LEFT JOIN fills ON fills.id = ops.id
    GROUP BY ops.day
    ORDER BY ops.day;
$$;
