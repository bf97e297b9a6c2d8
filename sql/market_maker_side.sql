-- market_maker_side: the one home of "a liquidity provider buys, an asset holder sells". With order_asset it
-- says what each kind of market maker holds and locks (EUR for a liquidity provider, certificates for an asset
-- holder); every function, view and core module asks these two instead of spelling the rule again.
CREATE OR REPLACE FUNCTION market_maker_side(p_mm_type market_maker_type)
RETURNS order_side
LANGUAGE sql
IMMUTABLE
AS $$
    -- a plain expression of constants (no STRICT, no cast at run time), so the planner inlines it where it is asked
    SELECT CASE p_mm_type WHEN 'LIQUIDITY_PROVIDER' THEN 'BUY'::order_side WHEN 'ASSET_HOLDER' THEN 'SELL'::order_side END;
$$;
