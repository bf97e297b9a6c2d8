-- enter_order: an order entering its book (the work of submit_order): who may trade for whom
-- (acting_account), what the order must be (check_order), then matching, with one matcher per book at a time:
-- whoever gets the book's matcher lock (take_book_matcher: at once when free, else after waiting its turn a
-- while) becomes the matcher: it takes the book lock, matches every order waiting in the book's inbox
-- (match_waiting_orders), then its own, all in its one transaction, which commits them together as the statement
-- ends. An order whose wait for a congested book's matcher ran out goes to the inbox instead (order_requests,
-- under the caller's p_request_key): it is matched by the next matcher (flat combining), and await_order brings
-- back its result.
-- Returns (outcome, request_id, refusal_code, refusal_message, result):
--   DONE     result is the order with its fills (order_result);
--   REFUSED  refusal_code / refusal_message say why; nothing was placed (a malformed order or a caller who may
--            not trade is refused with the error itself, before anything is locked);
--   QUEUED   request_id is in the inbox: await_order until it is DONE or REFUSED.
CREATE OR REPLACE FUNCTION enter_order(
    p_user_id           bigint,
    p_certificate_type  certificate_type,
    p_side              order_side,
    p_order_type        order_type,
    p_quantity          bigint,
    p_price             numeric,
    p_market_maker_id   bigint,
    p_post_only         boolean,
    p_request_key       uuid
)
RETURNS order_outcome
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    a         record;
    o         orders;
    v_placed  integer;
    v_id      bigint;
BEGIN
    SELECT * INTO a FROM acting_account(p_user_id, p_market_maker_id, 'place orders');
    PERFORM check_order(p_certificate_type, p_order_type, p_quantity, p_price, a.account_market_maker_id,
                        a.account_entity_id, p_post_only);

    IF take_book_matcher(p_certificate_type) THEN
        -- the book lock: other writers of the book (cancels, liquidity) take it too
        PERFORM 1 FROM markets WHERE certificate_type = p_certificate_type FOR UPDATE;
        v_placed := match_waiting_orders(p_certificate_type);
        BEGIN
            -- it may wait for its balance rows only while it holds none of orders matched before it
            o := match_order(p_certificate_type, p_side, p_order_type, p_quantity, p_price,
                             a.account_market_maker_id, a.account_entity_id, p_user_id, p_post_only, NULL, NULL,
                             v_placed = 0);
            RETURN ('DONE', NULL, NULL, NULL, order_result(o.id))::order_outcome;
        EXCEPTION
            WHEN lock_not_available THEN
                NULL;  -- another book's matcher holds a balance row it needs: to the inbox, for the next batch
            WHEN OTHERS THEN
                RETURN ('REFUSED', NULL, SQLSTATE, SQLERRM, NULL)::order_outcome;
        END;
    END IF;

    INSERT INTO order_requests (request_key, certificate_type, side, order_type, quantity, price, market_maker_id,
                                entity_id, placed_by, post_only)
    VALUES (p_request_key, p_certificate_type, p_side, p_order_type, p_quantity, p_price, a.account_market_maker_id,
            a.account_entity_id, p_user_id, p_post_only)
    RETURNING id INTO v_id;
    RETURN ('QUEUED', v_id, NULL, NULL, NULL)::order_outcome;
END;
$$;
