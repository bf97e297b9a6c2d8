-- depth_heatmap: when one book is deep, by UTC weekday (ISO: 1 Monday … 7 Sunday) and hour of day, over
-- [p_start, p_end] (both inclusive): the mean resting EUR per side within each band over the two-sided snapshots
-- of that hour. Hours without a two-sided snapshot are left out.
CREATE OR REPLACE FUNCTION depth_heatmap(p_certificate_type certificate_type, p_start timestamptz, p_end timestamptz)
RETURNS TABLE (weekday integer, hour integer, two_sided bigint,
               avg_bid_depth_0_5pct_eur numeric, avg_ask_depth_0_5pct_eur numeric,
               avg_bid_depth_1pct_eur numeric, avg_ask_depth_1pct_eur numeric,
               avg_bid_depth_2pct_eur numeric, avg_ask_depth_2pct_eur numeric)
LANGUAGE sql
STABLE
AS $$
    SELECT extract(isodow FROM at AT TIME ZONE 'UTC')::integer, extract(hour FROM at AT TIME ZONE 'UTC')::integer,
           count(*),
           round(avg(bid_depth_0_5pct_eur), 2), round(avg(ask_depth_0_5pct_eur), 2),
           round(avg(bid_depth_1pct_eur), 2), round(avg(ask_depth_1pct_eur), 2),
           round(avg(bid_depth_2pct_eur), 2), round(avg(ask_depth_2pct_eur), 2)
      FROM book_snapshot_points
     WHERE certificate_type = p_certificate_type AND at >= p_start AND at <= p_end AND spread_bps IS NOT NULL
     GROUP BY 1, 2
     ORDER BY 1, 2;
$$;
