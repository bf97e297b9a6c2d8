-- liquidity_operation_summary: one row per liquidity operation, its plan (targets, actuals, reference price)
-- next to the live state of its orders. The live part is a LATERAL aggregate over the operation's own orders
-- (index on orders.liquidity_operation_id), so reading one page of operations touches only that page's orders.
-- fill_ratio = filled EUR / actual EUR deployed (NULL when nothing was deployed). policy_id names the liquidity
-- policy whose run placed the operation (NULL for a manual Create Liquidity).
CREATE OR REPLACE VIEW liquidity_operation_summary AS
SELECT lo.id,
       lo.created_at,
       lo.ticket_id,
       lo.certificate_type,
       lo.reference_price,
       lo.price_source,
       lo.target_bid_liquidity_eur,
       lo.target_ask_liquidity_eur,
       lo.actual_bid_liquidity_eur,
       lo.actual_ask_liquidity_eur,
       lo.actual_bid_liquidity_eur + lo.actual_ask_liquidity_eur AS actual_total_eur,
       lo.market_makers_used,
       cardinality(lo.orders_created) AS orders_created,
       lo.created_by,
       u.username AS created_by_username,
       lo.notes,
       live.market_maker_names,
       live.open_orders,
       live.filled_eur,
       live.filled_bid_eur,
       live.filled_ask_eur,
       live.filled_quantity,
       live.resting_eur,
       live.resting_quantity,
       live.withdrawn_eur,
       live.withdrawn_quantity,
       round(live.filled_eur / nullif(lo.actual_bid_liquidity_eur + lo.actual_ask_liquidity_eur, 0), 4)
           AS fill_ratio,
       lo.policy_id
FROM liquidity_operations lo
JOIN users u ON u.id = lo.created_by
CROSS JOIN LATERAL (
    SELECT coalesce(array_agg(DISTINCT s.market_maker_name) FILTER (WHERE s.market_maker_name IS NOT NULL),
                    '{}') AS market_maker_names,
           count(*) FILTER (WHERE s.status IN ('OPEN', 'PARTIALLY_FILLED')) AS open_orders,
           coalesce(sum(s.filled_eur), 0) AS filled_eur,
           coalesce(sum(s.filled_eur) FILTER (WHERE s.side = 'BUY'), 0) AS filled_bid_eur,
           coalesce(sum(s.filled_eur) FILTER (WHERE s.side = 'SELL'), 0) AS filled_ask_eur,
           coalesce(sum(s.filled_quantity), 0) AS filled_quantity,
           coalesce(sum(s.resting_eur), 0) AS resting_eur,
           coalesce(sum(s.resting_quantity), 0) AS resting_quantity,
           coalesce(sum(s.withdrawn_eur), 0) AS withdrawn_eur,
           coalesce(sum(s.withdrawn_quantity), 0) AS withdrawn_quantity
    FROM liquidity_order_state s
    WHERE s.liquidity_operation_id = lo.id
) live;
