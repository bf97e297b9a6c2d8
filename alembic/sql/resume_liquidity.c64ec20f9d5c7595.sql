-- resume_liquidity: lift the kill switch and re-enable exactly the policies the pause disabled (a policy an
-- admin disabled or saved since stays as they left it). Its runs then place afresh on their next tick.
-- Every policy enabled once it resumes gets a 'resumed' row among its runs (record_policy_run): by whom, and the
-- pause it ends, so the policy's history says why its orders come back (it read "Withdrawn by the kill switch …",
-- then "Placed", and who resumed was only in the audit log).
--   Locks: the acting admin's lock, every policy row, the kill switch row (the order pause_liquidity takes them).
CREATE OR REPLACE FUNCTION resume_liquidity(p_resumed_by bigint)
RETURNS TABLE (ticket_id text, policies_resumed integer)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_switch   liquidity_kill_switch;
    v_resumed  bigint[];
    v_ticket   ticket_logs;
    v_policy   record;
BEGIN
    PERFORM require_admin(p_resumed_by, 'resume liquidity');
    PERFORM lock_acting_admin(p_resumed_by);
    PERFORM 1 FROM liquidity_policies ORDER BY id FOR UPDATE;
    SELECT * INTO v_switch FROM liquidity_kill_switch FOR UPDATE;
    IF NOT v_switch.paused THEN
        PERFORM raise_error('CB409', 'Liquidity is not paused: there is nothing to resume');
    END IF;

    WITH resumed AS (
        UPDATE liquidity_policies SET enabled = true, paused = false WHERE paused RETURNING id
    )
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v_resumed FROM resumed;
    UPDATE liquidity_kill_switch SET paused = false, reason = NULL, changed_by = p_resumed_by, changed_at = now();

    FOR v_policy IN SELECT id, id = ANY (v_resumed) AS resumed FROM liquidity_policies WHERE enabled ORDER BY id LOOP
        PERFORM record_policy_run(
            v_policy.id, 'resumed',
            format('Liquidity resumed by %s (paused by %s at %s UTC: %s). %s',
                (SELECT username FROM users WHERE id = p_resumed_by),
                (SELECT username FROM users WHERE id = v_switch.changed_by),
                to_char(v_switch.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                rtrim(v_switch.reason, '.'),
                CASE WHEN v_policy.resumed THEN 'The policy is enabled again and places afresh at its next run.'
                     ELSE 'The policy, saved enabled during the pause, places afresh at its next run.' END),
            NULL, 0, 0, NULL, NULL, 1, NULL, p_resumed_by, NULL, NULL);
    END LOOP;

    v_ticket := create_ticket('RESUME_LIQUIDITY', p_resumed_by, 'liquidity_kill_switch', NULL,
        jsonb_build_object('paused', true, 'reason', v_switch.reason, 'paused_by', v_switch.changed_by,
                           'paused_at', v_switch.changed_at),
        jsonb_build_object('paused', false, 'policies_resumed', v_resumed));
    RETURN QUERY SELECT v_ticket.ticket_id::text, cardinality(v_resumed);
END;
$$;
