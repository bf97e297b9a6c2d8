-- order_asset: what an order of one side locks and pays with: EUR for a BUY, certificates of its book for a
-- SELL. With market_maker_side it is also what a market maker may hold.
CREATE OR REPLACE FUNCTION order_asset(p_side order_side, p_certificate_type certificate_type)
RETURNS asset_type
LANGUAGE sql
IMMUTABLE
STRICT
AS $$
    SELECT CASE p_side WHEN 'BUY' THEN 'EUR' ELSE p_certificate_type::text END::asset_type;
$$;
