-- apply_ticketed_change: an admin's DEPOSIT or WITHDRAWAL on one account's balance row (fund_account,
-- withdraw_account): its ticket (p_action) records the balance before and after, then apply_balance_change moves
-- it and writes the ledger row pointing at the ticket. The caller holds the row lock and passed the row as locked.
CREATE OR REPLACE FUNCTION apply_ticketed_change(
    p_balance     balances,
    p_type        transaction_type,
    p_amount      numeric,
    p_action      text,
    p_created_by  bigint
)
RETURNS asset_transactions
LANGUAGE plpgsql
AS $$
DECLARE
    v_ticket  ticket_logs;
BEGIN
    v_ticket := create_ticket(
        p_action, p_created_by,
        CASE WHEN p_balance.market_maker_id IS NULL THEN 'entity' ELSE 'market_maker' END,
        coalesce(p_balance.market_maker_id, p_balance.entity_id),
        jsonb_build_object('asset', p_balance.asset, 'available', p_balance.available, 'locked', p_balance.locked),
        jsonb_build_object('asset', p_balance.asset,
                           'available', p_balance.available + CASE p_type WHEN 'DEPOSIT' THEN p_amount
                                                                          WHEN 'WITHDRAWAL' THEN -p_amount END,
                           'locked', p_balance.locked,
                           CASE p_type WHEN 'DEPOSIT' THEN 'deposited' WHEN 'WITHDRAWAL' THEN 'withdrawn' END,
                           p_amount));
    RETURN apply_balance_change(p_balance.id, p_type, p_amount, 'ticket', v_ticket.id, v_ticket.ticket_id,
                                p_created_by);
END;
$$;
