-- liquidity_order_state: one row per order placed by a liquidity operation, with what became of it
-- (liquidity_order_share):
--   filled_eur       traded value of the order's own fills (orders.filled_amount: quantity x price of its trades);
--   resting_*        what an OPEN / PARTIALLY_FILLED order still offers (EUR at the order price);
--   withdrawn_*      what was still unfilled when the order was cancelled by a withdrawal;
--   cancelled_by_*   who cancelled it (orders.cancelled_by, since revision 0035; last, as CREATE OR REPLACE VIEW
--                    adds columns only after the others).
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
       o.filled_amount AS filled_eur,
       s.resting_quantity,
       s.resting_eur,
       s.withdrawn_quantity,
       s.withdrawn_eur,
       o.cancelled_by,
       u.username AS cancelled_by_name
FROM orders o
LEFT JOIN market_maker_clients m ON m.id = o.market_maker_id
LEFT JOIN users u ON u.id = o.cancelled_by
CROSS JOIN LATERAL liquidity_order_share(o) s
WHERE o.liquidity_operation_id IS NOT NULL;
