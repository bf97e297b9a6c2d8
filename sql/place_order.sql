-- place_order: place one order on a book and match it at once, in one transaction.
--   Price-time priority (best price, then oldest); every fill trades at the resting order's price.
--   A LIMIT remainder rests; a MARKET remainder is cancelled and unlocked, so the book is never crossed.
--   Self-trade prevention: a resting order of the same owner is cancelled (SELF_TRADE), matching goes on.
--   post_only refuses an order that would meet any resting order.
--   A MARKET BUY locks the cost of what it can buy now: walk_book over the asks, up to its quantity and its
--   available EUR (the very walk the order entry estimates with); refused if that is nothing.
--   Limit prices are whole ticks of their book (price_on_tick).
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
DECLARE
    o             orders;
    r             orders;
    v_opposite    order_side := CASE p_side WHEN 'BUY' THEN 'SELL' ELSE 'BUY' END::order_side;
    v_cert        asset_type := p_certificate_type::text::asset_type;
    v_candidates  bigint[];
    v_others      bigint[];
    v_eur         balances;
    v_certs       balances;
    v_lock        numeric;
    v_qty         bigint;
BEGIN
    IF (p_market_maker_id IS NULL) = (p_entity_id IS NULL) THEN
        PERFORM raise_error('CB400', 'An order belongs to exactly one account: a market maker or an entity');
    END IF;
    IF p_quantity IS NULL OR p_quantity < 1 THEN
        PERFORM raise_error('CB400', format('Quantity must be a whole number of certificates, at least 1, got %s',
                                            p_quantity));
    END IF;
    IF p_order_type = 'LIMIT' AND NOT price_on_tick(p_certificate_type, p_price) THEN
        PERFORM raise_error('CB400', format('A limit order needs a price above zero in steps of €%s, got %s',
                                            price_tick(p_certificate_type), coalesce(p_price::text, 'none')));
    END IF;
    IF p_order_type = 'MARKET' AND p_price IS NOT NULL THEN
        PERFORM raise_error('CB400', 'A market order takes no price: it trades at the best prices in the book');
    END IF;
    IF p_post_only AND p_order_type = 'MARKET' THEN
        PERFORM raise_error('CB400', 'Post-only orders must be limit orders: a market order always trades at once');
    END IF;

    -- the book lock first: matching on one book is serial, so the resting orders read below cannot change
    PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR UPDATE;

    -- the resting orders this one may meet, in priority order, until the others' quantity covers its own
    -- (own orders on the way are included: self-trade prevention cancels them). The comparator and the
    -- direction come from the side, so both sides share this one query and its index.
    EXECUTE format($q$
        SELECT coalesce(array_agg(id ORDER BY n), '{}'),
               coalesce(array_agg(id ORDER BY n) FILTER (WHERE NOT own), '{}')
        FROM (
            SELECT id, own, row_number() OVER w AS n,
                   coalesce(sum(remaining_quantity) FILTER (WHERE NOT own)
                            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ahead
            FROM (SELECT id, price, seq, remaining_quantity,
                         (market_maker_id IS NOT DISTINCT FROM $3 AND entity_id IS NOT DISTINCT FROM $4) AS own
                    FROM orders
                   WHERE certificate_type = $1 AND side = $2 AND status IN ('OPEN', 'PARTIALLY_FILLED')
                     AND ($5::numeric IS NULL OR price %s $5)) book
            WINDOW w AS (ORDER BY price %s, seq)
        ) ranked
        WHERE ahead < $6 $q$,
        CASE p_side WHEN 'BUY' THEN '<=' ELSE '>=' END,
        CASE p_side WHEN 'BUY' THEN 'ASC' ELSE 'DESC' END)
    INTO v_candidates, v_others
    USING p_certificate_type, v_opposite, p_market_maker_id, p_entity_id, p_price, p_quantity;

    IF p_post_only AND cardinality(v_candidates) > 0 THEN
        PERFORM raise_error('CB409', format(
            'This post-only order would trade at once against the %s at €%s: nothing was placed',
            CASE p_side WHEN 'BUY' THEN 'best ask' ELSE 'best bid' END,
            (SELECT price FROM orders WHERE id = v_candidates[1])));
    END IF;
    IF p_order_type = 'MARKET' AND cardinality(v_others) = 0 THEN
        PERFORM raise_error('CB400', format(
            'There are no %s orders in the %s book to fill a market %s: nothing was placed',
            lower(v_opposite::text), p_certificate_type, lower(p_side::text)));
    END IF;

    -- then every balance row this call may touch (EUR and certificates of the owner and of each
    -- counterparty), sorted by id, so concurrent calls queue instead of deadlocking
    PERFORM lock_balances(ARRAY(
        SELECT balance_id_for(owner.market_maker_id, owner.entity_id, asset.a)
          FROM (SELECT p_market_maker_id AS market_maker_id, p_entity_id AS entity_id
                UNION
                SELECT market_maker_id, entity_id FROM orders WHERE id = ANY (v_candidates)) owner
         CROSS JOIN (VALUES ('EUR'::asset_type), (v_cert)) AS asset(a)));

    IF p_market_maker_id IS NOT NULL THEN
        PERFORM active_market_maker(p_market_maker_id, 'place orders');
    ELSIF NOT EXISTS (SELECT 1 FROM entities WHERE id = p_entity_id) THEN
        PERFORM raise_error('CB404', format('Entity %s does not exist', p_entity_id));
    END IF;
    SELECT * INTO v_eur FROM balances WHERE id = balance_id_for(p_market_maker_id, p_entity_id, 'EUR');
    SELECT * INTO v_certs FROM balances WHERE id = balance_id_for(p_market_maker_id, p_entity_id, v_cert);

    -- what the order locks: certificates for a SELL, EUR for a BUY
    IF p_side = 'SELL' THEN
        v_lock := p_quantity;
        IF v_certs.available < v_lock THEN
            PERFORM raise_error('CB402', format(
                'Insufficient %s on %s: this sell needs %s certificates, %s available',
                v_cert, account_label(v_certs.id), p_quantity, trunc(v_certs.available)));
        END IF;
    ELSIF p_order_type = 'LIMIT' THEN
        v_lock := p_price * p_quantity;
        IF v_eur.available < v_lock THEN
            PERFORM raise_error('CB402', format(
                'Insufficient EUR on %s: this buy needs €%s (%s × €%s), €%s available',
                account_label(v_eur.id), v_lock, p_quantity, p_price, v_eur.available));
        END IF;
    ELSE
        -- a MARKET BUY: the cost of what its quantity and its available EUR buy now, skipping its own asks
        SELECT coalesce(sum(amount), 0) INTO v_lock
          FROM walk_book(p_certificate_type, p_side, p_quantity, v_eur.available, p_market_maker_id, p_entity_id);
        IF v_lock = 0 THEN
            PERFORM raise_error('CB402', format(
                'Insufficient EUR on %s to buy even one certificate at the best ask €%s: €%s available',
                account_label(v_eur.id), (SELECT price FROM orders WHERE id = v_others[1]), v_eur.available));
        END IF;
    END IF;

    INSERT INTO orders (certificate_type, side, order_type, market_maker_id, entity_id, placed_by, price, quantity,
                        locked_amount, post_only, liquidity_operation_id, liquidity_level)
    VALUES (p_certificate_type, p_side, p_order_type, p_market_maker_id, p_entity_id, p_placed_by, p_price,
            p_quantity, v_lock, p_post_only, p_liquidity_operation_id, p_liquidity_level)
    RETURNING * INTO o;
    PERFORM apply_balance_change(order_balance_id(o), 'LOCK', v_lock, 'order', o.id, NULL, p_placed_by);

    -- one matching loop for both sides: the candidates are already in priority order
    FOR r IN SELECT c.* FROM unnest(v_candidates) WITH ORDINALITY AS u(id, n) JOIN orders c ON c.id = u.id
              ORDER BY u.n LOOP
        EXIT WHEN o.remaining_quantity = 0;
        IF r.market_maker_id IS NOT DISTINCT FROM o.market_maker_id AND r.entity_id IS NOT DISTINCT FROM o.entity_id THEN
            PERFORM release_order(r.id, 'SELF_TRADE', p_placed_by);
            CONTINUE;
        END IF;
        -- a BUY never spends more than it locked (binds only for a MARKET buy, whose lock is its budget)
        v_qty := least(o.remaining_quantity, r.remaining_quantity,
                       CASE p_side WHEN 'BUY' THEN floor(o.locked_amount / r.price) ELSE r.remaining_quantity END);
        EXIT WHEN v_qty = 0;
        PERFORM settle_trade(CASE p_side WHEN 'BUY' THEN o.id ELSE r.id END,
                             CASE p_side WHEN 'BUY' THEN r.id ELSE o.id END,
                             r.price, v_qty, p_side, p_placed_by);
        SELECT * INTO o FROM orders WHERE id = o.id;
    END LOOP;

    -- a MARKET order never rests
    IF o.order_type = 'MARKET' AND o.remaining_quantity > 0 THEN
        o := release_order(o.id, 'MARKET_REMAINDER', p_placed_by);
    END IF;

    -- only admins trade for market makers: an admin write, so it leaves a ticket (liquidity orders get
    -- theirs from create_liquidity_operation)
    IF p_market_maker_id IS NOT NULL AND p_liquidity_operation_id IS NULL THEN
        PERFORM create_ticket('PLACE_ORDER', p_placed_by, 'order', o.id, NULL, jsonb_build_object(
            'market_maker_id', o.market_maker_id, 'certificate_type', o.certificate_type, 'side', o.side,
            'order_type', o.order_type, 'price', o.price, 'quantity', o.quantity,
            'filled_quantity', o.filled_quantity, 'status', o.status));
    END IF;
    RETURN o;
END;
$$;
