-- liquidity_policy_orders: the orders a liquidity policy has resting on its book now, with the operation that
-- placed each (its reference price, spread multiplier, time) and what it offers (EUR at its price).
-- Reads go through the partial index of open liquidity orders, so its cost follows what rests, not history.
CREATE OR REPLACE VIEW liquidity_policy_orders AS
SELECT o.id,
       lo.policy_id,
       o.certificate_type,
       o.side,
       o.price,
       o.remaining_quantity,
       o.remaining_quantity * o.price AS resting_eur,
       o.locked_amount,
       o.market_maker_id,
       o.created_at,
       lo.id AS operation_id,
       lo.reference_price AS placed_reference,
       lo.price_source AS placed_price_source,
       lo.spread_multiplier AS placed_spread_multiplier,
       lo.created_at AS placed_at
FROM orders o
JOIN liquidity_operations lo ON lo.id = o.liquidity_operation_id
WHERE lo.policy_id IS NOT NULL
  AND o.liquidity_operation_id IS NOT NULL
  AND o.status IN ('OPEN', 'PARTIALLY_FILLED');
