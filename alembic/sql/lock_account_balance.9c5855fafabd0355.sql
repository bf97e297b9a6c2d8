-- lock_account_balance: for an admin movement (fund_account, withdraw_account), the balance row of one asset of
-- exactly one account, a market maker or an entity, locked FOR UPDATE; refused when the account does not exist.
-- p_doing starts "… exactly one account" ('Fund', 'Withdraw from'). Each caller says why it locks the row first.
CREATE OR REPLACE FUNCTION lock_account_balance(
    p_market_maker_id  bigint,
    p_entity_id        bigint,
    p_asset            asset_type,
    p_doing            text
)
RETURNS balances
LANGUAGE plpgsql
AS $$
DECLARE
    v_balance  balances;
BEGIN
    IF (p_market_maker_id IS NULL) = (p_entity_id IS NULL) THEN
        PERFORM raise_error('CB400', format('%s exactly one account: a market maker or an entity', p_doing));
    END IF;
    SELECT * INTO v_balance FROM balances
     WHERE id = balance_id_for(p_market_maker_id, p_entity_id, p_asset) FOR UPDATE;
    IF v_balance.id IS NULL THEN
        PERFORM raise_error('CB404', CASE WHEN p_market_maker_id IS NULL
                                          THEN format('Entity %s does not exist', p_entity_id)
                                          ELSE format('Market maker %s does not exist', p_market_maker_id) END);
    END IF;
    RETURN v_balance;
END;
$$;
