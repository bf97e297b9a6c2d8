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
    v_ticket    ticket_logs;
BEGIN
    PERFORM require_admin(p_created_by, 'fund accounts');
    IF (p_market_maker_id IS NULL) = (p_entity_id IS NULL) THEN
        PERFORM raise_error('CB400', 'Fund exactly one account: a market maker or an entity');
    END IF;
    -- the one balance row first: deactivate_market_maker holds it while it flips is_active, so the
    -- checks below see the market maker as it is once we hold the lock
    SELECT * INTO v_balance FROM balances
     WHERE id = balance_id_for(p_market_maker_id, p_entity_id, p_asset) FOR UPDATE;

    IF p_market_maker_id IS NOT NULL THEN
        mm := active_market_maker(p_market_maker_id, 'be funded');
        PERFORM refuse_funding_outside_trade(mm.mm_type, p_asset, format('Market maker "%s"', mm.name));
    ELSIF v_balance.id IS NULL THEN
        PERFORM raise_error('CB404', format('Entity %s does not exist', p_entity_id));
    END IF;

    v_ticket := create_ticket(
        'FUND_ACCOUNT', p_created_by,
        CASE WHEN p_market_maker_id IS NULL THEN 'entity' ELSE 'market_maker' END,
        coalesce(p_market_maker_id, p_entity_id),
        jsonb_build_object('asset', p_asset, 'available', v_balance.available, 'locked', v_balance.locked),
        jsonb_build_object('asset', p_asset, 'available', v_balance.available + p_amount,
                           'locked', v_balance.locked, 'deposited', p_amount));
    RETURN apply_balance_change(v_balance.id, 'DEPOSIT', p_amount, 'ticket', v_ticket.id,
                                v_ticket.ticket_id, p_created_by);
END;
$$;
