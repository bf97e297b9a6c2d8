-- create_liquidity_operations: several books' liquidity plans, all or nothing (the "both certificates" choice).
--   p_requests is [{"certificate_type": "CEA", "plan": [...as create_liquidity_operation...], "target_bid": …,
--   "target_ask": …, "reference_price": …, "price_source": …, "spread_multiplier": …, "volatility": …}, ...].
--   Locks: the acting admin's lock, every book of the requests in a fixed order (CEA before EUA), then the balance
--   rows of every plan at once, sorted by id (a liquidity provider's EUR serves both books: locking per book would
--   take its row out of order). Then create_liquidity_operation places each book's plan, book by book; any refusal
--   (a balance short, the book moved) rolls back every book. An idempotency key k is used as "k:CEA", "k:EUA".
CREATE OR REPLACE FUNCTION create_liquidity_operations(
    p_requests         jsonb,
    p_created_by       bigint,
    p_notes            text,
    p_idempotency_key  text,
    p_rate_limit       integer
)
RETURNS SETOF liquidity_operations
LANGUAGE plpgsql
AS $$
DECLARE
    v_request  record;
BEGIN
    PERFORM require_admin(p_created_by, 'create liquidity');
    IF p_requests IS NULL OR jsonb_typeof(p_requests) <> 'array' OR jsonb_array_length(p_requests) = 0 THEN
        PERFORM raise_error('CB400', 'Liquidity for several books needs at least one book''s plan');
    END IF;
    IF (SELECT count(DISTINCT r->>'certificate_type') FROM jsonb_array_elements(p_requests) r)
       <> jsonb_array_length(p_requests) THEN
        PERFORM raise_error('CB400', 'Each book may appear once in liquidity for several books');
    END IF;

    PERFORM lock_acting_admin(p_created_by);
    PERFORM 1 FROM markets
     WHERE certificate_type IN (SELECT (r->>'certificate_type')::certificate_type
                                  FROM jsonb_array_elements(p_requests) r)
     ORDER BY certificate_type
       FOR UPDATE;
    PERFORM lock_balances(ARRAY(
        SELECT balance_id_for(m.id, NULL, order_asset(market_maker_side(m.mm_type),
                                                      (r->>'certificate_type')::certificate_type))
          FROM jsonb_array_elements(p_requests) r,
               jsonb_to_recordset(r->'plan') AS x(mm_id bigint)
          JOIN market_maker_clients m ON m.id = x.mm_id));

    FOR v_request IN
        SELECT (r->>'certificate_type')::certificate_type AS certificate_type, r->'plan' AS plan,
               (r->>'target_bid')::numeric AS target_bid, (r->>'target_ask')::numeric AS target_ask,
               (r->>'reference_price')::numeric AS reference_price, r->>'price_source' AS price_source,
               coalesce((r->>'spread_multiplier')::numeric, 1) AS spread_multiplier,
               (r->>'volatility')::numeric AS volatility
          FROM jsonb_array_elements(p_requests) r
         ORDER BY 1
    LOOP
        RETURN QUERY SELECT * FROM create_liquidity_operation(
            v_request.certificate_type, v_request.plan, v_request.target_bid, v_request.target_ask,
            v_request.reference_price, v_request.price_source, p_created_by, p_notes,
            p_idempotency_key || ':' || v_request.certificate_type, p_rate_limit, NULL,
            v_request.spread_multiplier, v_request.volatility);
    END LOOP;
END;
$$;
