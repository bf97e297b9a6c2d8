-- save_liquidity_policy: create or update the one liquidity policy of a book (admins only), with a
-- SAVE_LIQUIDITY_POLICY ticket holding the policy before and after. The admin who saves it is the one its runs
-- act as. Saving clears "disabled by the kill switch": the admin has just chosen enabled or not. A policy runs on
-- an interval or on a cron, never both (p_interval_seconds NULL on a cron).
-- The table's CHECKs refuse out-of-range values; core validates first, with a message per field.
CREATE OR REPLACE FUNCTION save_liquidity_policy(
    p_certificate_type       certificate_type,
    p_bid_depth_eur          numeric,
    p_ask_depth_eur          numeric,
    p_refresh_tolerance_pct  numeric,
    p_top_up_below_pct       numeric,
    p_max_order_age_minutes  integer,
    p_price_floor            numeric,
    p_price_ceiling          numeric,
    p_dynamic_spread         boolean,
    p_interval_seconds       integer,
    p_cron                   text,
    p_enabled                boolean,
    p_notes                  text,
    p_saved_by               bigint
)
RETURNS liquidity_policies
LANGUAGE plpgsql
AS $$
DECLARE
    v_before  liquidity_policies;
    v_after   liquidity_policies;
BEGIN
    PERFORM require_admin(p_saved_by, 'save a liquidity policy');
    -- amounts typed by a person: within the maximum, named by their fields' labels (core.liquidity_policies)
    PERFORM refuse_amount_above_maximum('BID target (EUR)', 'EUR', p_bid_depth_eur);
    PERFORM refuse_amount_above_maximum('ASK target (EUR)', 'EUR', p_ask_depth_eur);
    PERFORM refuse_amount_above_maximum('Price floor (EUR)', 'EUR', p_price_floor);
    PERFORM refuse_amount_above_maximum('Price ceiling (EUR)', 'EUR', p_price_ceiling);
    -- one schedule, an interval or a cron (the table's CHECK holds it; said here in core's words)
    IF p_interval_seconds IS NULL AND p_cron IS NULL THEN
        PERFORM raise_error('CB400', 'Run interval (seconds) is required, or a cron instead');
    ELSIF p_interval_seconds IS NOT NULL AND p_cron IS NOT NULL THEN
        PERFORM raise_error('CB400', format('Run on an interval or on a cron, not both: clear the run interval to run '
            'on cron ''%s'', or clear the cron to run every %s s', p_cron, p_interval_seconds));
    END IF;
    SELECT * INTO v_before FROM liquidity_policies WHERE certificate_type = p_certificate_type FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO liquidity_policies (
            certificate_type, bid_depth_eur, ask_depth_eur, refresh_tolerance_pct, top_up_below_pct,
            max_order_age_minutes, price_floor, price_ceiling, dynamic_spread, interval_seconds, cron, enabled,
            notes, updated_by)
        VALUES (p_certificate_type, p_bid_depth_eur, p_ask_depth_eur, p_refresh_tolerance_pct, p_top_up_below_pct,
                p_max_order_age_minutes, p_price_floor, p_price_ceiling, p_dynamic_spread, p_interval_seconds, p_cron,
                p_enabled, p_notes, p_saved_by)
        ON CONFLICT (certificate_type) DO NOTHING
        RETURNING * INTO v_after;
        IF v_after.id IS NULL THEN  -- a concurrent first save won the insert: update what it created
            SELECT * INTO v_before FROM liquidity_policies WHERE certificate_type = p_certificate_type FOR UPDATE;
        END IF;
    END IF;
    IF v_before.id IS NOT NULL THEN
        UPDATE liquidity_policies
           SET bid_depth_eur = p_bid_depth_eur, ask_depth_eur = p_ask_depth_eur,
               refresh_tolerance_pct = p_refresh_tolerance_pct, top_up_below_pct = p_top_up_below_pct,
               max_order_age_minutes = p_max_order_age_minutes, price_floor = p_price_floor,
               price_ceiling = p_price_ceiling, dynamic_spread = p_dynamic_spread,
               interval_seconds = p_interval_seconds, cron = p_cron, enabled = p_enabled, paused = false,
               notes = p_notes, updated_by = p_saved_by, updated_at = now()
         WHERE id = v_before.id
        RETURNING * INTO v_after;
    END IF;
    PERFORM create_ticket('SAVE_LIQUIDITY_POLICY', p_saved_by, 'liquidity_policy', v_after.id,
                          CASE WHEN v_before.id IS NULL THEN NULL ELSE to_jsonb(v_before) END, to_jsonb(v_after));
    RETURN v_after;
END;
$$;
