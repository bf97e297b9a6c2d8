-- record_policy_run: append one run of a liquidity policy (every run, skipped ones included), with the policy's
-- targets, what rested on each side when the run began (p_*_before, read by the run under its locks) and what
-- rests once it is done, read here so the record is exact (NULL before: what rests now, the run changed nothing).
CREATE OR REPLACE FUNCTION record_policy_run(
    p_policy_id          bigint,
    p_action             text,
    p_reason             text,
    p_operation_id       bigint,
    p_placed_orders      integer,
    p_withdrawn_orders   integer,
    p_reference_price    numeric,
    p_price_source       text,
    p_spread_multiplier  numeric,
    p_volatility         numeric,
    p_acted_by           bigint,
    p_bid_before         numeric,
    p_ask_before         numeric
)
RETURNS liquidity_policy_runs
LANGUAGE sql
AS $$
    WITH resting AS (
        SELECT coalesce(sum(resting_eur) FILTER (WHERE side = 'BUY'), 0) AS bid,
               coalesce(sum(resting_eur) FILTER (WHERE side = 'SELL'), 0) AS ask
          FROM liquidity_policy_orders WHERE policy_id = p_policy_id
    )
    INSERT INTO liquidity_policy_runs (
        policy_id, certificate_type, action, reason, operation_id, placed_orders, withdrawn_orders, reference_price,
        price_source, spread_multiplier, volatility, bid_target_eur, ask_target_eur, bid_resting_before_eur,
        ask_resting_before_eur, bid_resting_eur, ask_resting_eur, acted_by)
    SELECT lp.id, lp.certificate_type, p_action, p_reason, p_operation_id, p_placed_orders, p_withdrawn_orders,
           p_reference_price, p_price_source, p_spread_multiplier, p_volatility, lp.bid_depth_eur, lp.ask_depth_eur,
           coalesce(p_bid_before, r.bid), coalesce(p_ask_before, r.ask), r.bid, r.ask, p_acted_by
      FROM liquidity_policies lp, resting r
     WHERE lp.id = p_policy_id
    RETURNING *;
$$;
