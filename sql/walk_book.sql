-- walk_book: the one walk of the book. The resting orders an aggressor of side p_side would fill now, in
-- price-time priority (asks cheapest first for a BUY, bids highest first for a SELL; then oldest), with the
-- certificates it takes from each and their EUR amount. The owner's own orders (p_market_maker_id /
-- p_entity_id) are skipped: self-trade prevention cancels them, they never fill.
--   p_quantity not NULL: stop at that many certificates (the last order is taken in part);
--   p_eur not NULL, BUY: never spend more than p_eur (whole certificates, floor at the last order taken);
--   p_eur not NULL, SELL: stop once the proceeds reach p_eur (whole certificates, ceil at the last order);
--   both NULL: the whole opposite side.
-- place_order locks what a MARKET BUY can buy with it, the order entry estimates MARKET orders with it, and a
-- slippage measure for any quantity or amount reads it.
CREATE OR REPLACE FUNCTION walk_book(
    p_certificate_type  certificate_type,
    p_side              order_side,
    p_quantity          bigint,
    p_eur               numeric,
    p_market_maker_id   bigint DEFAULT NULL,
    p_entity_id         bigint DEFAULT NULL
)
RETURNS TABLE (order_id bigint, price numeric, quantity bigint, amount numeric)
LANGUAGE sql
STABLE
AS $$
    -- one branch per side, each with a constant side and status, so either uses its partial book index
    -- (orders_book_asks_idx / orders_book_bids_idx) even in a cached generic plan
    WITH resting AS (
        SELECT id, price, seq, remaining_quantity, market_maker_id, entity_id
          FROM orders
         WHERE p_side = 'BUY' AND certificate_type = p_certificate_type
           AND side = 'SELL' AND status IN ('OPEN', 'PARTIALLY_FILLED')
        UNION ALL
        SELECT id, price, seq, remaining_quantity, market_maker_id, entity_id
          FROM orders
         WHERE p_side = 'SELL' AND certificate_type = p_certificate_type
           AND side = 'BUY' AND status IN ('OPEN', 'PARTIALLY_FILLED')
    ),
    ranked AS (
        SELECT id, price, remaining_quantity,
               row_number() OVER (ORDER BY CASE p_side WHEN 'BUY' THEN price ELSE -price END, seq) AS n
          FROM resting
         WHERE NOT (market_maker_id IS NOT DISTINCT FROM p_market_maker_id
                    AND entity_id IS NOT DISTINCT FROM p_entity_id)
    ),
    -- what the orders before each one hold: once a limit binds part-way through an order, every later order
    -- starts beyond it, so its share below comes out at zero or less and the walk ends there
    ahead AS (
        SELECT id, price, remaining_quantity, n,
               coalesce(sum(remaining_quantity) OVER before, 0) AS quantity_ahead,
               coalesce(sum(remaining_quantity * price) OVER before, 0) AS eur_ahead
          FROM ranked
        WINDOW before AS (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ),
    taken AS (
        SELECT id, price, n,
               least(remaining_quantity,                                    -- least() ignores NULL limits
                     p_quantity - quantity_ahead,
                     CASE p_side WHEN 'BUY' THEN floor((p_eur - eur_ahead) / price)
                                 ELSE ceil((p_eur - eur_ahead) / price) END)::bigint AS take
          FROM ahead
    )
    SELECT id, price, take, take * price
      FROM taken
     WHERE take > 0
     ORDER BY n;
$$;
