-- entity_balances: one row per trader entity with available/locked of every asset and its active traders.
CREATE OR REPLACE VIEW entity_balances AS
SELECT e.id, e.name, e.created_at,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'EUR'), 0) AS eur_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'EUR'), 0) AS eur_locked,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'CEA'), 0) AS cea_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'CEA'), 0) AS cea_locked,
       coalesce(sum(b.available) FILTER (WHERE b.asset = 'EUA'), 0) AS eua_available,
       coalesce(sum(b.locked)    FILTER (WHERE b.asset = 'EUA'), 0) AS eua_locked,
       (SELECT count(*) FROM users u WHERE u.entity_id = e.id AND u.is_active) AS active_traders
FROM entities e
LEFT JOIN balances b ON b.entity_id = e.id
GROUP BY e.id;
