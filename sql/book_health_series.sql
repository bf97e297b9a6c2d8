-- book_health_series: one book over [p_start, p_end] (both inclusive) in buckets of p_bucket, for charts: per
-- bucket how many snapshots, how many two-sided, and over the two-sided ones the mean spread (bps) and the mean
-- resting EUR per side within each band. Empty buckets are left out.
CREATE OR REPLACE FUNCTION book_health_series(p_certificate_type certificate_type, p_start timestamptz,
                                              p_end timestamptz, p_bucket interval)
RETURNS TABLE (bucket_start timestamptz, snapshots bigint, two_sided bigint, avg_spread_bps numeric,
               avg_bid_depth_0_5pct_eur numeric, avg_ask_depth_0_5pct_eur numeric,
               avg_bid_depth_1pct_eur numeric, avg_ask_depth_1pct_eur numeric,
               avg_bid_depth_2pct_eur numeric, avg_ask_depth_2pct_eur numeric)
LANGUAGE sql
STABLE
AS $$
    SELECT snapshot_bucket(p_bucket, at), count(*), count(spread_bps), round(avg(spread_bps), 2),
           round(avg(bid_depth_0_5pct_eur), 2), round(avg(ask_depth_0_5pct_eur), 2),
           round(avg(bid_depth_1pct_eur), 2), round(avg(ask_depth_1pct_eur), 2),
           round(avg(bid_depth_2pct_eur), 2), round(avg(ask_depth_2pct_eur), 2)
      FROM book_snapshot_points
     WHERE certificate_type = p_certificate_type AND at >= p_start AND at <= p_end
     GROUP BY 1
     ORDER BY 1;
$$;
