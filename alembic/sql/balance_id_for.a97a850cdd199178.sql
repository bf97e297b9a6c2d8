-- balance_id_for: the balance row of one account (a market maker or an entity) for one asset.
CREATE OR REPLACE FUNCTION balance_id_for(p_market_maker_id bigint, p_entity_id bigint, p_asset asset_type)
RETURNS bigint
LANGUAGE sql
STABLE
AS $$
    SELECT id FROM balances
    WHERE asset = p_asset
      AND (market_maker_id = p_market_maker_id OR entity_id = p_entity_id);
$$;
