-- market_maker_assets: every asset a market maker of this type may hold and be funded with (a liquidity
-- provider: EUR; an asset holder: the certificates of every book), from market_maker_side and order_asset.
CREATE OR REPLACE FUNCTION market_maker_assets(p_mm_type market_maker_type)
RETURNS asset_type[]
LANGUAGE sql
IMMUTABLE
STRICT
AS $$
    SELECT array_agg(DISTINCT a ORDER BY a)
      FROM unnest(enum_range(NULL::certificate_type)) AS c,
           LATERAL order_asset(market_maker_side(p_mm_type), c) AS a;
$$;
