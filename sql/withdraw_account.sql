-- withdraw_account: an admin withdrawal out of a market maker or a trader's entity, with ledger row and ticket.
-- Only what is available can leave: what is locked backs resting orders, and stays until they are cancelled.
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
    v_ticket    ticket_logs;
BEGIN
    PERFORM require_admin(p_created_by, 'withdraw funds');
    IF (p_market_maker_id IS NULL) = (p_entity_id IS NULL) THEN
        PERFORM raise_error('CB400', 'Withdraw from exactly one account: a market maker or an entity');
    END IF;
    -- the one balance row first: order placement locks it too, so what is available cannot be spent by an order
    -- (or another withdrawal) between the check below and the withdrawal
    SELECT * INTO v_balance FROM balances
     WHERE id = balance_id_for(p_market_maker_id, p_entity_id, p_asset) FOR UPDATE;
    IF v_balance.id IS NULL THEN
        PERFORM raise_error('CB404', CASE WHEN p_market_maker_id IS NULL
                                          THEN format('Entity %s does not exist', p_entity_id)
                                          ELSE format('Market maker %s does not exist', p_market_maker_id) END);
    END IF;
    PERFORM refuse_invalid_amount(p_asset, p_amount);
    IF p_amount > v_balance.available THEN
        PERFORM raise_error('CB402', format('Cannot withdraw %s from %s: only %s is available%s',
            amount_text(p_asset, p_amount), account_label(v_balance.id), amount_text(p_asset, v_balance.available),
            CASE WHEN v_balance.locked > 0
                 THEN format('; the other %s is locked in open orders until they are cancelled or filled',
                             amount_text(p_asset, v_balance.locked))
                 ELSE '' END));
    END IF;

    v_ticket := create_ticket(
        'WITHDRAW_ACCOUNT', p_created_by,
        CASE WHEN p_market_maker_id IS NULL THEN 'entity' ELSE 'market_maker' END,
        coalesce(p_market_maker_id, p_entity_id),
        jsonb_build_object('asset', p_asset, 'available', v_balance.available, 'locked', v_balance.locked),
        jsonb_build_object('asset', p_asset, 'available', v_balance.available - p_amount,
                           'locked', v_balance.locked, 'withdrawn', p_amount));
    RETURN apply_balance_change(v_balance.id, 'WITHDRAWAL', p_amount, 'ticket', v_ticket.id,
                                v_ticket.ticket_id, p_created_by);
END;
$$;
