-- order_asset: what an order of one side locks and pays with: EUR for a BUY, certificates of its book for a
-- SELL. With market_maker_side it is also what a market maker may hold.
CREATE OR REPLACE FUNCTION order_asset(p_side order_side, p_certificate_type certificate_type)
RETURNS asset_type
LANGUAGE sql
STABLE
AS $$
    -- a plain expression (no STRICT), so the planner inlines it where it is asked; STABLE, as the certificate's
    -- name is looked up as an asset (a cast through text), which an IMMUTABLE function could not be inlined with
    SELECT CASE p_side WHEN 'BUY' THEN 'EUR' WHEN 'SELL' THEN p_certificate_type::text END::asset_type;
$$;
