-- liquidity_operation_summary: one row per liquidity operation, its plan (targets, actuals, reference price)
-- next to the live state of its orders, read from liquidity_operation_fills (kept by track_order_changes), so a
-- row costs a primary-key lookup however many orders and trades the operation has.
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
       ARRAY(SELECT m.name FROM market_maker_clients m WHERE m.id = ANY (f.market_maker_ids) ORDER BY m.name)
           AS market_maker_names,
       f.open_orders,
       f.filled_eur,
       f.filled_bid_eur,
       f.filled_ask_eur,
       f.filled_quantity,
       f.resting_eur,
       f.resting_quantity,
       f.withdrawn_eur,
       f.withdrawn_quantity,
       f.fill_ratio,
       lo.policy_id
FROM liquidity_operations lo
JOIN users u ON u.id = lo.created_by
JOIN liquidity_operation_fills f ON f.operation_id = lo.id;
