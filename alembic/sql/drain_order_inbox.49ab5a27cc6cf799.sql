-- drain_order_inbox: match what waits in one book's inbox when no client is left to do it (the submitter of an
-- accepted order crashed before await_order, and no order came to that book since): a periodic job calls it for
-- every book. It does nothing while the book's matcher is at work (that matcher, or the next, takes the inbox).
-- Returns how many waiting orders it placed (refused ones are recorded on their requests).
CREATE OR REPLACE FUNCTION drain_order_inbox(p_certificate_type certificate_type)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7302, book_matcher_key(p_certificate_type)) THEN
        RETURN 0;
    END IF;
    PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR UPDATE;
    RETURN match_waiting_orders(p_certificate_type);
END;
$$;
