-- check_deposit: refuse a deposit a balance row cannot take: into a market maker that is deactivated or does not trade
-- the asset, an amount invalid_amount_reason finds no amount of the asset, or one that would take what the account
-- holds of it past balance_capacity. One home for the rule, as check_withdrawal is for withdrawals: fund_account asks
-- it under the row's lock, where it decides; core asks it of the row as it is (core.funding.check_movement), so a
-- form refuses before it asks to confirm an amount that cannot go in, in the very same sentence.
CREATE OR REPLACE FUNCTION check_deposit(p_balance balances, p_amount numeric)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    mm     market_maker_clients;
    v_most numeric := balance_capacity(p_balance.asset);
BEGIN
    IF p_balance.market_maker_id IS NOT NULL THEN
        mm := active_market_maker(p_balance.market_maker_id, 'be funded');
        PERFORM refuse_funding_outside_trade(mm.mm_type, p_balance.asset, format('Market maker "%s"', mm.name));
    END IF;
    PERFORM refuse_invalid_amount(p_balance.asset, p_amount);
    IF p_balance.available + p_balance.locked + p_amount > v_most THEN
        PERFORM raise_error('CB400', format('Cannot fund %s with %s: it would hold %s, above the most one account '
                                            'can hold (%s)',
            account_label(p_balance.id), amount_text(p_balance.asset, p_amount),
            amount_text(p_balance.asset, p_balance.available + p_balance.locked + p_amount),
            amount_text(p_balance.asset, v_most)));
    END IF;
END;
$$;
