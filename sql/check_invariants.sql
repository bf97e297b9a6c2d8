-- check_invariants: every way the books break a rule that must always hold, one row each; no rows means
-- healthy. verify_ledger() checks each balance against its own ledger; this checks the whole against itself:
--   * conservation: per asset, all balances together equal deposits minus withdrawals (trades only move value);
--   * no balance below zero (available or locked), no fractional certificates;
--   * every balance's locked equals what its account's open orders hold (BUY orders hold EUR, SELL orders
--     hold certificates of their book), and a market maker's eur_balance equals its EUR available + locked;
--   * no open order with nothing (or a fraction) left, or holding a fraction of a certificate; every order's
--     filled quantity and filled amount equal the sum of its trades (quantity, and quantity × price);
--   * book_levels (kept by track_order_changes) equal the open orders summed per price level;
--   * no crossed book: the best bid is below the best ask;
--   * every liquidity operation's actuals equal the totals (price × quantity) of the orders it created, and
--     its orders_created lists exactly those orders;
--   * the live state kept for the Operations page equals its orders (liquidity_order_state): per operation
--     (liquidity_operation_fills), per day, book and creator (liquidity_operation_days), and what rests per day,
--     book, creator, market maker and side (liquidity_resting_days);
--   * active_admins (kept by keep_an_active_admin) counts the active admins;
--   * every admin write has a ticket: deposits and withdrawals carry one, every market maker and entity has
--     its creation ticket, every deactivated market maker its deactivation ticket, every liquidity operation
--     its CREATE_LIQUIDITY ticket, each of its orders a PLACE_LIQUIDITY_ORDER ticket, every order it
--     had withdrawn a WITHDRAW_LIQUIDITY ticket of that operation, and every other market maker order
--     (placed by an admin) a PLACE_ORDER ticket.
CREATE OR REPLACE FUNCTION check_invariants()
RETURNS TABLE (invariant text, subject text, detail text)
LANGUAGE sql
STABLE
AS $$
    WITH ledger_totals AS (
        SELECT asset,
               coalesce(sum(amount) FILTER (WHERE transaction_type = 'DEPOSIT'), 0)
             - coalesce(sum(amount) FILTER (WHERE transaction_type = 'WITHDRAWAL'), 0) AS net_in
        FROM asset_transactions GROUP BY asset
    ), balance_totals AS (
        SELECT asset, sum(available + locked) AS held FROM balances GROUP BY asset
    ), open_orders AS (
        SELECT * FROM orders WHERE status IN ('OPEN', 'PARTIALLY_FILLED')
    ), held_by_orders AS (
        SELECT b.id AS balance_id, coalesce(sum(o.locked_amount), 0) AS held
        FROM balances b
        LEFT JOIN open_orders o
               ON (o.market_maker_id = b.market_maker_id OR o.entity_id = b.entity_id)
              AND ((b.asset = 'EUR' AND o.side = 'BUY')
                   OR (b.asset::text = o.certificate_type::text AND o.side = 'SELL'))
        GROUP BY b.id
    ), traded AS (
        SELECT o.id, o.filled_quantity, o.filled_amount, t.traded_quantity, t.traded_amount
        FROM orders o
        CROSS JOIN LATERAL (SELECT coalesce(sum(t.quantity), 0) AS traded_quantity,
                                   coalesce(sum(t.quantity * t.price), 0) AS traded_amount
                              FROM trades t WHERE t.buy_order_id = o.id OR t.sell_order_id = o.id) t
    ), levels AS (
        SELECT coalesce(o.certificate_type, l.certificate_type) AS certificate_type, coalesce(o.side, l.side) AS side,
               coalesce(o.price, l.price) AS price, o.quantity, o.orders, l.quantity AS level_quantity,
               l.orders AS level_orders
        FROM (SELECT certificate_type, side, price, sum(remaining_quantity) AS quantity, count(*) AS orders
                FROM open_orders GROUP BY 1, 2, 3) o
        FULL JOIN book_levels l
               ON l.certificate_type = o.certificate_type AND l.side = o.side AND l.price = o.price
    ), tops AS (
        SELECT m.certificate_type,
               (SELECT max(price) FROM open_orders WHERE certificate_type = m.certificate_type AND side = 'BUY')
                   AS best_bid,
               (SELECT min(price) FROM open_orders WHERE certificate_type = m.certificate_type AND side = 'SELL')
                   AS best_ask
        FROM markets m
    ), operation_totals AS (
        SELECT l.id, l.actual_bid_liquidity_eur, l.actual_ask_liquidity_eur,
               coalesce(sum(o.price * o.quantity) FILTER (WHERE o.side = 'BUY'), 0) AS bid_total,
               coalesce(sum(o.price * o.quantity) FILTER (WHERE o.side = 'SELL'), 0) AS ask_total,
               coalesce(array_agg(o.id ORDER BY o.id) FILTER (WHERE o.id IS NOT NULL), '{}') AS order_ids,
               ARRAY(SELECT unnest(l.orders_created) ORDER BY 1) AS listed_ids
        FROM liquidity_operations l
        LEFT JOIN orders o ON o.liquidity_operation_id = l.id
        GROUP BY l.id
    ), operation_orders AS (
        SELECT s.liquidity_operation_id AS id,
               coalesce(array_agg(DISTINCT s.market_maker_id) FILTER (WHERE s.market_maker_id IS NOT NULL), '{}')
                   AS market_maker_ids,
               count(*) FILTER (WHERE s.status IN ('OPEN', 'PARTIALLY_FILLED')) AS open_orders,
               coalesce(sum(s.filled_eur) FILTER (WHERE s.side = 'BUY'), 0) AS filled_bid_eur,
               coalesce(sum(s.filled_eur) FILTER (WHERE s.side = 'SELL'), 0) AS filled_ask_eur,
               sum(s.filled_quantity)::bigint AS filled_quantity, sum(s.resting_eur) AS resting_eur,
               sum(s.resting_quantity)::bigint AS resting_quantity, sum(s.withdrawn_eur) AS withdrawn_eur,
               sum(s.withdrawn_quantity)::bigint AS withdrawn_quantity
        FROM liquidity_order_state s
        GROUP BY 1
    ), operation_state AS (
        SELECT lo.id, (lo.created_at AT TIME ZONE 'UTC')::date AS day, lo.certificate_type, lo.created_by,
               lo.actual_bid_liquidity_eur AS bid, lo.actual_ask_liquidity_eur AS ask,
               ROW(lo.actual_bid_liquidity_eur + lo.actual_ask_liquidity_eur, coalesce(x.market_maker_ids, '{}'),
                   coalesce(x.open_orders, 0), coalesce(x.filled_bid_eur, 0), coalesce(x.filled_ask_eur, 0),
                   coalesce(x.filled_quantity, 0), coalesce(x.resting_eur, 0), coalesce(x.resting_quantity, 0),
                   coalesce(x.withdrawn_eur, 0), coalesce(x.withdrawn_quantity, 0)) AS live,
               coalesce(x.filled_bid_eur + x.filled_ask_eur, 0) AS filled
        FROM liquidity_operations lo
        LEFT JOIN operation_orders x ON x.id = lo.id
    ), fill_state AS (
        SELECT coalesce(e.id, f.operation_id) AS id, e.live AS derived,
               CASE WHEN f.operation_id IS NOT NULL THEN
                   ROW(f.actual_total_eur, f.market_maker_ids, f.open_orders::bigint, f.filled_bid_eur, f.filled_ask_eur,
                       f.filled_quantity, f.resting_eur, f.resting_quantity, f.withdrawn_eur, f.withdrawn_quantity)
               END AS kept
        FROM operation_state e
        FULL JOIN liquidity_operation_fills f ON f.operation_id = e.id
    ), day_state AS (
        SELECT coalesce(e.day, y.day) AS day, coalesce(e.certificate_type, y.certificate_type) AS certificate_type,
               coalesce(e.created_by, y.created_by) AS created_by,
               CASE WHEN e.day IS NOT NULL THEN ROW(e.operations, e.bid, e.ask, e.filled) END AS derived,
               CASE WHEN y.day IS NOT NULL THEN
                   ROW(y.operations::bigint, y.deployed_bid_eur, y.deployed_ask_eur, y.filled_eur) END AS kept
        FROM (SELECT day, certificate_type, created_by, count(*) AS operations, sum(bid) AS bid, sum(ask) AS ask,
                     sum(filled) AS filled
                FROM operation_state GROUP BY 1, 2, 3) e
        FULL JOIN liquidity_operation_days y
               ON y.day = e.day AND y.certificate_type = e.certificate_type AND y.created_by = e.created_by
    ), resting_state AS (
        SELECT coalesce(e.day, r.day) AS day, coalesce(e.certificate_type, r.certificate_type) AS certificate_type,
               coalesce(e.created_by, r.created_by) AS created_by,
               coalesce(e.market_maker_id, r.market_maker_id) AS market_maker_id, coalesce(e.side, r.side) AS side,
               CASE WHEN e.day IS NOT NULL THEN ROW(e.resting_eur, e.resting_quantity, e.open_orders) END AS derived,
               CASE WHEN r.day IS NOT NULL THEN ROW(r.resting_eur, r.resting_quantity, r.open_orders::bigint) END
                   AS kept
        FROM (SELECT (lo.created_at AT TIME ZONE 'UTC')::date AS day, lo.certificate_type, lo.created_by,
                     s.market_maker_id, s.side, sum(s.resting_eur) AS resting_eur,
                     sum(s.resting_quantity)::bigint AS resting_quantity, count(*) AS open_orders
                FROM liquidity_order_state s
                JOIN liquidity_operations lo ON lo.id = s.liquidity_operation_id
               WHERE s.status IN ('OPEN', 'PARTIALLY_FILLED') AND s.market_maker_id IS NOT NULL
               GROUP BY 1, 2, 3, 4, 5) e
        FULL JOIN liquidity_resting_days r
               ON r.day = e.day AND r.certificate_type = e.certificate_type AND r.created_by = e.created_by
              AND r.market_maker_id = e.market_maker_id AND r.side = e.side
    )
    SELECT 'balances add up to deposits minus withdrawals', a::text,
           format('balances hold %s, deposits minus withdrawals are %s',
                  coalesce(bt.held, 0), coalesce(lt.net_in, 0))
      FROM unnest(enum_range(NULL::asset_type)) AS a
      LEFT JOIN balance_totals bt ON bt.asset = a
      LEFT JOIN ledger_totals lt ON lt.asset = a
     WHERE coalesce(bt.held, 0) <> coalesce(lt.net_in, 0)
    UNION ALL
    SELECT 'no balance below zero', format('balance %s (%s)', id, asset),
           format('available %s, locked %s', available, locked)
      FROM balances WHERE available < 0 OR locked < 0
    UNION ALL
    SELECT 'certificates are whole units', format('balance %s (%s)', id, asset),
           format('available %s, locked %s', available, locked)
      FROM balances WHERE asset <> 'EUR' AND (available <> trunc(available) OR locked <> trunc(locked))
    UNION ALL
    SELECT 'locked equals what open orders hold', format('balance %s (%s)', b.id, b.asset),
           format('locked %s, open orders hold %s', b.locked, h.held)
      FROM balances b JOIN held_by_orders h ON h.balance_id = b.id
     WHERE b.locked <> h.held
    UNION ALL
    SELECT 'eur_balance equals EUR available plus locked', format('market maker %s', m.id),
           format('eur_balance %s, EUR available + locked %s', m.eur_balance, b.available + b.locked)
      FROM market_maker_clients m JOIN balances b ON b.market_maker_id = m.id AND b.asset = 'EUR'
     WHERE m.eur_balance <> b.available + b.locked
    UNION ALL
    SELECT 'open orders have whole units left', format('order %s', id),
           format('%s remaining, %s held, status %s', remaining_quantity, locked_amount, status)
      FROM open_orders
     WHERE remaining_quantity <= 0 OR (side = 'SELL' AND locked_amount <> trunc(locked_amount))
    UNION ALL
    SELECT 'filled quantity equals the sum of its trades', format('order %s', id),
           format('filled %s, traded %s', filled_quantity, traded_quantity)
      FROM traded WHERE filled_quantity <> traded_quantity
    UNION ALL
    SELECT 'filled amount equals the value of its trades', format('order %s', id),
           format('filled amount %s, traded %s', filled_amount, traded_amount)
      FROM traded WHERE filled_amount <> traded_amount
    UNION ALL
    SELECT 'book levels equal the open orders', format('%s %s at %s', certificate_type, side, price),
           format('level holds %s in %s order(s), open orders %s in %s', coalesce(level_quantity, 0),
                  coalesce(level_orders, 0), coalesce(quantity, 0), coalesce(orders, 0))
      FROM levels
     WHERE level_quantity IS DISTINCT FROM quantity OR level_orders IS DISTINCT FROM orders
    UNION ALL
    SELECT 'the book is not crossed', certificate_type::text,
           format('best bid %s >= best ask %s', best_bid, best_ask)
      FROM tops WHERE best_bid >= best_ask
    UNION ALL
    SELECT 'liquidity actuals equal their orders', format('liquidity operation %s', id),
           format('actual bid %s / ask %s, orders total bid %s / ask %s',
                  actual_bid_liquidity_eur, actual_ask_liquidity_eur, bid_total, ask_total)
      FROM operation_totals
     WHERE actual_bid_liquidity_eur <> bid_total OR actual_ask_liquidity_eur <> ask_total
    UNION ALL
    SELECT 'liquidity orders_created lists its orders', format('liquidity operation %s', id),
           format('orders_created %s, orders linked %s', listed_ids, order_ids)
      FROM operation_totals WHERE listed_ids <> order_ids
    UNION ALL
    SELECT 'liquidity fill state equals its orders', format('liquidity operation %s', id),
           format('kept %s, from its orders %s', kept, derived)
      FROM fill_state WHERE kept IS DISTINCT FROM derived
    UNION ALL
    SELECT 'liquidity per day equals its operations', format('%s %s by user %s', day, certificate_type, created_by),
           format('kept %s, from its operations %s', kept, derived)
      FROM day_state WHERE kept IS DISTINCT FROM derived
    UNION ALL
    SELECT 'resting liquidity per day equals its open orders',
           format('%s %s by user %s, market maker %s %s', day, certificate_type, created_by, market_maker_id, side),
           format('kept %s, from its open orders %s', kept, derived)
      FROM resting_state WHERE kept IS DISTINCT FROM derived
    UNION ALL
    SELECT 'every admin write has a ticket', format('ledger row %s', id),
           format('%s of %s %s without a ticket', transaction_type, amount, asset)
      FROM asset_transactions
     WHERE transaction_type IN ('DEPOSIT', 'WITHDRAWAL')
       AND (ticket_id IS NULL
            OR NOT EXISTS (SELECT 1 FROM ticket_logs k WHERE k.ticket_id = asset_transactions.ticket_id))
    UNION ALL
    SELECT 'every admin write has a ticket', format('market maker %s', m.id), 'no CREATE_MARKET_MAKER ticket'
      FROM market_maker_clients m
     WHERE NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.action = 'CREATE_MARKET_MAKER' AND k.entity_type = 'market_maker'
                          AND k.entity_id = m.id)
    UNION ALL
    SELECT 'every admin write has a ticket', format('market maker %s', m.id), 'deactivated without a ticket'
      FROM market_maker_clients m
     WHERE NOT m.is_active
       AND NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.action = 'DEACTIVATE_MARKET_MAKER' AND k.entity_type = 'market_maker'
                          AND k.entity_id = m.id)
    UNION ALL
    SELECT 'every admin write has a ticket', format('entity %s', e.id), 'no CREATE_ENTITY ticket'
      FROM entities e
     WHERE NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.action = 'CREATE_ENTITY' AND k.entity_type = 'entity' AND k.entity_id = e.id)
    UNION ALL
    SELECT 'every admin write has a ticket', format('liquidity operation %s', l.id), 'no CREATE_LIQUIDITY ticket'
      FROM liquidity_operations l
     WHERE NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.ticket_id = l.ticket_id AND k.action = 'CREATE_LIQUIDITY'
                          AND k.entity_type = 'liquidity_operation' AND k.entity_id = l.id)
    UNION ALL
    SELECT 'every admin write has a ticket', format('order %s', o.id),
           'liquidity order without a PLACE_LIQUIDITY_ORDER ticket'
      FROM orders o
     WHERE o.liquidity_operation_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.action = 'PLACE_LIQUIDITY_ORDER' AND k.entity_type = 'order' AND k.entity_id = o.id)
    UNION ALL
    SELECT 'every admin write has a ticket', format('order %s', o.id),
           'market maker order without a PLACE_ORDER ticket'
      FROM orders o
     WHERE o.market_maker_id IS NOT NULL AND o.liquidity_operation_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.action = 'PLACE_ORDER' AND k.entity_type = 'order' AND k.entity_id = o.id)
    UNION ALL
    SELECT 'every admin write has a ticket', format('order %s', o.id),
           'withdrawn without a WITHDRAW_LIQUIDITY ticket'
      FROM orders o
     WHERE o.cancel_reason = 'WITHDRAWAL'
       AND NOT EXISTS (SELECT 1 FROM ticket_logs k
                        WHERE k.action = 'WITHDRAW_LIQUIDITY' AND k.entity_type = 'liquidity_operation'
                          AND k.entity_id = o.liquidity_operation_id)
    UNION ALL
    SELECT 'active_admins counts the active admins', 'active_admins',
           format('%s counted, %s active admins', a.admins, n.active)
      FROM active_admins a, (SELECT count(*) AS active FROM users WHERE role = 'ADMIN' AND is_active) n
     WHERE a.admins <> n.active;
$$;
