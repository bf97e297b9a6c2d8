-- count_market_maker_fill: trigger function (AFTER INSERT ON trades): for each order of the trade that belongs to a
-- market maker, adds the fill (quantity, and EUR at the trade's price) to the order rollups of the buckets the
-- order was placed in, so a fill long after counts with the period its order was placed in. Self-trade prevention
-- means a market maker is never on both sides of one trade.
-- Runs inside place_order and settle_trade, under the book lock they hold (snapshots and pruning take it too).
CREATE OR REPLACE FUNCTION count_market_maker_fill()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO market_maker_rollups AS r
        (bucket_start, grain, market_maker_id, certificate_type, placed_quantity, filled_quantity, traded_value_eur)
    SELECT snapshot_bucket(g, o.created_at), g, o.market_maker_id, o.certificate_type, 0, NEW.quantity,
           NEW.price * NEW.quantity
      FROM orders o CROSS JOIN unnest(snapshot_grains()) g
     WHERE o.id IN (NEW.buy_order_id, NEW.sell_order_id) AND o.market_maker_id IS NOT NULL
    ON CONFLICT (certificate_type, grain, bucket_start, market_maker_id) DO UPDATE
       SET filled_quantity = r.filled_quantity + excluded.filled_quantity,
           traded_value_eur = r.traded_value_eur + excluded.traded_value_eur;
    RETURN NULL;
END;
$$;
