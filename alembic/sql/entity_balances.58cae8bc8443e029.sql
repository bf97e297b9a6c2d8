-- entity_balances: one row per trader entity with available/locked of every asset.
CREATE OR REPLACE VIEW entity_balances AS
SELECT e.id, e.name, e.created_at,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'EUR'), 0) AS eur_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'EUR'), 0) AS eur_locked,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'CEA'), 0) AS cea_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'CEA'), 0) AS cea_locked,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'EUA'), 0) AS eua_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'EUA'), 0) AS eua_locked
FROM entities e
LEFT JOIN balances b ON b.entity_id = e.id
GROUP BY e.id;
