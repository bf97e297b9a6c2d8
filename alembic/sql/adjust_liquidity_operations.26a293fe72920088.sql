-- adjust_liquidity_operations: add created, changed or deleted liquidity operations to the state kept for the
-- Operations page: each operation counts in with its new row and out with its old one.
--   liquidity_operation_days: operations and EUR deployed per UTC day of creation, book and creator (with the EUR
--   filled of an operation that moves or goes); a day with nothing left is deleted;
--   liquidity_operation_fills: one row per operation, holding its actual total (the fill ratio's denominator).
-- Called by track_liquidity_operations, whichever function writes the operations.
CREATE OR REPLACE FUNCTION adjust_liquidity_operations(p_new liquidity_operations[], p_old liquidity_operations[])
RETURNS void
LANGUAGE sql
AS $$
    MERGE INTO liquidity_operation_days y
    USING (SELECT ((c.op).created_at AT TIME ZONE 'UTC')::date AS day, (c.op).certificate_type, (c.op).created_by,
                  sum(c.sign)::integer AS operations, sum(c.sign * (c.op).actual_bid_liquidity_eur) AS bid,
                  sum(c.sign * (c.op).actual_ask_liquidity_eur) AS ask, sum(c.sign * coalesce(f.filled_eur, 0)) AS filled
             FROM (SELECT 1 AS sign, n AS op FROM unnest(p_new) n
                   UNION ALL
                   SELECT -1, o FROM unnest(p_old) o) c
             LEFT JOIN liquidity_operation_fills f ON f.operation_id = (c.op).id
            GROUP BY 1, 2, 3) d
       ON y.day = d.day AND y.certificate_type = d.certificate_type AND y.created_by = d.created_by
     WHEN MATCHED AND y.operations + d.operations = 0 AND y.deployed_bid_eur + d.bid = 0
                  AND y.deployed_ask_eur + d.ask = 0 AND y.filled_eur + d.filled = 0 THEN
          DELETE
     WHEN MATCHED THEN
          UPDATE SET operations = y.operations + d.operations, deployed_bid_eur = y.deployed_bid_eur + d.bid,
                     deployed_ask_eur = y.deployed_ask_eur + d.ask, filled_eur = y.filled_eur + d.filled
     WHEN NOT MATCHED THEN
          INSERT (day, certificate_type, created_by, operations, deployed_bid_eur, deployed_ask_eur, filled_eur)
          VALUES (d.day, d.certificate_type, d.created_by, d.operations, d.bid, d.ask, d.filled);

    MERGE INTO liquidity_operation_fills f
    USING (SELECT coalesce(n.id, o.id) AS id, n.actual_bid_liquidity_eur + n.actual_ask_liquidity_eur AS total,
                  n.id IS NULL AS gone
             FROM unnest(p_new) n FULL JOIN unnest(p_old) o ON o.id = n.id) d
       ON f.operation_id = d.id
     WHEN MATCHED AND d.gone THEN
          DELETE
     WHEN MATCHED AND f.actual_total_eur <> d.total THEN
          UPDATE SET actual_total_eur = d.total
     WHEN NOT MATCHED AND NOT d.gone THEN
          INSERT (operation_id, actual_total_eur) VALUES (d.id, d.total);
$$;
