-- walk_book: the one walk of the book. The resting orders an aggressor of side p_side would fill now, in
-- price-time priority (asks cheapest first for a BUY, bids highest first for a SELL; then oldest), with the
-- certificates it takes from each and their EUR amount. The owner's own orders (p_market_maker_id /
-- p_entity_id) are skipped: self-trade prevention cancels them, they never fill.
--   p_quantity not NULL: stop at that many certificates (the last order is taken in part);
--   p_eur not NULL, BUY: never spend more than p_eur (whole certificates, floor at the last order taken);
--   p_eur not NULL, SELL: stop once the proceeds reach p_eur (whole certificates, ceil at the last order);
--   both NULL: the whole opposite side;
--   p_limit_price not NULL: only orders at that price or better for the aggressor (a limit order's limit);
--   p_with_own: the engine's walk (match_order). The owner's own orders the walk meets before it ends come
--     back too, with quantity 0: matching cancels them and goes on. The walk ends once the quantity is
--     filled, at the first order of others it cannot take one certificate of, or where the others' orders
--     before it already hold the whole quantity.
-- It steps from order to order along orders_book_idx (book_key, seq), so it reads only the orders it walks,
-- however deep the book: the engine, the order entry's MARKET estimate and any slippage measure use it.
CREATE OR REPLACE FUNCTION walk_book(
    p_certificate_type  certificate_type,
    p_side              order_side,
    p_quantity          bigint,
    p_eur               numeric,
    p_market_maker_id   bigint DEFAULT NULL,
    p_entity_id         bigint DEFAULT NULL,
    p_limit_price       numeric DEFAULT NULL,
    p_with_own          boolean DEFAULT false
)
RETURNS TABLE (order_id bigint, price numeric, quantity bigint, amount numeric)
LANGUAGE sql
STABLE
AS $$
    -- one step per resting order, carrying what is left to fill (remaining), to spend or to raise (budget),
    -- and what the others' orders walked so far hold (others_ahead)
    WITH RECURSIVE walk (id, book_key, seq, price, own, take, remaining, budget, others_ahead) AS (
        SELECT NULL::bigint, '-Infinity'::numeric, 0::bigint, NULL::numeric, false, NULL::bigint,
               p_quantity, p_eur, 0::numeric
        UNION ALL
        SELECT r.id, r.book_key, r.seq, r.price, r.own, step.take,
               w.remaining - CASE WHEN r.own THEN 0 ELSE step.take END,
               w.budget - CASE WHEN r.own THEN 0 ELSE step.take * r.price END,
               w.others_ahead + CASE WHEN r.own THEN 0 ELSE r.remaining_quantity END
          FROM walk w
         CROSS JOIN LATERAL (
                -- the next resting order in priority: book_key is the price for asks and minus the price for
                -- bids, so one ascending key serves both sides
                SELECT o.id, o.book_key, o.seq, o.price, o.remaining_quantity,
                       (o.market_maker_id IS NOT DISTINCT FROM p_market_maker_id
                        AND o.entity_id IS NOT DISTINCT FROM p_entity_id) AS own
                  FROM orders o
                 WHERE o.certificate_type = p_certificate_type
                   AND o.side = CASE p_side WHEN 'BUY' THEN 'SELL' ELSE 'BUY' END::order_side
                   AND o.status IN ('OPEN', 'PARTIALLY_FILLED')
                   AND (o.book_key, o.seq) > (w.book_key, w.seq)
                   AND o.book_key <= coalesce(CASE p_side WHEN 'BUY' THEN p_limit_price ELSE -p_limit_price END,
                                              'Infinity')
                 ORDER BY o.book_key, o.seq
                 LIMIT 1
         ) r
         CROSS JOIN LATERAL (
                SELECT least(r.remaining_quantity, w.remaining,                 -- least() ignores NULL limits
                             CASE p_side WHEN 'BUY' THEN floor(w.budget / r.price)
                                         ELSE ceil(w.budget / r.price) END)::bigint AS take
         ) step
         -- go on after the start, an own order, or a fill, while quantity is left and the others' orders
         -- walked do not already cover it
         WHERE (w.id IS NULL OR w.own OR w.take > 0)
           AND coalesce(w.remaining > 0, true)
           AND coalesce(w.others_ahead < p_quantity, true)
    )
    SELECT id, price, CASE WHEN own THEN 0 ELSE take END, CASE WHEN own THEN 0 ELSE take * price END
      FROM walk
     WHERE id IS NOT NULL AND CASE WHEN own THEN p_with_own ELSE take > 0 END;
$$;
