-- create_account_balances: the three zero balance rows (EUR, CEA, EUA) every account owns from birth.
CREATE OR REPLACE FUNCTION create_account_balances(p_market_maker_id bigint, p_entity_id bigint)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO balances (market_maker_id, entity_id, asset)
    SELECT p_market_maker_id, p_entity_id, a FROM unnest(enum_range(NULL::asset_type)) AS a;
$$;
