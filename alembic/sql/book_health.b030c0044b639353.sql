-- book_health: how liquid one book was over [p_start, p_end] (both inclusive): how many snapshots there were,
-- how many had both a bid and an ask, and over those two-sided snapshots only the mean and median spread (bps)
-- and the mean resting EUR per side within ±1 % of mid. Whole buckets come from the rollups and only the two
-- ends from the snapshots themselves (snapshot_spans): a month is a few dozen totals and the spreads seen each day.
CREATE OR REPLACE FUNCTION book_health(p_certificate_type certificate_type, p_start timestamptz, p_end timestamptz)
RETURNS TABLE (snapshots bigint, two_sided bigint, avg_spread_bps numeric, median_spread_bps numeric,
               avg_bid_depth_1pct_eur numeric, avg_ask_depth_1pct_eur numeric)
LANGUAGE sql
STABLE
-- one plan for every call: its shape is fixed (each piece looked up by index), and planning it anew each time
-- would cost as much as running it
SET plan_cache_mode = force_generic_plan
AS $$
    -- every piece is looked up by index on its own (LATERAL, OFFSET 0: a plain join scans every bucket of a grain)
    WITH spans AS (
        SELECT * FROM snapshot_spans(p_start, p_end)
    ), ends AS (
        SELECT spread_bps(b.best_bid, b.best_ask) AS spread_bps, b.bid_depth_1pct_eur, b.ask_depth_1pct_eur
          FROM spans s
         CROSS JOIN LATERAL (
            SELECT * FROM book_snapshots b
             WHERE s.grain IS NULL AND b.certificate_type = p_certificate_type
               AND b.taken_at >= s.lo AND b.taken_at < s.hi OFFSET 0) b
    ), totals AS (
        SELECT sum(r.snapshots) AS n, sum(r.two_sided) AS two_sided, sum(r.spread_bps) AS spread,
               sum(r.bid_depth_1pct_eur) AS bid, sum(r.ask_depth_1pct_eur) AS ask
          FROM (SELECT r.snapshots, r.two_sided, r.spread_bps, r.bid_depth_1pct_eur, r.ask_depth_1pct_eur
                  FROM spans s
                 CROSS JOIN LATERAL (
                    SELECT * FROM book_snapshot_rollups r
                     WHERE r.certificate_type = p_certificate_type AND r.grain = s.grain
                       AND r.bucket_start >= s.lo AND r.bucket_start < s.hi OFFSET 0) r
                UNION ALL
                SELECT 1, (e.spread_bps IS NOT NULL)::integer, e.spread_bps, e.bid_depth_1pct_eur,
                       e.ask_depth_1pct_eur
                  FROM ends e) r
    ), by_spread AS (
        -- how often each spread was seen over the two-sided snapshots
        SELECT spread_bps, sum(n) AS n
          FROM (SELECT r.spread_bps, r.snapshots AS n
                  FROM spans s
                 CROSS JOIN LATERAL (
                    SELECT r.spread_bps, r.snapshots FROM book_spread_rollups r
                     WHERE r.certificate_type = p_certificate_type AND r.grain = s.grain
                       AND r.bucket_start >= s.lo AND r.bucket_start < s.hi OFFSET 0) r
                UNION ALL
                SELECT spread_bps, 1 FROM ends WHERE spread_bps IS NOT NULL) seen
         GROUP BY spread_bps
    ), ranked AS (
        SELECT spread_bps, sum(n) OVER (ORDER BY spread_bps) AS upto, sum(n) OVER () AS total FROM by_spread
    )
    SELECT coalesce(t.n, 0)::bigint,
           coalesce(t.two_sided, 0)::bigint,
           round(t.spread / nullif(t.two_sided, 0), 2),
           -- the middle spread of an odd count, the mean of the two middle ones of an even count
           (SELECT round((min(spread_bps) FILTER (WHERE upto >= div(total + 1, 2))
                          + min(spread_bps) FILTER (WHERE upto >= div(total, 2) + 1)) / 2, 2)
              FROM ranked),
           round(t.bid / nullif(t.two_sided, 0), 2),
           round(t.ask / nullif(t.two_sided, 0), 2)
      FROM totals t;
$$;
