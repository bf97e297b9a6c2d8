-- adjust_liquidity_state: add the changes of liquidity orders (liquidity_order_changes) to the state kept for the
-- Operations page, so that its reads sum a few rows instead of every order and trade:
--   liquidity_operation_fills   per operation: open orders, filled (EUR by side, certificates), resting,
--                               withdrawn, the market makers of its orders; fill_ratio over its actuals;
--   liquidity_operation_days    per UTC day of creation, book and creator: the EUR filled (its operations and
--                               actuals come from adjust_liquidity_operations);
--   liquidity_resting_days      per day, book, creator, market maker and side: what still rests (rows with
--                               nothing left are deleted).
-- p_membership_changed: orders were inserted or deleted, so the market makers of their operations are read again.
-- One statement: the changes are worked out once and land on the three tables. Called by track_order_changes,
-- under the book lock every writer of orders holds.
CREATE OR REPLACE FUNCTION adjust_liquidity_state(p_new orders[], p_old orders[], p_membership_changed boolean)
RETURNS void
LANGUAGE sql
AS $$
    WITH c AS MATERIALIZED (
        SELECT * FROM liquidity_order_changes(p_new, p_old)
    ), per_operation AS (
    MERGE INTO liquidity_operation_fills f
    USING (SELECT c.operation_id, sum(c.sign * c.open_orders)::integer AS open_orders,
                  sum(c.sign * c.filled_bid_eur) AS filled_bid_eur, sum(c.sign * c.filled_ask_eur) AS filled_ask_eur,
                  sum(c.sign * c.filled_quantity)::bigint AS filled_quantity, sum(c.sign * c.resting_eur) AS resting_eur,
                  sum(c.sign * c.resting_quantity)::bigint AS resting_quantity,
                  sum(c.sign * c.withdrawn_eur) AS withdrawn_eur,
                  sum(c.sign * c.withdrawn_quantity)::bigint AS withdrawn_quantity
             FROM c
            GROUP BY c.operation_id) d
       ON f.operation_id = d.operation_id
     WHEN MATCHED THEN
          UPDATE SET open_orders = f.open_orders + d.open_orders,
                     filled_bid_eur = f.filled_bid_eur + d.filled_bid_eur,
                     filled_ask_eur = f.filled_ask_eur + d.filled_ask_eur,
                     filled_quantity = f.filled_quantity + d.filled_quantity,
                     resting_eur = f.resting_eur + d.resting_eur,
                     resting_quantity = f.resting_quantity + d.resting_quantity,
                     withdrawn_eur = f.withdrawn_eur + d.withdrawn_eur,
                     withdrawn_quantity = f.withdrawn_quantity + d.withdrawn_quantity,
                     market_maker_ids = CASE WHEN p_membership_changed THEN ARRAY(
                         SELECT DISTINCT o.market_maker_id FROM orders o
                          WHERE o.liquidity_operation_id = f.operation_id AND o.market_maker_id IS NOT NULL
                          ORDER BY 1) ELSE f.market_maker_ids END
     WHEN NOT MATCHED THEN
          INSERT (operation_id, actual_total_eur, market_maker_ids, open_orders, filled_bid_eur, filled_ask_eur,
                  filled_quantity, resting_eur, resting_quantity, withdrawn_eur, withdrawn_quantity)
          VALUES (d.operation_id,
                  (SELECT lo.actual_bid_liquidity_eur + lo.actual_ask_liquidity_eur
                     FROM liquidity_operations lo WHERE lo.id = d.operation_id),
                  ARRAY(SELECT DISTINCT o.market_maker_id FROM orders o
                         WHERE o.liquidity_operation_id = d.operation_id AND o.market_maker_id IS NOT NULL ORDER BY 1),
                  d.open_orders, d.filled_bid_eur, d.filled_ask_eur, d.filled_quantity, d.resting_eur,
                  d.resting_quantity, d.withdrawn_eur, d.withdrawn_quantity)
    RETURNING f.operation_id
    ), per_day AS (
    MERGE INTO liquidity_operation_days y
    USING (SELECT c.day, c.certificate_type, c.created_by,
                  sum(c.sign * (c.filled_bid_eur + c.filled_ask_eur)) AS filled_eur
             FROM c
            GROUP BY 1, 2, 3
           HAVING sum(c.sign * (c.filled_bid_eur + c.filled_ask_eur)) <> 0) d
       ON y.day = d.day AND y.certificate_type = d.certificate_type AND y.created_by = d.created_by
     WHEN MATCHED THEN
          UPDATE SET filled_eur = y.filled_eur + d.filled_eur
     WHEN NOT MATCHED THEN
          INSERT (day, certificate_type, created_by, operations, deployed_bid_eur, deployed_ask_eur, filled_eur)
          VALUES (d.day, d.certificate_type, d.created_by, 0, 0, 0, d.filled_eur)
    RETURNING y.day
    )
    MERGE INTO liquidity_resting_days r
    USING (SELECT c.day, c.certificate_type, c.created_by, c.market_maker_id, c.side,
                  sum(c.sign * c.resting_eur) AS resting_eur, sum(c.sign * c.resting_quantity)::bigint AS resting_quantity,
                  sum(c.sign * c.open_orders)::integer AS open_orders
             FROM c
            WHERE c.market_maker_id IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5
           HAVING sum(c.sign * c.resting_quantity) <> 0 OR sum(c.sign * c.open_orders) <> 0) d
       ON r.day = d.day AND r.certificate_type = d.certificate_type AND r.created_by = d.created_by
      AND r.market_maker_id = d.market_maker_id AND r.side = d.side
     WHEN MATCHED AND r.open_orders + d.open_orders = 0 AND r.resting_quantity + d.resting_quantity = 0 THEN
          DELETE
     WHEN MATCHED THEN
          UPDATE SET resting_eur = r.resting_eur + d.resting_eur, resting_quantity = r.resting_quantity + d.resting_quantity,
                     open_orders = r.open_orders + d.open_orders
     WHEN NOT MATCHED THEN
          INSERT (day, certificate_type, created_by, market_maker_id, side, resting_eur, resting_quantity, open_orders)
          VALUES (d.day, d.certificate_type, d.created_by, d.market_maker_id, d.side, d.resting_eur,
                  d.resting_quantity, d.open_orders);
$$;
