-- await_order: the outcome of an order submit_order queued (collect_order: wait for the book's matcher, or
-- become it). A final outcome (DONE, REFUSED) comes back once what it reports is on disk (commit_and_flush);
-- QUEUED again means: still waiting, ask again. CALL it outside a transaction block (autocommit).
CREATE OR REPLACE PROCEDURE await_order(
    p_request_key       uuid,
    p_user_id           bigint,
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
    r := collect_order(p_request_key, p_user_id);
    IF r.outcome <> 'QUEUED' OR pg_current_xact_id_if_assigned() IS NOT NULL THEN
        CALL commit_and_flush();
    END IF;
    SELECT r.outcome, r.request_id, r.refusal_code, r.refusal_message, r.result
      INTO outcome, request_id, refusal_code, refusal_message, result;
END;
$$;
