-- market_maker_scorecard: how each market maker met its obligations over [p_start, p_end] (both inclusive), per
-- book (p_certificate_type, or every book when NULL), as designated-sponsor programmes judge them: in how many of
-- the book's snapshots its resting EUR on its own side (market_maker_side) within ±p_max_spread_pct of mid was at
-- least p_min_quote_eur (`present`), and that EUR summed over the snapshots (`quoted_eur`; the caller divides by
-- `snapshots`, so absence counts as 0); then the orders it placed in the period with all their fills, whenever
-- they came. Rows: every market maker and book with a snapshot or an order in the period.
--
-- Whole buckets come from market_maker_rollups (snapshot_spans), which count the snapshots meeting each step of
-- quote_ladder_eur() and hold what was placed and filled; a minimum off that ladder is counted from the snapshots
-- themselves, as exactly but more slowly over long periods.
CREATE OR REPLACE FUNCTION market_maker_scorecard(
    p_start             timestamptz,
    p_end               timestamptz,
    p_certificate_type  certificate_type,
    p_max_spread_pct    numeric,
    p_min_quote_eur     numeric
)
RETURNS TABLE (market_maker_id bigint, name text, certificate_type certificate_type, snapshots bigint,
               present bigint, quoted_eur numeric, placed_quantity bigint, filled_quantity bigint,
               traded_value_eur numeric)
LANGUAGE plpgsql
STABLE
-- one plan for every call: its shape is fixed (each piece looked up by index), and planning it anew each time
-- would cost as much as running it
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    v_books certificate_type[] := CASE WHEN p_certificate_type IS NULL THEN enum_range(NULL::certificate_type)
                                       ELSE ARRAY[p_certificate_type] END;
    v_step  integer := array_position(quote_ladder_eur(), p_min_quote_eur);
BEGIN
    IF p_max_spread_pct IS NULL OR p_max_spread_pct NOT IN (0.5, 1, 2) THEN
        PERFORM raise_error('CB400', format(
            'The maximum spread must be one of the bands snapshots record: 0.5 %%, 1 %% or 2 %% of mid, got %s %%',
            coalesce(p_max_spread_pct::text, 'none')));
    END IF;
    IF p_min_quote_eur IS NULL OR p_min_quote_eur <= 0 THEN
        PERFORM raise_error('CB400', format('The minimum quote must be more than €0, got %s',
                                            coalesce(p_min_quote_eur::text, 'none')));
    END IF;

    RETURN QUERY
    -- every piece of the period is looked up by index on its own (LATERAL, OFFSET 0: a plain join would scan every
    -- bucket of a grain)
    WITH spans AS (
        SELECT * FROM snapshot_spans(p_start, p_end)
    ), quote_spans AS (
        -- the snapshots read one by one: the two ends, or for a minimum off the ladder the whole period
        SELECT lo, hi FROM spans WHERE grain IS NULL AND v_step IS NOT NULL
        UNION ALL
        SELECT p_start, p_end + interval '1 microsecond' WHERE v_step IS NULL AND p_start <= p_end
    ), makers AS MATERIALIZED (
        -- the side each market maker quotes: a liquidity provider bids, an asset holder offers
        SELECT id, name, market_maker_side(mm_type) AS side FROM market_maker_clients
    ), books AS MATERIALIZED (
        -- the period's snapshots per book
        SELECT u.certificate_type, sum(u.n) AS n
          FROM (SELECT r.certificate_type, r.snapshots AS n
                  FROM spans s
                 CROSS JOIN LATERAL (
                    SELECT * FROM book_snapshot_rollups r
                     WHERE r.certificate_type = ANY (v_books) AND r.grain = s.grain
                       AND r.bucket_start >= s.lo AND r.bucket_start < s.hi OFFSET 0) r
                UNION ALL
                SELECT b.certificate_type, 1
                  FROM spans s
                 CROSS JOIN LATERAL (
                    SELECT * FROM book_snapshots b
                     WHERE s.grain IS NULL AND b.certificate_type = ANY (v_books)
                       AND b.taken_at >= s.lo AND b.taken_at < s.hi OFFSET 0) b) u
         GROUP BY u.certificate_type
    ), rolled AS (
        -- whole buckets: quotes (on the ladder only) and orders
        SELECT r.certificate_type, r.market_maker_id,
               CASE WHEN v_step IS NOT NULL THEN r.snapshots ELSE 0 END AS snapshots,
               CASE WHEN v_step IS NULL THEN 0
                    WHEN p_max_spread_pct = 0.5 THEN r.quoting_0_5pct[v_step]
                    WHEN p_max_spread_pct = 1 THEN r.quoting_1pct[v_step]
                    ELSE r.quoting_2pct[v_step] END AS present,
               CASE WHEN v_step IS NULL THEN 0
                    WHEN p_max_spread_pct = 0.5 THEN r.sum_0_5pct_eur
                    WHEN p_max_spread_pct = 1 THEN r.sum_1pct_eur
                    ELSE r.sum_2pct_eur END AS eur,
               r.placed_quantity AS placed, r.filled_quantity AS filled, r.traded_value_eur AS traded
          FROM spans s
         CROSS JOIN LATERAL (
            SELECT * FROM market_maker_rollups r
             WHERE r.certificate_type = ANY (v_books) AND r.grain = s.grain
               AND r.bucket_start >= s.lo AND r.bucket_start < s.hi OFFSET 0) r
    ), single_quotes AS (
        -- snapshot by snapshot: only a market maker's own side counts toward its obligation (a row of the other
        -- side still shows it rested orders then)
        SELECT q.certificate_type, q.market_maker_id, count(*) AS snapshots,
               count(*) FILTER (WHERE q.side = m.side AND v.eur >= p_min_quote_eur) AS present,
               coalesce(sum(v.eur) FILTER (WHERE q.side = m.side), 0) AS eur,
               0 AS placed, 0 AS filled, 0 AS traded
          FROM quote_spans s
         CROSS JOIN LATERAL (
            SELECT * FROM market_maker_snapshots q
             WHERE q.certificate_type = ANY (v_books) AND q.taken_at >= s.lo AND q.taken_at < s.hi OFFSET 0) q
          JOIN makers m ON m.id = q.market_maker_id
         CROSS JOIN LATERAL (SELECT CASE p_max_spread_pct WHEN 0.5 THEN q.value_0_5pct_eur
                                                          WHEN 1 THEN q.value_1pct_eur
                                                          ELSE q.value_2pct_eur END AS eur) v
         GROUP BY q.certificate_type, q.market_maker_id
    ), single_orders AS (
        -- the orders placed at the two ends, each with all its fills
        SELECT o.certificate_type, o.market_maker_id, 0 AS snapshots, 0 AS present, 0 AS eur,
               o.quantity AS placed, o.filled_quantity AS filled,
               CASE WHEN o.filled_quantity = 0 THEN 0
                    WHEN o.side = 'BUY' THEN (SELECT sum(t.price * t.quantity) FROM trades t WHERE t.buy_order_id = o.id)
                    ELSE (SELECT sum(t.price * t.quantity) FROM trades t WHERE t.sell_order_id = o.id) END AS traded
          FROM spans s
         CROSS JOIN LATERAL (
            SELECT * FROM orders o
             WHERE s.grain IS NULL AND o.market_maker_id IS NOT NULL AND o.certificate_type = ANY (v_books)
               AND o.created_at >= s.lo AND o.created_at < s.hi OFFSET 0) o
    ), unfolded AS (
        -- what the whole buckets do not hold yet: orders and fills since the book's last snapshot
        SELECT e.certificate_type, e.market_maker_id, 0 AS snapshots, 0 AS present, 0 AS eur,
               e.placed_quantity AS placed, e.filled_quantity AS filled, e.traded_value_eur AS traded
          FROM spans s
          JOIN market_maker_order_events e
            ON s.grain IS NOT NULL AND e.certificate_type = ANY (v_books) AND e.placed_at >= s.lo
           AND e.placed_at < s.hi
    ), per_maker AS (
        SELECT certificate_type, market_maker_id, sum(snapshots) AS snapshots, sum(present) AS present,
               sum(eur) AS eur, sum(placed) AS placed, sum(filled) AS filled, sum(traded) AS traded
          FROM (SELECT * FROM rolled UNION ALL SELECT * FROM single_quotes UNION ALL SELECT * FROM single_orders
                UNION ALL SELECT * FROM unfolded) u
         GROUP BY certificate_type, market_maker_id
    )
    SELECT m.id, m.name, k.certificate_type, coalesce(b.n, 0)::bigint, k.present::bigint, k.eur,
           k.placed::bigint, k.filled::bigint, k.traded
      FROM per_maker k
      JOIN makers m ON m.id = k.market_maker_id
      LEFT JOIN books b ON b.certificate_type = k.certificate_type
     WHERE k.snapshots > 0 OR k.placed > 0  -- it rested orders at some snapshot, or placed some, in the period
     ORDER BY k.certificate_type, lower(m.name), m.id;
END;
$$;
