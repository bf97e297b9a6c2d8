-- prune_book_snapshots: forget the snapshots taken before p_before (whole UTC days: the cut is the midnight at or
-- before it), and what the rollups say about them; market makers' orders stay counted, orders are kept for ever.
-- Returns how many book snapshots went. Buckets of a day or less end at the cut or start after it; a week that the
-- cut falls inside is rebuilt from its remaining days, so the rollups always count exactly the snapshots kept.
-- (The retention is at least a week, so that week is over and no snapshot is being added to it.)
CREATE OR REPLACE FUNCTION prune_book_snapshots(p_before timestamptz)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_cutoff   timestamptz := snapshot_bucket(interval '1 day', p_before);
    v_week     timestamptz := snapshot_bucket(interval '7 days', v_cutoff);
    v_deleted  bigint;
BEGIN
    -- every book lock first, shared and in order: a fill of an old order updates the rollups of the buckets it was
    -- placed in, which this may rewrite, so matching and pruning take turns
    PERFORM 1 FROM markets ORDER BY certificate_type FOR SHARE;

    DELETE FROM market_maker_snapshots WHERE taken_at < v_cutoff;
    DELETE FROM book_snapshots WHERE taken_at < v_cutoff;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;

    -- buckets wholly before the cut: gone, except that a market maker's bucket keeps its orders
    UPDATE market_maker_rollups
       SET snapshots = 0, sum_0_5pct_eur = 0, sum_1pct_eur = 0, sum_2pct_eur = 0,
           quoting_0_5pct = quote_ladder_counts(NULL), quoting_1pct = quote_ladder_counts(NULL),
           quoting_2pct = quote_ladder_counts(NULL)
     WHERE bucket_start + grain <= v_cutoff AND snapshots > 0 AND placed_quantity > 0;
    DELETE FROM market_maker_rollups WHERE bucket_start + grain <= v_cutoff AND placed_quantity = 0;
    DELETE FROM book_spread_rollups WHERE bucket_start + grain <= v_cutoff;
    DELETE FROM book_snapshot_rollups WHERE bucket_start + grain <= v_cutoff;

    IF v_week < v_cutoff THEN  -- the cut falls inside a week: rebuild that week from its days
        DELETE FROM book_snapshot_rollups WHERE grain = interval '7 days' AND bucket_start = v_week;
        INSERT INTO book_snapshot_rollups
            (bucket_start, grain, certificate_type, snapshots, two_sided, spread_bps, bid_depth_1pct_eur,
             ask_depth_1pct_eur)
        SELECT v_week, interval '7 days', certificate_type, sum(snapshots), sum(two_sided), sum(spread_bps),
               sum(bid_depth_1pct_eur), sum(ask_depth_1pct_eur)
          FROM book_snapshot_rollups
         WHERE grain = interval '1 day' AND bucket_start >= v_week AND bucket_start < v_week + interval '7 days'
         GROUP BY certificate_type;

        DELETE FROM book_spread_rollups WHERE grain = interval '7 days' AND bucket_start = v_week;
        INSERT INTO book_spread_rollups (bucket_start, grain, certificate_type, spread_bps, snapshots)
        SELECT v_week, interval '7 days', certificate_type, spread_bps, sum(snapshots)
          FROM book_spread_rollups
         WHERE grain = interval '1 day' AND bucket_start >= v_week AND bucket_start < v_week + interval '7 days'
         GROUP BY certificate_type, spread_bps;

        -- the week's market-maker rows hold all its orders (its days before the cut kept theirs)
        DELETE FROM market_maker_rollups WHERE grain = interval '7 days' AND bucket_start = v_week;
        INSERT INTO market_maker_rollups
            (bucket_start, grain, market_maker_id, certificate_type, snapshots, sum_0_5pct_eur, sum_1pct_eur,
             sum_2pct_eur, quoting_0_5pct, quoting_1pct, quoting_2pct, placed_quantity, filled_quantity,
             traded_value_eur)
        SELECT v_week, interval '7 days', market_maker_id, certificate_type, sum(snapshots), sum(sum_0_5pct_eur),
               sum(sum_1pct_eur), sum(sum_2pct_eur), sum_counts(quoting_0_5pct), sum_counts(quoting_1pct),
               sum_counts(quoting_2pct), sum(placed_quantity), sum(filled_quantity), sum(traded_value_eur)
          FROM market_maker_rollups
         WHERE grain = interval '1 day' AND bucket_start >= v_week AND bucket_start < v_week + interval '7 days'
         GROUP BY market_maker_id, certificate_type;
    END IF;
    RETURN v_deleted;
END;
$$;
