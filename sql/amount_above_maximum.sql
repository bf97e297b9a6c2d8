-- amount_above_maximum: why an amount of an asset a person asked for is refused as above max_amount(), in the words
-- core says it under the field it was typed in (core.validation.parse_amount): "Amount 2000000000000 is above the
-- maximum of €1,000,000,000,000 accepted in one operation"; NULL within it. p_what names the field. A rule of what a
-- person may ask for, not of a balance movement: apply_balance_changes sums many orders' locks per balance, which
-- may add up past it.
CREATE OR REPLACE FUNCTION amount_above_maximum(p_what text, p_asset asset_type, p_amount numeric)
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_amount > max_amount() THEN
        format('%s %s is above the maximum of %s%s accepted in one operation', p_what, p_amount,
               CASE WHEN p_asset = 'EUR' THEN '€' ELSE '' END, to_char(max_amount(), 'FM999,999,999,999,999,990'))
    END;
$$;
