-- count_market_maker_fill: trigger function (AFTER INSERT ON trades, once per statement, the new trades in the
-- transition table inserted_trades): for each order of a trade that belongs to a market maker, notes the fill
-- (quantity, and EUR at the trade's price) as an event stamped with when that order was placed, so a fill long
-- after counts with the period its order was placed in (folded into the rollups by the next snapshot,
-- fold_market_maker_orders). Self-trade prevention means a market maker is never on both sides of one trade.
CREATE OR REPLACE FUNCTION count_market_maker_fill()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO market_maker_order_events
        (certificate_type, market_maker_id, placed_at, filled_quantity, traded_value_eur)
    SELECT o.certificate_type, o.market_maker_id, o.created_at, t.quantity, t.price * t.quantity
      FROM inserted_trades t
      JOIN orders o ON o.id IN (t.buy_order_id, t.sell_order_id)
     WHERE o.market_maker_id IS NOT NULL;
    RETURN NULL;
END;
$$;
