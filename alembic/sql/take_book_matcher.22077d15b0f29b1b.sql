-- take_book_matcher: make the caller its book's matcher: the book's matcher lock (7302, book_matcher_key), held
-- to the end of the caller's transaction. Free, it is taken at once. Busy, it is waited for, in the lock's queue
-- (first come, first served), for at most carbon.matcher_wait (an interval; 100 ms unless set for the session or
-- the database; 0: do not wait). Returns whether the caller holds it; false means the book is congested, and the
-- caller's order goes to the book's inbox for the next matcher's batch (flat combining, enter_order).
--   Why wait at all: on a busy book, waiting in the lock's queue costs an order a fraction of what the inbox costs
--   (its request row written and read, a second call to collect it, a subtransaction in the batch): with 8
--   clients on one book, 28% less CPU per order and 25% more orders per second, measured (docs/order-matching.md).
--   Why only a while: past it, orders arrive faster than one at a time can match them, and a batch amortises its
--   transaction over many.
-- Internal: called by enter_order before it takes the book lock.
CREATE OR REPLACE FUNCTION take_book_matcher(p_certificate_type certificate_type)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_key      integer := book_matcher_key(p_certificate_type);
    v_wait     interval := coalesce(nullif(current_setting('carbon.matcher_wait', true), ''), '100 milliseconds');
    v_timeout  text := current_setting('lock_timeout');
BEGIN
    IF pg_try_advisory_xact_lock(7302, v_key) THEN
        RETURN true;
    ELSIF v_wait <= interval '0' THEN
        RETURN false;
    END IF;
    -- lock_timeout bounds the wait (0 would mean no bound: at least 1 ms); the caller's own is put back after
    PERFORM set_config('lock_timeout', greatest(1, ceil(extract(epoch FROM v_wait) * 1000))::text, true);
    BEGIN
        PERFORM pg_advisory_xact_lock(7302, v_key);  -- taken in this block, kept by the transaction
    EXCEPTION
        WHEN lock_not_available THEN
            PERFORM set_config('lock_timeout', v_timeout, true);
            RETURN false;
    END;
    PERFORM set_config('lock_timeout', v_timeout, true);
    RETURN true;
END;
$$;
