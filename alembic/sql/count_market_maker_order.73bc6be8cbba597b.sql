-- count_market_maker_order: trigger function (AFTER INSERT ON orders, market makers' orders only): adds the order's
-- quantity to the order rollups of the day, hour and five minutes it was placed in. With count_market_maker_fill
-- it keeps market_maker_rollups equal to what the orders and trades say, so the scorecard's placed, filled
-- and traded figures over a month read a few dozen rows instead of every order and its trades.
-- Runs inside place_order and settle_trade, under the book lock they hold (snapshots and pruning take it too).
CREATE OR REPLACE FUNCTION count_market_maker_order()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO market_maker_rollups AS r
        (bucket_start, grain, market_maker_id, certificate_type, placed_quantity, filled_quantity, traded_value_eur)
    SELECT snapshot_bucket(g, NEW.created_at), g, NEW.market_maker_id, NEW.certificate_type, NEW.quantity, 0, 0
      FROM unnest(snapshot_grains()) g
    ON CONFLICT (certificate_type, grain, bucket_start, market_maker_id) DO UPDATE
       SET placed_quantity = r.placed_quantity + excluded.placed_quantity;
    RETURN NULL;
END;
$$;
