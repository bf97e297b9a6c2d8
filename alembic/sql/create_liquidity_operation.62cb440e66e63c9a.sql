-- create_liquidity_operation: execute a liquidity plan made by core.planning, in one transaction.
--   p_plan is [{"mm_id": 1, "level": 1, "price": "9.98", "quantity": 5}, ...]; a liquidity provider's orders
--   are BUYs locking EUR, an asset holder's SELLs locking certificates of the book.
--   Locks, in this order: the admin's advisory lock (rate limit and idempotency), the book, the balance rows.
--   Then it re-checks the plan against what it now sees (market makers, available balances, post-only against
--   the current book, rate limit, idempotency key), and writes set-based: the orders (post-only, they rest and
--   never match, so one INSERT serves), one LOCK ledger row per balance row, the operation row with the actual
--   amounts summed from the inserted orders, a ticket for the operation and one per order.
--   An idempotency key already used returns that operation and places nothing.
--   p_policy_id links the operation to the liquidity policy whose run placed it: such operations are not counted
--   by, nor held to, the admin's manual rate limit. p_spread_multiplier (≥ 1) and p_volatility are what the plan's
--   level offsets were widened by, and the volatility that asked for it; both are stored on the operation.
CREATE OR REPLACE FUNCTION create_liquidity_operation(
    p_certificate_type  certificate_type,
    p_plan              jsonb,
    p_target_bid        numeric,
    p_target_ask        numeric,
    p_reference_price   numeric,
    p_price_source      text,
    p_created_by        bigint,
    p_notes             text,
    p_idempotency_key   text,
    p_rate_limit        integer,
    p_policy_id         bigint DEFAULT NULL,
    p_spread_multiplier numeric DEFAULT 1,
    p_volatility        numeric DEFAULT NULL
)
RETURNS liquidity_operations
LANGUAGE plpgsql
AS $$
DECLARE
    v_op           liquidity_operations;
    v_op_id        bigint;
    v_ticket       ticket_logs;
    v_recent       bigint;
    v_oldest       timestamptz;
    v_best         record;
    v_bad          record;
    v_mm_ids       bigint[];
    v_levels       smallint[];
    v_prices       numeric[];
    v_quantities   bigint[];
    v_sides        order_side[];
    v_balance_ids  bigint[];
    v_lock_ids     bigint[];
    v_lock_amounts numeric[];
    v_short        text;
    v_order_ids    bigint[];
    v_locked       numeric[];
BEGIN
    PERFORM require_admin(p_created_by, 'create liquidity');
    IF p_plan IS NULL OR jsonb_typeof(p_plan) <> 'array' OR jsonb_array_length(p_plan) = 0 THEN
        PERFORM raise_error('CB400', 'A liquidity plan needs at least one order');
    END IF;
    -- the targets a person typed (or a policy holds): within the maximum, named as core names them
    PERFORM refuse_amount_above_maximum('BID liquidity', 'EUR', p_target_bid);
    PERFORM refuse_amount_above_maximum('ASK liquidity', 'EUR', p_target_ask);
    IF p_rate_limit IS NULL OR p_rate_limit < 1 THEN
        PERFORM raise_error('CB400', 'The liquidity rate limit must be at least one creation per minute');
    END IF;

    IF p_policy_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM liquidity_policies WHERE id = p_policy_id AND certificate_type = p_certificate_type) THEN
        PERFORM raise_error('CB404', format('There is no %s liquidity policy %s', p_certificate_type, p_policy_id));
    END IF;

    -- 1. the acting admin's lock, before the book lock: the rate-limit count and the idempotency check are exact
    PERFORM lock_acting_admin(p_created_by);

    IF p_idempotency_key IS NOT NULL THEN
        SELECT * INTO v_op FROM liquidity_operations WHERE idempotency_key = p_idempotency_key;
        IF FOUND THEN
            IF v_op.certificate_type <> p_certificate_type OR v_op.target_bid_liquidity_eur <> p_target_bid
               OR v_op.target_ask_liquidity_eur <> p_target_ask THEN
                PERFORM raise_error('CB409', format(
                    'Idempotency key "%s" was already used by liquidity operation %s for different amounts: '
                    'use a new key for a new operation', p_idempotency_key, v_op.ticket_id));
            END IF;
            RETURN v_op;  -- a retry of a request that already succeeded: nothing is placed twice
        END IF;
    END IF;

    -- the manual rate limit: a policy's runs keep the book quoted on their own schedule and neither count nor wait
    SELECT count(*), min(created_at) INTO v_recent, v_oldest
      FROM liquidity_operations
     WHERE created_by = p_created_by AND policy_id IS NULL AND created_at > clock_timestamp() - interval '1 minute';
    IF p_policy_id IS NULL AND v_recent >= p_rate_limit THEN
        PERFORM raise_error('CB429', format(
            'Rate limit reached: at most %s liquidity creations per minute per admin. Try again in %s seconds.',
            p_rate_limit,
            greatest(1, ceil(extract(epoch FROM v_oldest + interval '1 minute' - clock_timestamp())))));
    END IF;

    -- 2. the book lock: no order enters, trades or leaves this book until we commit
    PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR UPDATE;

    -- the plan as arrays (read once), each order with its side and the balance row its lock lives on
    SELECT array_agg(x.mm_id ORDER BY x.mm_id, x.level), array_agg(x.level ORDER BY x.mm_id, x.level),
           array_agg(x.price ORDER BY x.mm_id, x.level), array_agg(x.quantity ORDER BY x.mm_id, x.level),
           array_agg(market_maker_side(m.mm_type) ORDER BY x.mm_id, x.level),
           array_agg(b.id ORDER BY x.mm_id, x.level)
      INTO v_mm_ids, v_levels, v_prices, v_quantities, v_sides, v_balance_ids
      FROM jsonb_to_recordset(p_plan) AS x(mm_id bigint, level smallint, price numeric, quantity bigint)
      LEFT JOIN market_maker_clients m ON m.id = x.mm_id
      LEFT JOIN balances b ON b.market_maker_id = m.id
                          AND b.asset = order_asset(market_maker_side(m.mm_type), p_certificate_type);

    -- price_on_tick reads the book's tick: asked once per distinct price (a plan has one per side and level), not
    -- once per order (600 reads of markets at 100 market makers a side)
    SELECT o.* INTO v_bad
      FROM unnest(v_mm_ids, v_levels, v_prices, v_quantities) AS o(mm_id, level, price, quantity)
      LEFT JOIN (SELECT p.price, price_on_tick(p_certificate_type, p.price) AS on_tick
                   FROM (SELECT DISTINCT u.price FROM unnest(v_prices) AS u(price)) p) t ON t.price = o.price
     WHERE o.mm_id IS NULL OR o.level IS NULL OR o.level < 1 OR o.quantity IS NULL OR o.quantity < 1
        OR o.price IS NULL OR NOT t.on_tick
     LIMIT 1;
    IF FOUND THEN
        PERFORM raise_error('CB400', format(
            'Every planned order needs a market maker, a level from 1, a price above zero in steps of €%s '
            'and a whole quantity from 1; got market maker %s, level %s, price %s, quantity %s',
            price_tick(p_certificate_type), v_bad.mm_id, v_bad.level, v_bad.price, v_bad.quantity));
    END IF;
    IF p_spread_multiplier IS NULL OR p_spread_multiplier < 1 OR p_volatility < 0 THEN
        PERFORM raise_error('CB400', format(
            'A spread multiplier is 1 or more (spreads are never narrowed) and a volatility 0 or more; got %s and %s',
            p_spread_multiplier, p_volatility));
    END IF;
    IF (SELECT count(*) FROM (SELECT DISTINCT a, l FROM unnest(v_mm_ids, v_levels) AS u(a, l)) d)
       <> cardinality(v_mm_ids) THEN
        PERFORM raise_error('CB400', 'A market maker may have one order per level in a liquidity plan');
    END IF;

    SELECT sum(u.price * u.quantity) FILTER (WHERE u.side = 'BUY') AS bid_eur,
           sum(u.price * u.quantity) FILTER (WHERE u.side = 'SELL') AS ask_eur
      INTO v_bad
      FROM unnest(v_sides, v_prices, v_quantities) AS u(side, price, quantity);
    IF coalesce(v_bad.bid_eur, 0) > p_target_bid OR coalesce(v_bad.ask_eur, 0) > p_target_ask THEN
        PERFORM raise_error('CB400', format(
            'The plan (bid €%s, ask €%s) exceeds its targets (bid €%s, ask €%s)',
            coalesce(v_bad.bid_eur, 0), coalesce(v_bad.ask_eur, 0), p_target_bid, p_target_ask));
    END IF;

    -- 3. the market makers' balance rows, in id order, so concurrent callers queue instead of deadlocking
    PERFORM lock_balances(v_balance_ids);

    -- re-check what the plan assumed, now that nothing can move
    SELECT m.id, m.name, m.is_active INTO v_bad
      FROM unnest(v_mm_ids) AS u(mm_id) LEFT JOIN market_maker_clients m ON m.id = u.mm_id
     WHERE m.id IS NULL OR NOT m.is_active
     LIMIT 1;
    IF FOUND THEN
        IF v_bad.id IS NULL THEN
            PERFORM raise_error('CB404', 'A market maker in the plan does not exist');
        END IF;
        PERFORM raise_error('CB409', format(
            'Market maker "%s" was deactivated after the plan was made: preview again', v_bad.name));
    END IF;

    SELECT string_agg(format('%s on %s: %s needed, %s available', b.asset, account_label(b.id), need.amount,
                             b.available), '; ' ORDER BY b.id)
      INTO v_short
      FROM (SELECT u.balance_id, sum(CASE u.side WHEN 'BUY' THEN u.price * u.quantity ELSE u.quantity END) AS amount
              FROM unnest(v_balance_ids, v_sides, v_prices, v_quantities) AS u(balance_id, side, price, quantity)
             GROUP BY u.balance_id) need
      JOIN balances b ON b.id = need.balance_id
     WHERE b.available < need.amount;
    IF v_short IS NOT NULL THEN
        PERFORM raise_error('CB402', 'Insufficient available balance for this liquidity: ' || v_short);
    END IF;

    SELECT * INTO v_best FROM best_prices(p_certificate_type);
    SELECT u.side, u.price INTO v_bad
      FROM unnest(v_sides, v_prices) AS u(side, price)
     WHERE (u.side = 'BUY' AND u.price >= v_best.best_ask) OR (u.side = 'SELL' AND u.price <= v_best.best_bid)
     ORDER BY u.side, u.price
     LIMIT 1;
    IF FOUND THEN
        PERFORM raise_error('CB409', format(
            'The book moved since the plan was made: a %s at €%s would now trade immediately against the best '
            '%s at €%s, and liquidity orders are post-only', v_bad.side, v_bad.price,
            CASE v_bad.side WHEN 'BUY' THEN 'ask' ELSE 'bid' END,
            CASE v_bad.side WHEN 'BUY' THEN v_best.best_ask ELSE v_best.best_bid END));
    END IF;

    -- 4. write. The operation id is taken first so the ticket (which the operation row references) can
    --    name it; the operation row comes before its orders (they reference it), its actuals after them.
    v_op_id := nextval(pg_get_serial_sequence('liquidity_operations', 'id'));
    v_ticket := create_ticket('CREATE_LIQUIDITY', p_created_by, 'liquidity_operation', v_op_id, NULL,
        jsonb_build_object(
            'certificate_type', p_certificate_type,
            'target_bid_liquidity_eur', p_target_bid, 'target_ask_liquidity_eur', p_target_ask,
            'reference_price', p_reference_price, 'price_source', p_price_source,
            'orders', cardinality(v_mm_ids), 'market_makers', (SELECT count(DISTINCT a) FROM unnest(v_mm_ids) a),
            'spread_multiplier', p_spread_multiplier, 'volatility', p_volatility, 'policy_id', p_policy_id,
            'notes', p_notes));

    INSERT INTO liquidity_operations (
        id, ticket_id, certificate_type, target_bid_liquidity_eur, target_ask_liquidity_eur,
        actual_bid_liquidity_eur, actual_ask_liquidity_eur, market_makers_used, orders_created,
        reference_price, price_source, idempotency_key, created_by, notes, policy_id, spread_multiplier, volatility)
    OVERRIDING SYSTEM VALUE
    VALUES (v_op_id, v_ticket.ticket_id, p_certificate_type, p_target_bid, p_target_ask, 0, 0, '[]', '{}',
            p_reference_price, p_price_source, p_idempotency_key, p_created_by, p_notes, p_policy_id,
            p_spread_multiplier, p_volatility);

    -- seq (time priority) follows the level, then the market maker: level 1 of everybody queues first.
    -- What was inserted comes back (RETURNING) into arrays: the locks, tickets and actuals below are
    -- computed from those rows, never from the plan or the targets.
    WITH inserted AS (
        INSERT INTO orders (certificate_type, side, order_type, market_maker_id, placed_by, price, quantity,
                            locked_amount, status, post_only, liquidity_operation_id, liquidity_level)
        SELECT p_certificate_type, u.side, 'LIMIT', u.mm_id, p_created_by, u.price, u.quantity,
               CASE u.side WHEN 'BUY' THEN u.price * u.quantity ELSE u.quantity END, 'OPEN', true, v_op_id,
               u.level
          FROM unnest(v_mm_ids, v_sides, v_levels, v_prices, v_quantities) AS u(mm_id, side, level, price, quantity)
         ORDER BY u.side, u.level, u.mm_id
        RETURNING id, market_maker_id, side, liquidity_level, price, quantity, locked_amount
    )
    SELECT array_agg(id ORDER BY id), array_agg(market_maker_id ORDER BY id), array_agg(side ORDER BY id),
           array_agg(liquidity_level ORDER BY id), array_agg(price ORDER BY id), array_agg(quantity ORDER BY id),
           array_agg(locked_amount ORDER BY id)
      INTO v_order_ids, v_mm_ids, v_sides, v_levels, v_prices, v_quantities, v_locked
      FROM inserted;

    -- the locks: one LOCK ledger row per balance row, for what that row's new orders hold
    SELECT array_agg(balance_id ORDER BY balance_id), array_agg(amount ORDER BY balance_id)
      INTO v_lock_ids, v_lock_amounts
      FROM (SELECT b.id AS balance_id, o.amount
              FROM (SELECT mm_id, side, sum(locked) AS amount
                      FROM unnest(v_mm_ids, v_sides, v_locked) AS u(mm_id, side, locked)
                     GROUP BY mm_id, side) o
              -- the row by its unique key (one join, not a function call per group)
              JOIN balances b ON b.market_maker_id = o.mm_id AND b.asset = order_asset(o.side, p_certificate_type)
           ) per_balance;
    PERFORM apply_balance_changes(v_lock_ids, v_lock_amounts, 'LOCK', 'liquidity_operation', v_op_id,
                                  v_ticket.ticket_id, p_created_by);

    INSERT INTO ticket_logs (action, actor_id, entity_type, entity_id, before_state, after_state)
    SELECT 'PLACE_LIQUIDITY_ORDER', p_created_by, 'order', o.id, NULL,
           jsonb_build_object('liquidity_operation_id', v_op_id, 'operation_ticket_id', v_ticket.ticket_id,
                              'market_maker_id', o.mm_id, 'certificate_type', p_certificate_type,
                              'side', o.side, 'level', o.level, 'price', o.price,
                              'quantity', o.quantity, 'locked_amount', o.locked)
      FROM unnest(v_order_ids, v_mm_ids, v_sides, v_levels, v_prices, v_quantities, v_locked)
           AS o(id, mm_id, side, level, price, quantity, locked)
     ORDER BY o.id;

    -- the actuals: summed from the orders as inserted, never copied from the targets
    UPDATE liquidity_operations lo
       SET actual_bid_liquidity_eur = s.bid_eur,
           actual_ask_liquidity_eur = s.ask_eur,
           orders_created = v_order_ids,
           market_makers_used = s.used
      FROM (SELECT coalesce(sum(amount) FILTER (WHERE market_maker_side(mm_type) = 'BUY'), 0) AS bid_eur,
                   coalesce(sum(amount) FILTER (WHERE market_maker_side(mm_type) = 'SELL'), 0) AS ask_eur,
                   jsonb_agg(jsonb_build_object('id', id, 'name', name, 'mm_type', mm_type, 'amount', amount,
                                                'quantity', quantity, 'orders', orders) ORDER BY mm_type, id) AS used
              FROM (SELECT m.id, m.name, m.mm_type, sum(o.price * o.quantity) AS amount,
                           sum(o.quantity) AS quantity, count(*) AS orders
                      FROM unnest(v_mm_ids, v_prices, v_quantities) AS o(mm_id, price, quantity)
                      JOIN market_maker_clients m ON m.id = o.mm_id
                     GROUP BY m.id) per_mm) s
     WHERE lo.id = v_op_id
    RETURNING lo.* INTO v_op;
    RETURN v_op;
END;
$$;
