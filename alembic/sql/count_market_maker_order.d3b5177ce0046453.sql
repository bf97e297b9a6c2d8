-- count_market_maker_order: trigger function (AFTER INSERT ON orders, market makers' orders only): notes the
-- order's quantity as a market-maker order event, stamped with when it was placed. With count_market_maker_fill
-- it records every change to what market makers placed and filled as one small row; the next snapshot of the
-- book folds them into market_maker_rollups (fold_market_maker_orders), so matching pays one insert, not a rollup
-- update per grain. Runs inside place_order, under the book lock it holds.
CREATE OR REPLACE FUNCTION count_market_maker_order()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO market_maker_order_events (certificate_type, market_maker_id, placed_at, placed_quantity)
    VALUES (NEW.certificate_type, NEW.market_maker_id, NEW.created_at, NEW.quantity);
    RETURN NULL;
END;
$$;
