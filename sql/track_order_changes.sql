-- track_order_changes: the trigger (AFTER INSERT / UPDATE / DELETE on orders, once per statement, with its
-- transition tables) that keeps the state derived from orders in step, whichever function writes them: every
-- changed order counts in with its new state and out with its old one.
--   book_levels: what rests at each price level, read by order_book and best_prices in time independent of the
--   book's size. Summed here, per level: one statement may write a million resting orders.
--   the live state of liquidity operations (adjust_liquidity_state), read by the Operations page: the orders of
--   liquidity operations a statement changes are few, and handed over whole.
-- check_invariants() proves the derived state equals what it derives from.
CREATE OR REPLACE FUNCTION track_order_changes()
RETURNS trigger
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_new  orders[] := '{}';
    v_old  orders[] := '{}';
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM adjust_book_levels(array_agg(c), array_agg(s), array_agg(p), array_agg(q), array_agg(n))
           FROM (SELECT certificate_type, side, price, sum(remaining_quantity)::bigint, count(*)
                   FROM new_rows WHERE status IN ('OPEN', 'PARTIALLY_FILLED')
                  GROUP BY 1, 2, 3) AS level(c, s, p, q, n)
         HAVING count(*) > 0;
        v_new := ARRAY(SELECT n FROM new_rows n WHERE n.liquidity_operation_id IS NOT NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM adjust_book_levels(array_agg(c), array_agg(s), array_agg(p), array_agg(q), array_agg(n))
           FROM (SELECT certificate_type, side, price, sum(sign * remaining_quantity)::bigint, sum(sign)::bigint
                   FROM (SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows) changed
                  WHERE status IN ('OPEN', 'PARTIALLY_FILLED')
                  GROUP BY 1, 2, 3) AS level(c, s, p, q, n)
         HAVING count(*) > 0;
        v_new := ARRAY(SELECT n FROM new_rows n WHERE n.liquidity_operation_id IS NOT NULL);
        v_old := ARRAY(SELECT o FROM old_rows o WHERE o.liquidity_operation_id IS NOT NULL);
    ELSE
        PERFORM adjust_book_levels(array_agg(c), array_agg(s), array_agg(p), array_agg(q), array_agg(n))
           FROM (SELECT certificate_type, side, price, -sum(remaining_quantity)::bigint, -count(*)
                   FROM old_rows WHERE status IN ('OPEN', 'PARTIALLY_FILLED')
                  GROUP BY 1, 2, 3) AS level(c, s, p, q, n)
         HAVING count(*) > 0;
        v_old := ARRAY(SELECT o FROM old_rows o WHERE o.liquidity_operation_id IS NOT NULL);
    END IF;
    IF cardinality(v_new) + cardinality(v_old) > 0 THEN
        PERFORM adjust_liquidity_state(v_new, v_old, TG_OP <> 'UPDATE');
    END IF;
    RETURN NULL;
END;
$$;
