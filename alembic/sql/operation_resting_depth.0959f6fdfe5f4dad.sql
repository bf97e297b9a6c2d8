-- operation_resting_depth: the liquidity the matching operations still have on the book, per market maker
-- and side (EUR at order prices, and certificates). Without a ticket search it sums liquidity_resting_days (kept
-- per day, book, creator, market maker and side); a ticket search reads the matching operations' open orders.
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
-- one plan, kept: the day tables are small enough to filter row by row, so re-planning for each call's values
-- would cost more than it saves
SET plan_cache_mode = force_generic_plan
AS $$
    -- summed per market maker and side first, named after: the names join a handful of sums, not every day row
    SELECT t.market_maker_id, m.name, t.side, t.resting_eur, t.resting_quantity, t.open_orders
    FROM (SELECT r.market_maker_id, r.side, sum(r.resting_eur) AS resting_eur,
                 sum(r.resting_quantity)::bigint AS resting_quantity, sum(r.open_orders)::bigint AS open_orders
            FROM (SELECT y.market_maker_id, y.side, y.resting_eur, y.resting_quantity, y.open_orders
                    FROM liquidity_resting_days y
                   WHERE p_ticket IS NULL
                     AND (p_certificate_type IS NULL OR y.certificate_type = p_certificate_type)
                     AND (p_date_from IS NULL OR y.day >= p_date_from)
                     AND (p_date_to IS NULL OR y.day <= p_date_to)
                     AND (p_created_by IS NULL OR y.created_by = p_created_by)
                  UNION ALL
                  SELECT s.market_maker_id, s.side, s.resting_eur, s.resting_quantity, 1
                    FROM liquidity_order_state s
                   WHERE p_ticket IS NOT NULL AND s.status IN ('OPEN', 'PARTIALLY_FILLED')
                     AND s.liquidity_operation_id IN (
                         SELECT id
                           FROM filtered_operations(p_certificate_type, p_date_from, p_date_to, p_created_by, p_ticket))
                 ) r
           GROUP BY r.market_maker_id, r.side) t
    JOIN market_maker_clients m ON m.id = t.market_maker_id
    ORDER BY m.name, t.side;
$$;
