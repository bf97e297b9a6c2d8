-- record_policy_run: append one run of a liquidity policy (every run, skipped ones included), with the policy's
-- targets and what rests on each side once the run is done, read here so the record is exact.
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
    p_acted_by           bigint
)
RETURNS liquidity_policy_runs
LANGUAGE sql
AS $$
    INSERT INTO liquidity_policy_runs (
        policy_id, certificate_type, action, reason, operation_id, placed_orders, withdrawn_orders, reference_price,
        price_source, spread_multiplier, volatility, bid_target_eur, ask_target_eur, bid_resting_eur, ask_resting_eur,
        acted_by)
    SELECT lp.id, lp.certificate_type, p_action, p_reason, p_operation_id, p_placed_orders, p_withdrawn_orders,
           p_reference_price, p_price_source, p_spread_multiplier, p_volatility, lp.bid_depth_eur, lp.ask_depth_eur,
           coalesce((SELECT sum(o.resting_eur) FROM liquidity_policy_orders o
                      WHERE o.policy_id = lp.id AND o.side = 'BUY'), 0),
           coalesce((SELECT sum(o.resting_eur) FROM liquidity_policy_orders o
                      WHERE o.policy_id = lp.id AND o.side = 'SELL'), 0),
           p_acted_by
      FROM liquidity_policies lp
     WHERE lp.id = p_policy_id
    RETURNING *;
$$;
