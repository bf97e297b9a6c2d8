-- withdraw_account: an admin withdrawal out of a market maker or a trader's entity, with ledger row and ticket.
-- Only what is available can leave: what is locked backs resting orders until they are cancelled or filled.
-- A deactivated market maker may be withdrawn from (unlike funded): returning a retired market maker's funds is
-- what withdrawals are for, and deactivation keeps its balances (and needs it to have no open orders, so all of
-- it is available). Any asset the account holds may leave, not only what it trades: an asset holder's EUR
-- earned selling, a liquidity provider's certificates bought.
CREATE OR REPLACE FUNCTION withdraw_account(
    p_market_maker_id  bigint,
    p_entity_id        bigint,
    p_asset            asset_type,
    p_amount           numeric,
    p_created_by       bigint
)
RETURNS asset_transactions
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance   balances;
BEGIN
    PERFORM require_admin(p_created_by, 'withdraw funds');
    -- the one balance row first: order placement locks it too, so what is available cannot be spent by an order
    -- (or another withdrawal) between the check below and the withdrawal
    v_balance := lock_account_balance(p_market_maker_id, p_entity_id, p_asset, 'Withdraw from');
    PERFORM refuse_invalid_amount(p_asset, p_amount);
    PERFORM check_withdrawal(v_balance, p_amount);

    RETURN apply_ticketed_change(v_balance, 'WITHDRAWAL', p_amount, 'WITHDRAW_ACCOUNT', p_created_by);
END;
$$;
