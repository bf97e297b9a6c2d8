-- match_order: the matching engine for one order, under the book lock its caller holds (place_order, or the
-- matcher of submit_order). It walks the book once (walk_book, own orders included), refuses a post-only order
-- that would trade and a market order with nobody to trade with, locks every balance row the order may touch,
-- checks the funds, and hands the walk to settle_order, which writes the whole sweep set-based.
--   What the order locks: certificates for a SELL, price × quantity EUR for a LIMIT BUY, and for a MARKET BUY
--   the cost of what its quantity and its available EUR buy now: the walk again with that EUR as its budget,
--   which is then exactly what it fills.
--   p_wait false: a matcher that already holds balance rows of earlier orders in its batch must not wait for
--   more (rows taken out of id order could deadlock): lock_balances raises lock_not_available instead, and the
--   order waits for the next batch.
CREATE OR REPLACE FUNCTION match_order(
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
    p_liquidity_level         smallint DEFAULT NULL,
    p_wait                    boolean DEFAULT true
)
RETURNS orders
LANGUAGE plpgsql
-- one plan per statement, made once: custom plans would re-plan the sweep on every call (most of its cost)
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_cert         asset_type := p_certificate_type::text::asset_type;
    v_met          bigint[];   -- the resting orders the walk meets, in priority order
    v_taken        bigint[];   -- what it takes from each (0: an own order, which self-trade prevention cancels)
    v_first_price  numeric;    -- the first order met, own or not
    v_best_other   numeric;    -- the best order of others
    v_eur          balances;
    v_certs        balances;
    v_lock         numeric;
BEGIN
    SELECT coalesce(array_agg(w.order_id ORDER BY w.n), '{}'), coalesce(array_agg(w.quantity ORDER BY w.n), '{}'),
           (array_agg(w.price ORDER BY w.n))[1], (array_agg(w.price ORDER BY w.n) FILTER (WHERE w.quantity > 0))[1]
      INTO v_met, v_taken, v_first_price, v_best_other
      FROM walk_book(p_certificate_type, p_side, p_quantity, NULL, p_market_maker_id, p_entity_id, p_price, true)
           WITH ORDINALITY AS w(order_id, price, quantity, amount, n);

    IF p_post_only AND cardinality(v_met) > 0 THEN
        PERFORM raise_error('CB409', format(
            'This post-only order would trade at once against the %s at €%s: nothing was placed',
            CASE p_side WHEN 'BUY' THEN 'best ask' ELSE 'best bid' END, v_first_price));
    END IF;
    IF p_order_type = 'MARKET' AND v_best_other IS NULL THEN
        PERFORM raise_error('CB400', format(
            'There are no %s orders in the %s book to fill a market %s: nothing was placed',
            CASE p_side WHEN 'BUY' THEN 'sell' ELSE 'buy' END, p_certificate_type, lower(p_side::text)));
    END IF;

    -- every balance row this order may touch (EUR and certificates of its owner and of each order met), in id
    -- order, so concurrent calls queue instead of deadlocking
    PERFORM lock_balances(ARRAY(
        SELECT b.id FROM balances b
         WHERE b.asset IN ('EUR', v_cert)
           AND (b.market_maker_id IN (SELECT market_maker_id FROM orders WHERE id = ANY (v_met)
                                      UNION ALL SELECT p_market_maker_id)
                OR b.entity_id IN (SELECT entity_id FROM orders WHERE id = ANY (v_met) UNION ALL SELECT p_entity_id))),
        p_wait);

    -- the owner, checked under its balance locks (a deactivation takes them first)
    IF p_market_maker_id IS NOT NULL THEN
        PERFORM active_market_maker(p_market_maker_id, 'place orders');
    ELSIF NOT EXISTS (SELECT 1 FROM entities WHERE id = p_entity_id) THEN
        PERFORM raise_error('CB404', format('Entity %s does not exist', p_entity_id));
    END IF;
    SELECT * INTO v_eur FROM balances
     WHERE asset = 'EUR' AND (market_maker_id = p_market_maker_id OR entity_id = p_entity_id);
    SELECT * INTO v_certs FROM balances
     WHERE asset = v_cert AND (market_maker_id = p_market_maker_id OR entity_id = p_entity_id);

    IF p_side = 'SELL' OR p_order_type = 'LIMIT' THEN
        v_lock := check_order_funds(p_certificate_type, p_side, p_quantity, p_price, v_eur, v_certs);
    ELSE
        -- a MARKET BUY: the walk again with its available EUR as the budget (it meets no order the first did not)
        SELECT coalesce(array_agg(w.order_id ORDER BY w.n), '{}'), coalesce(array_agg(w.quantity ORDER BY w.n), '{}'),
               coalesce(sum(w.amount), 0)
          INTO v_met, v_taken, v_lock
          FROM walk_book(p_certificate_type, p_side, p_quantity, v_eur.available, p_market_maker_id, p_entity_id,
                         NULL, true) WITH ORDINALITY AS w(order_id, price, quantity, amount, n);
        IF v_lock = 0 THEN
            PERFORM raise_error('CB402', format(
                'Insufficient EUR on %s to buy even one certificate at the best ask €%s: €%s available',
                account_label(v_eur.id), v_best_other, v_eur.available));
        END IF;
    END IF;

    RETURN settle_order(p_certificate_type, p_side, p_order_type, p_quantity, p_price, p_market_maker_id, p_entity_id,
                        p_placed_by, p_post_only, p_liquidity_operation_id, p_liquidity_level, v_lock,
                        v_eur.id, v_certs.id, v_met, v_taken);
END;
$$;
