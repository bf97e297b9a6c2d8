-- book_health: how liquid one book was over [p_start, p_end] (both inclusive): how many snapshots there were,
-- how many had both a bid and an ask, and over those two-sided snapshots only the mean and median spread (bps)
-- and the mean resting EUR per side within ±1 % of mid. Whole buckets come from the rollups and only the ends
-- from the snapshots themselves (snapshot_spans), so a month reads a few thousand rows, not 260,000.
CREATE OR REPLACE FUNCTION book_health(p_certificate_type certificate_type, p_start timestamptz, p_end timestamptz)
RETURNS TABLE (snapshots bigint, two_sided bigint, avg_spread_bps numeric, median_spread_bps numeric,
               avg_bid_depth_1pct_eur numeric, avg_ask_depth_1pct_eur numeric)
LANGUAGE sql
STABLE
AS $$
    WITH spans AS (
        SELECT * FROM snapshot_spans(p_start, p_end)
    ), counted AS (
        SELECT r.spread_bps, r.snapshots AS n, r.bid_depth_1pct_eur AS bid, r.ask_depth_1pct_eur AS ask
          FROM spans s
          JOIN book_snapshot_rollups r ON r.certificate_type = p_certificate_type AND r.grain = s.grain
                                      AND r.bucket_start >= s.lo AND r.bucket_start < s.hi
        UNION ALL
        SELECT spread_bps(b.best_bid, b.best_ask), 1, b.bid_depth_1pct_eur, b.ask_depth_1pct_eur
          FROM spans s
          JOIN book_snapshots b ON s.grain IS NULL AND b.certificate_type = p_certificate_type
                               AND b.taken_at >= s.lo AND b.taken_at < s.hi
    ), by_spread AS (
        -- one row per spread seen (NULL: one side or none) with how often, and the depth summed over those times
        SELECT spread_bps, sum(n) AS n, sum(bid) AS bid, sum(ask) AS ask FROM counted GROUP BY spread_bps
    ), ranked AS (
        SELECT spread_bps, sum(n) OVER (ORDER BY spread_bps) AS upto, sum(n) OVER () AS total
          FROM by_spread WHERE spread_bps IS NOT NULL
    )
    SELECT coalesce((SELECT sum(n) FROM by_spread), 0)::bigint,
           coalesce(sum(n), 0)::bigint,
           round(sum(spread_bps * n) / sum(n), 2),
           -- the middle spread of an odd count, the mean of the two middle ones of an even count
           (SELECT round((min(spread_bps) FILTER (WHERE upto >= div(total + 1, 2))
                          + min(spread_bps) FILTER (WHERE upto >= div(total, 2) + 1)) / 2, 2)
              FROM ranked),
           round(sum(bid) / sum(n), 2),
           round(sum(ask) / sum(n), 2)
      FROM by_spread
     WHERE spread_bps IS NOT NULL;
$$;
