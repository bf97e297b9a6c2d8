-- submit_order: core's one call to place an order (core.orders.place_order): enter_order (who may trade for
-- whom, what the order must be, then matching it and the orders waiting for its book, or queueing it in the
-- book's inbox when its matcher is busy), committed with commit_and_flush: the book is free for the next matcher
-- as soon as the work is done, and the outcome comes back once it is on disk.
-- Outcome (outcome, request_id, refusal_code, refusal_message, result) as enter_order returns it: DONE with the
-- order and its fills as JSON, REFUSED with why, or QUEUED with the request to await (accepted: it is on disk).
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
                     p_post_only);
    CALL commit_and_flush();
    SELECT r.outcome, r.request_id, r.refusal_code, r.refusal_message, r.result
      INTO outcome, request_id, refusal_code, refusal_message, result;
END;
$$;
