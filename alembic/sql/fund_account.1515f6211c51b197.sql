-- fund_account: an admin deposit into a market maker or a trader's entity, with ledger row and ticket.
-- A market maker is funded only with what it trades (market_maker_assets); an entity with anything; no account past
-- what a balance can hold. check_deposit holds those rules, so core asks the same before a form asks to confirm.
CREATE OR REPLACE FUNCTION fund_account(
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
    PERFORM require_admin(p_created_by, 'fund accounts');
    -- the one balance row first: deactivate_market_maker holds it while it flips is_active, so the
    -- check below sees the market maker and the balance as they are once we hold the lock
    v_balance := lock_account_balance(p_market_maker_id, p_entity_id, p_asset, 'Fund');
    PERFORM check_deposit(v_balance, p_amount);

    RETURN apply_ticketed_change(v_balance, 'DEPOSIT', p_amount, 'FUND_ACCOUNT', p_created_by);
END;
$$;
