-- submit_order: core's one call to place an order (core.orders.place_order): enter_order (who may trade for
-- whom, what the order must be, then matching it and the orders waiting for its book, or queueing it in the
-- book's inbox when its matcher stays busy past its wait), committed with commit_and_flush: the book is free for
-- the next matcher as soon as the work is done, and the outcome comes back once it is on disk.
-- Outcome (outcome, request_id, refusal_code, refusal_message, result) as enter_order returns it: DONE with the
-- order and its fills as JSON, REFUSED with why, or QUEUED: the order waits in the inbox under p_request_key (a
-- UUID the caller chose), to collect with await_order. QUEUED is committed without waiting for the disk: nothing
-- is reported yet, and the outcome await_order reports comes after a flush that covers the queued order too; if
-- the server crashes before, the order is either in the inbox under its key (it will be matched) or was never
-- accepted (await_order says the request does not exist), so the caller can always tell which.
-- A caller who may not trade, or a malformed order, is refused with the error itself. CALL it outside a
-- transaction block (autocommit).
CREATE OR REPLACE PROCEDURE submit_order(
    p_user_id           bigint,
    p_certificate_type  certificate_type,
    p_side              order_side,
    p_order_type        order_type,
    p_quantity          bigint,
    p_price             numeric,
    p_market_maker_id   bigint,
    p_post_only         boolean,
    p_request_key       uuid,
    INOUT outcome       text DEFAULT NULL,
    INOUT request_id    bigint DEFAULT NULL,
    INOUT refusal_code  text DEFAULT NULL,
    INOUT refusal_message text DEFAULT NULL,
    INOUT result        text DEFAULT NULL
)
LANGUAGE plpgsql
AS $$
DECLARE
    r  order_outcome;
BEGIN
    r := enter_order(p_user_id, p_certificate_type, p_side, p_order_type, p_quantity, p_price, p_market_maker_id,
                     p_post_only, p_request_key);
    IF r.outcome = 'QUEUED' THEN
        PERFORM set_config('synchronous_commit', 'off', true);  -- nothing reported yet: no need to wait for the disk
    ELSE
        CALL commit_and_flush();
    END IF;
    SELECT r.outcome, r.request_id, r.refusal_code, r.refusal_message, r.result
      INTO outcome, request_id, refusal_code, refusal_message, result;
END;
$$;
