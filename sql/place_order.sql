-- place_order: place one order on a book and match it at once, in the caller's transaction.
--   Price-time priority (best price, then oldest); every fill trades at the resting order's price.
--   A LIMIT remainder rests; a MARKET remainder is cancelled and unlocked, so the book is never crossed.
--   Self-trade prevention: a resting order of the same owner is cancelled (SELF_TRADE), matching goes on.
--   post_only refuses an order that would meet any resting order.
--   A MARKET BUY locks the cost of what it can buy now: walk_book over the asks, up to its quantity and its
--   available EUR (the very walk the order entry estimates with); refused if that is nothing.
--   Limit prices are whole ticks of their book (price_on_tick).
-- check_order refuses a malformed order, the book lock serialises matching, match_order does the rest.
-- core places through submit_order, whose matcher matches the orders waiting for a book in one transaction.
CREATE OR REPLACE FUNCTION place_order(
    p_certificate_type        certificate_type,
    p_side                    order_side,
    p_order_type              order_type,
    p_quantity                bigint,
    p_price                   numeric,
    p_market_maker_id         bigint,
    p_entity_id               bigint,
    p_placed_by               bigint,
    p_post_only               boolean DEFAULT false,
    p_liquidity_operation_id  bigint DEFAULT NULL,
    p_liquidity_level         smallint DEFAULT NULL
)
RETURNS orders
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM check_order(p_certificate_type, p_order_type, p_quantity, p_price, p_market_maker_id, p_entity_id,
                        p_post_only);
    -- the book lock first: matching on one book is serial, so the resting orders it walks cannot change
    PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR UPDATE;
    RETURN match_order(p_certificate_type, p_side, p_order_type, p_quantity, p_price, p_market_maker_id,
                       p_entity_id, p_placed_by, p_post_only, p_liquidity_operation_id, p_liquidity_level);
END;
$$;
