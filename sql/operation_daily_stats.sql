-- operation_daily_stats: per UTC day of creation, the EUR the matching operations deployed on each side and
-- what of it has traded since (fill ratio of that day's liquidity). Without a ticket search it sums
-- liquidity_operation_days (kept per day, book and creator: the filters are its key); a ticket search picks
-- operations one by one, with their state from liquidity_operation_fills.
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
-- one plan, kept: the day tables are small enough to filter row by row, so re-planning for each call's values
-- would cost more than it saves
SET plan_cache_mode = force_generic_plan
AS $$
    SELECT d.day, sum(d.operations)::bigint, sum(d.bid), sum(d.ask), sum(d.filled),
           round(sum(d.filled) / nullif(sum(d.bid + d.ask), 0), 4)
    FROM (SELECT y.day, y.operations, y.deployed_bid_eur AS bid, y.deployed_ask_eur AS ask, y.filled_eur AS filled
            FROM liquidity_operation_days y
           WHERE p_ticket IS NULL
             AND (p_certificate_type IS NULL OR y.certificate_type = p_certificate_type)
             AND (p_date_from IS NULL OR y.day >= p_date_from)
             AND (p_date_to IS NULL OR y.day <= p_date_to)
             AND (p_created_by IS NULL OR y.created_by = p_created_by)
          UNION ALL
          SELECT (o.created_at AT TIME ZONE 'UTC')::date, 1, o.actual_bid_liquidity_eur, o.actual_ask_liquidity_eur,
                 f.filled_eur
            FROM filtered_operations(p_certificate_type, p_date_from, p_date_to, p_created_by, p_ticket) o
            JOIN liquidity_operation_fills f ON f.operation_id = o.id
           WHERE p_ticket IS NOT NULL) d
    GROUP BY d.day
    HAVING sum(d.operations) > 0
    ORDER BY d.day;
$$;
