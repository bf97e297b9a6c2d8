-- collect_order: the outcome of an order enter_order put in the inbox, once the book's matcher has matched it
-- (the work of await_order).
-- It waits for the matcher at work on the book, if any (its lock taken shared and dropped at once: a barrier
-- every waiter passes together), then reads the request. Still waiting: the order came in after that matcher
-- read the inbox, so this call takes the matcher lock, waiting for it (an exclusive request queues ahead of
-- later shared ones, so the other waiters' barriers cannot keep it out), and matches the inbox itself unless the
-- matcher it waited for has matched the order meanwhile.
-- Returns the outcome as enter_order does (QUEUED again when it is still waiting: ask again). Refused (CB404)
-- for a request key the user has not queued (or whose order a crash took back before it was on disk).
CREATE OR REPLACE FUNCTION collect_order(p_request_key uuid, p_user_id bigint)
RETURNS order_outcome
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    r      order_requests;
    v_key  integer;
BEGIN
    SELECT * INTO r FROM order_requests WHERE request_key = p_request_key AND placed_by = p_user_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Order request %s does not exist', p_request_key));
    END IF;
    v_key := book_matcher_key(r.certificate_type);
    IF r.processed_at IS NULL THEN
        PERFORM pg_advisory_lock_shared(7302, v_key);
        PERFORM pg_advisory_unlock_shared(7302, v_key);
        SELECT * INTO r FROM order_requests WHERE id = r.id;
    END IF;
    IF r.processed_at IS NULL THEN
        -- waiting, not trying: a try fails whenever another waiter is passing the barrier, and waiters that only
        -- ever try keep each other out while their orders wait (measured: 8 clients, 6 awaits in 10 gave up)
        PERFORM pg_advisory_xact_lock(7302, v_key);
        SELECT * INTO r FROM order_requests WHERE id = r.id;
        IF r.processed_at IS NULL THEN
            PERFORM 1 FROM markets WHERE certificate_type = r.certificate_type FOR UPDATE;
            PERFORM match_waiting_orders(r.certificate_type);
            SELECT * INTO r FROM order_requests WHERE id = r.id;  -- placed, refused, or left for the next batch
        END IF;
    END IF;
    IF r.processed_at IS NULL THEN
        RETURN ('QUEUED', r.id, NULL, NULL, NULL)::order_outcome;
    ELSIF r.order_id IS NULL THEN
        RETURN ('REFUSED', r.id, r.refusal_code, r.refusal_message, NULL)::order_outcome;
    END IF;
    RETURN ('DONE', r.id, NULL, NULL, order_result(r.order_id))::order_outcome;
END;
$$;
