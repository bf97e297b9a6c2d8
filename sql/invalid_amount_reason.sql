-- invalid_amount_reason: the one home in SQL of what an amount of an asset may be: a positive number, EUR in cents,
-- certificates in whole units. NULL for an amount that may be moved, else why not, as a sentence. A plain SQL
-- expression, so a set-based check (apply_balance_changes) inlines it into its scan instead of calling it per row.
CREATE OR REPLACE FUNCTION invalid_amount_reason(p_asset asset_type, p_amount numeric)
RETURNS text
LANGUAGE sql
STABLE
AS $$
    SELECT CASE
        WHEN p_amount IS NULL OR p_amount <= 0 OR p_amount = 'NaN'
            THEN format('Amount must be a positive number, got %s', p_amount)
        WHEN p_asset = 'EUR' AND p_amount <> round(p_amount, 2)
            THEN format('EUR amounts have at most 2 decimals, got %s', p_amount)
        WHEN p_asset <> 'EUR' AND p_amount <> trunc(p_amount)
            THEN format('%s certificates are whole units, got %s', p_asset, p_amount)
    END;
$$;
