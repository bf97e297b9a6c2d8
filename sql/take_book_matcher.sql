-- take_book_matcher: make the caller its book's matcher: the book's matcher lock (7302, book_matcher_key), held
-- to the end of the caller's transaction. Free, it is taken at once. Busy, it is waited for, in the lock's queue
-- (first come, first served), for at most carbon.matcher_wait (an interval; 100 ms unless set for the session or
-- the database, or when set to what is no interval, which the server log warns of; 0: do not wait). Returns
-- whether the caller holds it; false means the book is congested, and the caller's order goes to the book's inbox
-- for the next matcher's batch (flat combining, enter_order).
--   Why wait at all: on a busy book, waiting in the lock's queue costs an order less than the inbox does (its
--   request row written and read, a second call to collect it, a subtransaction in the batch): with 8 clients on
--   one book, 17% less CPU per order, measured (docs/order-matching.md, Throughput).
--   Why only a while: past it, orders arrive faster than one at a time can match them, and a batch amortises its
--   transaction over many.
-- Internal: called by enter_order before it takes the book lock.
CREATE OR REPLACE FUNCTION take_book_matcher(p_certificate_type certificate_type)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_key      integer := book_matcher_key(p_certificate_type);
    v_setting  text;
    v_wait     interval := interval '100 milliseconds';
    v_timeout  text;
    v_taken    boolean;
BEGIN
    IF pg_try_advisory_xact_lock(7302, v_key) THEN
        RETURN true;
    END IF;
    v_setting := nullif(current_setting('carbon.matcher_wait', true), '');
    BEGIN
        v_wait := coalesce(v_setting::interval, v_wait);
    EXCEPTION
        WHEN data_exception THEN  -- a typo in a tuning setting must not stop trading: the default, and a warning
            RAISE WARNING 'carbon.matcher_wait is set to "%", which is not an interval: waiting 100 ms', v_setting;
    END;
    IF v_wait <= interval '0' THEN
        RETURN false;
    END IF;
    -- lock_timeout bounds the wait, in ms from 1 (0 would mean no bound) to its largest; the caller's own is put
    -- back after (set outside the block below, so its rollback on a timeout keeps the setting)
    v_timeout := current_setting('lock_timeout');
    PERFORM set_config('lock_timeout',
                       least(greatest(1, ceil(extract(epoch FROM v_wait) * 1000)), 2147483647)::text, true);
    BEGIN
        PERFORM pg_advisory_xact_lock(7302, v_key);  -- taken in this block, kept by the transaction
        v_taken := true;
    EXCEPTION
        WHEN lock_not_available THEN
            v_taken := false;
    END;
    PERFORM set_config('lock_timeout', v_timeout, true);
    RETURN v_taken;
END;
$$;
