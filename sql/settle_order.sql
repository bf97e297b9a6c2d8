-- settle_order: write one matched order and its whole sweep at once, in one statement:
--   * the order row, already in its final state (filled quantity and amount, what it still holds, status; a
--     market order's unfilled rest cancelled as MARKET_REMAINDER: it never rests);
--   * one trades row per fill, in priority order, each at the resting order's price;
--   * the resting orders met: filled (in part), or, when they are the owner's own, cancelled as SELF_TRADE;
--   * one ledger row per balance change, in the order the changes happen: the order's LOCK; then for each order
--     met either the UNLOCK of an own order, or the legs of its trade (buyer EUR TRADE_DEBIT, seller EUR
--     TRADE_CREDIT, seller certificates TRADE_DEBIT, buyer certificates TRADE_CREDIT, and the UNLOCK of a LIMIT
--     BUY's price improvement); then the UNLOCK of a market order's rest. Each row's before and after are
--     chained per balance row: its starting value plus the window sum of the changes before it;
--   * each balance row updated once, with the sum of its changes; a market maker's eur_balance likewise;
--   * the PLACE_ORDER ticket of an admin's order for a market maker (liquidity orders get theirs from their
--     operation).
-- Internal: match_order holds the book lock and the row locks of every balance involved, has checked the funds,
-- and passes its walk (p_met: the resting orders met, in priority order; p_taken: what is taken from each,
-- 0 for an own order).
CREATE OR REPLACE FUNCTION settle_order(
    p_certificate_type        certificate_type,
    p_side                    order_side,
    p_order_type              order_type,
    p_quantity                bigint,
    p_price                   numeric,
    p_market_maker_id         bigint,
    p_entity_id               bigint,
    p_placed_by               bigint,
    p_post_only               boolean,
    p_liquidity_operation_id  bigint,
    p_liquidity_level         smallint,
    p_lock                    numeric,
    p_eur_balance_id          bigint,
    p_certificate_balance_id  bigint,
    p_met                     bigint[],
    p_taken                   bigint[]
)
RETURNS orders
LANGUAGE sql
AS $$
    WITH met AS (
        SELECT u.n, r.id, r.side, r.price, r.locked_amount, u.taken, u.taken = 0 AS own,
               eur.id AS eur_balance_id, cert.id AS certificate_balance_id
          FROM unnest(p_met, p_taken) WITH ORDINALITY AS u(id, taken, n)
          JOIN orders r ON r.id = u.id
          JOIN balances eur ON eur.asset = 'EUR'
                           AND (eur.market_maker_id = r.market_maker_id OR eur.entity_id = r.entity_id)
          JOIN balances cert ON cert.asset = p_certificate_type::text::asset_type
                            AND (cert.market_maker_id = r.market_maker_id OR cert.entity_id = r.entity_id)
    ), filled AS (
        SELECT coalesce(sum(taken), 0) AS quantity, coalesce(sum(taken * price), 0) AS amount FROM met
    ), placed AS (
        INSERT INTO orders (certificate_type, side, order_type, market_maker_id, entity_id, placed_by, price,
                            quantity, filled_quantity, filled_amount, locked_amount, status, cancel_reason,
                            post_only, liquidity_operation_id, liquidity_level)
        SELECT p_certificate_type, p_side, p_order_type, p_market_maker_id, p_entity_id, p_placed_by, p_price,
               p_quantity, f.quantity, f.amount,
               -- what it still holds: its rest at its limit (BUY) or in certificates (SELL), if it rests
               CASE WHEN f.quantity = p_quantity OR p_order_type = 'MARKET' THEN 0
                    WHEN p_side = 'BUY' THEN p_price * (p_quantity - f.quantity)
                    ELSE p_quantity - f.quantity END,
               CASE WHEN f.quantity = p_quantity THEN 'FILLED'
                    WHEN p_order_type = 'MARKET' THEN 'CANCELLED'
                    WHEN f.quantity > 0 THEN 'PARTIALLY_FILLED'
                    ELSE 'OPEN' END::order_status,
               CASE WHEN f.quantity < p_quantity AND p_order_type = 'MARKET' THEN 'MARKET_REMAINDER' END,
               p_post_only, p_liquidity_operation_id, p_liquidity_level
          FROM filled f
        RETURNING *
    ), traded AS (
        INSERT INTO trades (certificate_type, price, quantity, buy_order_id, sell_order_id, aggressor_side)
        SELECT p_certificate_type, m.price, m.taken, CASE p_side WHEN 'BUY' THEN p.id ELSE m.id END,
               CASE p_side WHEN 'BUY' THEN m.id ELSE p.id END, p_side
          FROM met m CROSS JOIN placed p
         WHERE NOT m.own
         ORDER BY m.n
        RETURNING id, CASE p_side WHEN 'BUY' THEN sell_order_id ELSE buy_order_id END AS resting_id
    ), resting AS (
        UPDATE orders r
           SET filled_quantity = r.filled_quantity + m.taken,
               filled_amount = r.filled_amount + m.taken * m.price,
               locked_amount = CASE WHEN m.own THEN 0
                                    WHEN r.side = 'BUY' THEN r.locked_amount - m.taken * m.price
                                    ELSE r.locked_amount - m.taken END,
               status = CASE WHEN m.own THEN 'CANCELLED'
                             WHEN r.filled_quantity + m.taken = r.quantity THEN 'FILLED'
                             ELSE 'PARTIALLY_FILLED' END::order_status,
               cancel_reason = CASE WHEN m.own THEN 'SELF_TRADE' END,
               updated_at = now()
          FROM met m
         WHERE r.id = m.id
    ), changes AS (
        -- every balance change, in ledger order (n: 0 the order itself, then each order met; leg within it)
        SELECT 0::bigint AS n, 0 AS leg,
               CASE p_side WHEN 'BUY' THEN p_eur_balance_id ELSE p_certificate_balance_id END AS balance_id,
               'LOCK'::transaction_type AS type, p_lock AS amount, 'order' AS reference_type, p.id AS reference_id
          FROM placed p
        UNION ALL
        SELECT m.n, 0, CASE m.side WHEN 'BUY' THEN m.eur_balance_id ELSE m.certificate_balance_id END,
               'UNLOCK', m.locked_amount, 'order', m.id
          FROM met m
         WHERE m.own
        UNION ALL
        SELECT m.n, leg.k, leg.balance_id, leg.type, leg.amount, 'trade', t.id
          FROM met m
          JOIN traded t ON t.resting_id = m.id
         CROSS JOIN LATERAL (VALUES
              -- buyer EUR, seller EUR, seller certificates, buyer certificates, a LIMIT BUY's price improvement
              (1, CASE p_side WHEN 'BUY' THEN p_eur_balance_id ELSE m.eur_balance_id END,
                  'TRADE_DEBIT'::transaction_type, m.taken * m.price),
              (2, CASE p_side WHEN 'BUY' THEN m.eur_balance_id ELSE p_eur_balance_id END, 'TRADE_CREDIT',
                  m.taken * m.price),
              (3, CASE p_side WHEN 'BUY' THEN m.certificate_balance_id ELSE p_certificate_balance_id END,
                  'TRADE_DEBIT', m.taken),
              (4, CASE p_side WHEN 'BUY' THEN p_certificate_balance_id ELSE m.certificate_balance_id END,
                  'TRADE_CREDIT', m.taken),
              (5, p_eur_balance_id, 'UNLOCK',
                  CASE WHEN p_side = 'BUY' AND p_order_type = 'LIMIT' THEN (p_price - m.price) * m.taken ELSE 0 END)
         ) AS leg(k, balance_id, type, amount)
        UNION ALL
        -- a market order never rests: what it still holds comes back
        SELECT cardinality(p_met) + 1, 0,
               CASE p_side WHEN 'BUY' THEN p_eur_balance_id ELSE p_certificate_balance_id END, 'UNLOCK',
               p_lock - CASE p_side WHEN 'BUY' THEN f.amount ELSE f.quantity END, 'order', p.id
          FROM placed p CROSS JOIN filled f
         WHERE p_order_type = 'MARKET'
    ), moves AS (
        SELECT c.*,
               CASE c.type WHEN 'LOCK' THEN -c.amount WHEN 'TRADE_DEBIT' THEN 0 ELSE c.amount END AS d_available,
               CASE c.type WHEN 'LOCK' THEN c.amount WHEN 'TRADE_CREDIT' THEN 0 ELSE -c.amount END AS d_locked
          FROM changes c
         WHERE c.amount > 0
    ), ledger AS (
        INSERT INTO asset_transactions (balance_id, market_maker_id, entity_id, asset, transaction_type, amount,
                                        available_before, available_after, locked_before, locked_after,
                                        reference_type, reference_id, created_by)
        SELECT b.id, b.market_maker_id, b.entity_id, b.asset, m.type, m.amount,
               b.available + m.available_ahead, b.available + m.available_ahead + m.d_available,
               b.locked + m.locked_ahead, b.locked + m.locked_ahead + m.d_locked,
               m.reference_type, m.reference_id, p_placed_by
          FROM (SELECT moves.*,
                       coalesce(sum(d_available) OVER ahead, 0) AS available_ahead,
                       coalesce(sum(d_locked) OVER ahead, 0) AS locked_ahead
                  FROM moves
                WINDOW ahead AS (PARTITION BY balance_id ORDER BY n, leg
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) m
          JOIN balances b ON b.id = m.balance_id
         ORDER BY m.n, m.leg
    ), balanced AS (
        UPDATE balances b
           SET available = b.available + d.available, locked = b.locked + d.locked, updated_at = now()
          FROM (SELECT balance_id, sum(d_available) AS available, sum(d_locked) AS locked
                  FROM moves GROUP BY balance_id) d
         WHERE b.id = d.balance_id
        RETURNING b.market_maker_id, b.asset, d.available + d.locked AS total
    ), mirrored AS (
        -- eur_balance mirrors a market maker's EUR (available + locked); only totals move it
        UPDATE market_maker_clients mm
           SET eur_balance = mm.eur_balance + c.total, updated_at = now()
          FROM balanced c
         WHERE c.asset = 'EUR' AND c.market_maker_id = mm.id AND c.total <> 0
    ), ticketed AS (
        -- only admins trade for market makers: an admin write, so it leaves a ticket
        INSERT INTO ticket_logs (action, actor_id, entity_type, entity_id, before_state, after_state)
        SELECT 'PLACE_ORDER', p_placed_by, 'order', p.id, NULL, jsonb_build_object(
                   'market_maker_id', p.market_maker_id, 'certificate_type', p.certificate_type, 'side', p.side,
                   'order_type', p.order_type, 'price', p.price, 'quantity', p.quantity,
                   'filled_quantity', p.filled_quantity, 'status', p.status)
          FROM placed p
         WHERE p.market_maker_id IS NOT NULL AND p.liquidity_operation_id IS NULL
    )
    SELECT * FROM placed;
$$;
