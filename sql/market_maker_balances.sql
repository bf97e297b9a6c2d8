-- market_maker_balances: one row per market maker with available/locked of every asset (whatever it holds:
-- an asset holder earns EUR by selling, a liquidity provider certificates by buying) and the assets it is
-- funded with (market_maker_assets).
CREATE OR REPLACE VIEW market_maker_balances AS
SELECT m.id, m.name, m.mm_type, m.eur_balance, m.is_active, m.created_by, m.created_at, m.updated_at,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'EUR'), 0) AS eur_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'EUR'), 0) AS eur_locked,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'CEA'), 0) AS cea_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'CEA'), 0) AS cea_locked,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'EUA'), 0) AS eua_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'EUA'), 0) AS eua_locked,
       (SELECT count(*) FROM orders o
         WHERE o.market_maker_id = m.id AND o.status IN ('OPEN', 'PARTIALLY_FILLED')) AS open_orders,
       market_maker_assets(m.mm_type)::text[] AS held_assets
FROM market_maker_clients m
LEFT JOIN balances b ON b.market_maker_id = m.id
GROUP BY m.id;
