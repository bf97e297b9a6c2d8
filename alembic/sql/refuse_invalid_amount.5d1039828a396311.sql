-- refuse_invalid_amount: refuses (CB400) an amount invalid_amount_reason finds no amount of the asset, or one above
-- max_amount() (amount_above_maximum, named "Amount" as core names it): what a person may ask to move. Every
-- balance movement is checked by apply_balance_changes; a write that must judge an amount before moving it
-- (withdraw_account, before it compares it with what is available) asks this first, so a malformed amount is
-- named as such and never as a shortfall.
CREATE OR REPLACE FUNCTION refuse_invalid_amount(p_asset asset_type, p_amount numeric)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_reason text := coalesce(invalid_amount_reason(p_asset, p_amount),
                              amount_above_maximum('Amount', p_asset, p_amount));
BEGIN
    IF v_reason IS NOT NULL THEN
        PERFORM raise_error('CB400', v_reason);
    END IF;
END;
$$;
