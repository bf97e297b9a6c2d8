-- fold_market_maker_orders: move one book's market-maker order events (count_market_maker_order and _fill) into
-- market_maker_rollups, every grain of the bucket each order was placed in. take_book_snapshot calls it under the
-- book lock (shared), which keeps new events of the book out while they are moved; reads add the events not
-- folded yet, so the figures are exact at any moment.
CREATE OR REPLACE FUNCTION fold_market_maker_orders(p_certificate_type certificate_type)
RETURNS void
LANGUAGE sql
AS $$
    WITH moved AS (
        DELETE FROM market_maker_order_events WHERE certificate_type = p_certificate_type
        RETURNING market_maker_id, placed_at, placed_quantity, filled_quantity, traded_value_eur
    )
    INSERT INTO market_maker_rollups AS r
        (bucket_start, grain, market_maker_id, certificate_type, placed_quantity, filled_quantity, traded_value_eur)
    SELECT snapshot_bucket(g, m.placed_at), g, m.market_maker_id, p_certificate_type, sum(m.placed_quantity),
           sum(m.filled_quantity), sum(m.traded_value_eur)
      FROM moved m CROSS JOIN unnest(snapshot_grains()) g
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3  -- rows locked in one order, whoever folds
    ON CONFLICT (certificate_type, grain, bucket_start, market_maker_id) DO UPDATE
       SET placed_quantity = r.placed_quantity + excluded.placed_quantity,
           filled_quantity = r.filled_quantity + excluded.filled_quantity,
           traded_value_eur = r.traded_value_eur + excluded.traded_value_eur;
$$;
