-- liquidity_order_state: one row per order placed by a liquidity operation, with what became of it.
--   filled_eur       traded value (trade quantity × trade price) of the order's own fills;
--   resting_*        what an OPEN / PARTIALLY_FILLED order still offers (EUR at the order price);
--   withdrawn_*      what was still unfilled when the order was cancelled by a withdrawal.
-- Fills are read from trades on the order's own side, so a trade between two liquidity orders counts once
-- for each of them, on its side.
CREATE OR REPLACE VIEW liquidity_order_state AS
SELECT o.id,
       o.liquidity_operation_id,
       o.liquidity_level,
       o.market_maker_id,
       m.name AS market_maker_name,
       o.certificate_type,
       o.side,
       o.price,
       o.quantity,
       o.filled_quantity,
       o.remaining_quantity,
       o.status,
       o.cancel_reason,
       o.created_at,
       o.updated_at,
       fills.filled_eur,
       CASE WHEN o.status IN ('OPEN', 'PARTIALLY_FILLED') THEN o.remaining_quantity ELSE 0 END AS resting_quantity,
       CASE WHEN o.status IN ('OPEN', 'PARTIALLY_FILLED') THEN o.remaining_quantity * o.price ELSE 0 END
           AS resting_eur,
       CASE WHEN o.cancel_reason = 'WITHDRAWAL' THEN o.remaining_quantity ELSE 0 END AS withdrawn_quantity,
       CASE WHEN o.cancel_reason = 'WITHDRAWAL' THEN o.remaining_quantity * o.price ELSE 0 END AS withdrawn_eur
FROM orders o
LEFT JOIN market_maker_clients m ON m.id = o.market_maker_id
-- computed once per order; each branch is gated on the side, so only one trades index is probed
CROSS JOIN LATERAL (
    SELECT coalesce(sum(t.quantity * t.price), 0) AS filled_eur
    FROM (SELECT quantity, price FROM trades WHERE o.side = 'BUY' AND buy_order_id = o.id
          UNION ALL
          SELECT quantity, price FROM trades WHERE o.side = 'SELL' AND sell_order_id = o.id) t
) fills
WHERE o.liquidity_operation_id IS NOT NULL;
