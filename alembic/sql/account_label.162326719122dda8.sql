-- account_label: how a person names the owner of a balance row in an error message: a market maker, or a trader
-- firm (an entity, as the Trader Firms page and the trader's own pages call it).
CREATE OR REPLACE FUNCTION account_label(p_balance_id bigint)
RETURNS text
LANGUAGE sql
STABLE
AS $$
    SELECT coalesce('market maker "' || m.name || '"', 'trader firm "' || e.name || '"')
    FROM balances b
    LEFT JOIN market_maker_clients m ON m.id = b.market_maker_id
    LEFT JOIN entities e ON e.id = b.entity_id
    WHERE b.id = p_balance_id;
$$;
