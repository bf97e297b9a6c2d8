-- amount_text: an amount as a person reads it in a message, with its unit: €1,000.50 or 5,000 CEA
-- (as the app writes amounts, ui.market_makers_view.amount_text), up to what a balance can hold (balance_capacity).
CREATE OR REPLACE FUNCTION amount_text(p_asset asset_type, p_amount numeric)
RETURNS text
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT CASE WHEN p_asset = 'EUR' THEN '€' || to_char(p_amount, 'FM999,999,999,999,999,990.00')
                ELSE to_char(p_amount, 'FM999,999,999,999,999,990') || ' ' || p_asset END;
$$;
