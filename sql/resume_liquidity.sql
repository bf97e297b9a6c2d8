-- resume_liquidity: lift the kill switch and re-enable exactly the policies the pause disabled (a policy an
-- admin disabled or saved since stays as they left it). Its runs then place afresh on their next tick.
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

    v_ticket := create_ticket('RESUME_LIQUIDITY', p_resumed_by, 'liquidity_kill_switch', NULL,
        jsonb_build_object('paused', true, 'reason', v_switch.reason, 'paused_by', v_switch.changed_by,
                           'paused_at', v_switch.changed_at),
        jsonb_build_object('paused', false, 'policies_resumed', v_resumed));
    RETURN QUERY SELECT v_ticket.ticket_id::text, cardinality(v_resumed);
END;
$$;
