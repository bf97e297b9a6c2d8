-- pause_liquidity: the kill switch. In one transaction: withdraws every resting order placed by any liquidity
-- policy (both books), unlocking exactly what each held, disables every enabled policy (marking it as disabled
-- by the pause, so resume_liquidity re-enables exactly those), and records who paused and why, with tickets.
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

    v_ticket := create_ticket('PAUSE_LIQUIDITY', p_paused_by, 'liquidity_kill_switch', NULL,
        jsonb_build_object('paused', false),
        jsonb_build_object('paused', true, 'reason', btrim(p_reason), 'policies_paused', v_paused,
                           'orders_withdrawn', v_withdrawn.orders, 'eur_unlocked', v_withdrawn.eur,
                           'certificates_unlocked', v_withdrawn.certificates));
    RETURN QUERY SELECT v_ticket.ticket_id::text, v_withdrawn.orders::integer, v_withdrawn.eur,
                        v_withdrawn.certificates, cardinality(v_paused);
END;
$$;
