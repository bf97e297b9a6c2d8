-- pause_liquidity: the kill switch. In one transaction: withdraws every resting order placed by any liquidity
-- policy (both books), unlocking exactly what each held, disables every enabled policy (marking it as disabled
-- by the pause, so resume_liquidity re-enables exactly those), and records who paused and why, with tickets.
-- Every policy it withdrew orders of or paused gets a 'kill_switch' row among its runs (record_policy_run): what
-- was withdrawn, by whom and why, so the policy's history says where its orders went.
--   Locks: the acting admin's lock, both books (CEA, EUA), every policy row, the kill switch row, then the
--   balance rows of the resting orders in id order (withdraw_liquidity_orders).
CREATE OR REPLACE FUNCTION pause_liquidity(p_paused_by bigint, p_reason text)
RETURNS TABLE (ticket_id text, orders_withdrawn integer, eur_unlocked numeric, certificates_unlocked numeric,
               policies_paused integer)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_switch     liquidity_kill_switch;
    v_withdrawn  record;
    v_paused     bigint[];
    v_ticket     ticket_logs;
    v_by         text;
    v_before     jsonb;
    v_policy     record;
BEGIN
    PERFORM require_admin(p_paused_by, 'pause liquidity');
    IF p_reason IS NULL OR btrim(p_reason) = '' THEN
        PERFORM raise_error('CB400', 'Say why liquidity is paused: the reason is shown to everyone until it resumes');
    END IF;
    PERFORM lock_acting_admin(p_paused_by);
    PERFORM 1 FROM markets ORDER BY certificate_type FOR UPDATE;
    PERFORM 1 FROM liquidity_policies ORDER BY id FOR UPDATE;
    SELECT * INTO v_switch FROM liquidity_kill_switch FOR UPDATE;
    IF v_switch.paused THEN
        PERFORM raise_error('CB409', format('Liquidity is already paused (since %s UTC, by %s): %s',
            to_char(v_switch.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
            (SELECT username FROM users WHERE id = v_switch.changed_by), v_switch.reason));
    END IF;

    -- what each policy has resting, per side, before it is withdrawn: its kill-switch run says it
    SELECT coalesce(jsonb_object_agg(policy_id, jsonb_build_object(
               'orders', orders, 'bid', bid, 'ask', ask, 'certificates', certificates)), '{}')
      INTO v_before
      FROM (SELECT policy_id, count(*) AS orders,
                   coalesce(sum(resting_eur) FILTER (WHERE side = 'BUY'), 0) AS bid,
                   coalesce(sum(resting_eur) FILTER (WHERE side = 'SELL'), 0) AS ask,
                   coalesce(sum(remaining_quantity) FILTER (WHERE side = 'SELL'), 0) AS certificates
              FROM liquidity_policy_orders GROUP BY policy_id) per_policy;

    SELECT count(*) AS operations, coalesce(sum(w.orders_cancelled), 0) AS orders,
           coalesce(sum(w.eur_unlocked), 0) AS eur, coalesce(sum(w.certificates_unlocked), 0) AS certificates
      INTO v_withdrawn
      FROM withdraw_liquidity_orders(ARRAY(SELECT id FROM liquidity_policy_orders ORDER BY id), p_paused_by,
                                     'kill switch: ' || btrim(p_reason)) w;

    WITH paused AS (
        UPDATE liquidity_policies SET enabled = false, paused = true WHERE enabled RETURNING id
    )
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v_paused FROM paused;
    UPDATE liquidity_kill_switch
       SET paused = true, reason = btrim(p_reason), changed_by = p_paused_by, changed_at = now();

    v_by := (SELECT username FROM users WHERE id = p_paused_by);
    FOR v_policy IN
        SELECT lp.id, lp.id = ANY (v_paused) AS paused,
               coalesce((b.was ->> 'orders')::integer, 0) AS orders,
               coalesce((b.was ->> 'bid')::numeric, 0) AS bid, coalesce((b.was ->> 'ask')::numeric, 0) AS ask,
               amount_text(lp.certificate_type::text::asset_type, coalesce((b.was ->> 'certificates')::numeric, 0))
                   AS certificates
          FROM liquidity_policies lp CROSS JOIN LATERAL (SELECT v_before -> lp.id::text AS was) b
         WHERE b.was IS NOT NULL OR lp.id = ANY (v_paused)
         ORDER BY lp.id
    LOOP
        PERFORM record_policy_run(
            v_policy.id, 'kill_switch',
            format('Liquidity paused by %s: %s. %s; %s.', v_by, rtrim(btrim(p_reason), '.'),
                CASE WHEN v_policy.orders = 0 THEN 'Nothing was resting'
                     ELSE format('Withdrew %s resting %s, %s', v_policy.orders,
                                 CASE WHEN v_policy.orders = 1 THEN 'order' ELSE 'orders' END,
                                 array_to_string(ARRAY[
                                     CASE WHEN v_policy.bid > 0 THEN 'BID ' || amount_text('EUR', v_policy.bid) END,
                                     CASE WHEN v_policy.ask > 0
                                          THEN format('ASK %s (%s)', amount_text('EUR', v_policy.ask),
                                                      v_policy.certificates) END], ' and ')) END,
                CASE WHEN v_policy.paused THEN 'the policy runs again when liquidity is resumed'
                     ELSE 'the policy was disabled and stays so' END),
            NULL, 0, v_policy.orders, NULL, NULL, 1, NULL, p_paused_by, v_policy.bid, v_policy.ask);
    END LOOP;

    v_ticket := create_ticket('PAUSE_LIQUIDITY', p_paused_by, 'liquidity_kill_switch', NULL,
        jsonb_build_object('paused', false),
        jsonb_build_object('paused', true, 'reason', btrim(p_reason), 'policies_paused', v_paused,
                           'orders_withdrawn', v_withdrawn.orders, 'eur_unlocked', v_withdrawn.eur,
                           'certificates_unlocked', v_withdrawn.certificates));
    RETURN QUERY SELECT v_ticket.ticket_id::text, v_withdrawn.orders::integer, v_withdrawn.eur,
                        v_withdrawn.certificates, cardinality(v_paused);
END;
$$;
