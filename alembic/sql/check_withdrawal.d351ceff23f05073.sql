-- check_withdrawal: refuse a withdrawal of more than a balance row has available, saying what open orders lock. One
-- home for the rule: withdraw_account asks it under the row's lock, where it decides; core asks it of the row as it
-- is (core.funding.check_movement), so a form refuses before it asks to confirm an amount that cannot leave.
CREATE OR REPLACE FUNCTION check_withdrawal(p_balance balances, p_amount numeric)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF p_amount > p_balance.available THEN
        PERFORM raise_error('CB402', format('Cannot withdraw %s from %s: only %s is available%s',
            amount_text(p_balance.asset, p_amount), account_label(p_balance.id),
            amount_text(p_balance.asset, p_balance.available),
            CASE WHEN p_balance.locked > 0
                 THEN format('; the other %s is locked in open orders until they are cancelled or filled',
                             amount_text(p_balance.asset, p_balance.locked))
                 ELSE '' END));
    END IF;
END;
$$;
