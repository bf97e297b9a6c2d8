-- refuse_invalid_amount: the one home in SQL of what an amount of an asset may be (CB400): a positive number,
-- EUR in cents, certificates in whole units. apply_balance_change asks it for every movement; a write that
-- must judge an amount before moving it (withdraw_account, before it compares it with what is available) asks
-- it first, so a malformed amount is named as such and never as a shortfall.
CREATE OR REPLACE FUNCTION refuse_invalid_amount(p_asset asset_type, p_amount numeric)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF p_amount IS NULL OR p_amount <= 0 OR p_amount = 'NaN' THEN
        PERFORM raise_error('CB400', format('Amount must be a positive number, got %s', p_amount));
    END IF;
    IF p_asset = 'EUR' AND p_amount <> round(p_amount, 2) THEN
        PERFORM raise_error('CB400', format('EUR amounts have at most 2 decimals, got %s', p_amount));
    END IF;
    IF p_asset <> 'EUR' AND p_amount <> trunc(p_amount) THEN
        PERFORM raise_error('CB400', format('%s certificates are whole units, got %s', p_asset, p_amount));
    END IF;
END;
$$;
