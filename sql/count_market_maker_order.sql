-- count_market_maker_order: trigger function (AFTER INSERT ON orders, once per statement, the inserted rows in
-- the transition table inserted_orders): notes each market maker's order as a market-maker order event, stamped
-- with when it was placed. With count_market_maker_fill it records every change to what market makers placed and
-- filled as one small row; the next snapshot of the book folds them into market_maker_rollups
-- (fold_market_maker_orders), so matching pays one insert per statement, not a rollup update per grain, and a
-- liquidity operation placing hundreds of orders pays one statement for all of them.
CREATE OR REPLACE FUNCTION count_market_maker_order()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO market_maker_order_events (certificate_type, market_maker_id, placed_at, placed_quantity)
    SELECT certificate_type, market_maker_id, created_at, quantity
      FROM inserted_orders
     WHERE market_maker_id IS NOT NULL;
    RETURN NULL;
END;
$$;
