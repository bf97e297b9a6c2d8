-- match_waiting_orders: the matcher's batch: every order waiting in the inbox of one book (order_requests not yet
-- processed), oldest first, matched one by one with match_order in this one transaction, each in its own
-- subtransaction: a refusal is recorded on its request (refusal_code, refusal_message) and changes nothing else.
-- Returns how many were placed.
--   Only the first order of the batch may wait for balance rows: later ones find the matcher holding the rows of
--   the orders before them, and rows taken out of id order could deadlock with another book's matcher, so they
--   take theirs without waiting; on lock_not_available the batch ends there and the rest waits for the next one.
--   At most 50 orders per batch: each subtransaction that writes takes a subtransaction id, and past 64 in one
--   transaction every snapshot taken on the server gets slower.
-- Internal: the caller holds the book's matcher lock and its book lock.
CREATE OR REPLACE FUNCTION match_waiting_orders(p_certificate_type certificate_type)
RETURNS integer
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    r         order_requests;
    o         orders;
    v_placed  integer := 0;
BEGIN
    FOR r IN SELECT * FROM order_requests
              WHERE certificate_type = p_certificate_type AND processed_at IS NULL
              ORDER BY id LIMIT 50 LOOP
        BEGIN
            o := match_order(r.certificate_type, r.side, r.order_type, r.quantity, r.price, r.market_maker_id,
                             r.entity_id, r.placed_by, r.post_only, NULL, NULL, v_placed = 0);
            UPDATE order_requests SET order_id = o.id, processed_at = now() WHERE id = r.id;
            v_placed := v_placed + 1;
        EXCEPTION
            WHEN lock_not_available THEN
                EXIT;
            WHEN OTHERS THEN
                UPDATE order_requests SET refusal_code = SQLSTATE, refusal_message = SQLERRM, processed_at = now()
                 WHERE id = r.id;
        END;
    END LOOP;
    RETURN v_placed;
END;
$$;
