-- fund_account: an admin deposit into a market maker or a trader's entity, with ledger row and ticket.
-- A market maker is funded only with what it trades (market_maker_assets); an entity with anything.
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
    mm          market_maker_clients;
    v_balance   balances;
BEGIN
    PERFORM require_admin(p_created_by, 'fund accounts');
    -- the one balance row first: deactivate_market_maker holds it while it flips is_active, so the
    -- checks below see the market maker as it is once we hold the lock
    v_balance := lock_account_balance(p_market_maker_id, p_entity_id, p_asset, 'Fund');

    IF p_market_maker_id IS NOT NULL THEN
        mm := active_market_maker(p_market_maker_id, 'be funded');
        PERFORM refuse_funding_outside_trade(mm.mm_type, p_asset, format('Market maker "%s"', mm.name));
    END IF;

    RETURN apply_ticketed_change(v_balance, 'DEPOSIT', p_amount, 'FUND_ACCOUNT', p_created_by);
END;
$$;
