-- prune_book_snapshots: forget the snapshots taken before p_before, and what the rollups say about them (market
-- makers' orders stay counted: orders are kept for ever); returns how many book snapshots went. Whole buckets of the coarsest grain only (a UTC day: the cut-off is the midnight at or before
-- p_before), so every rollup bucket is kept whole or dropped whole and the rollups count exactly the snapshots kept.
CREATE OR REPLACE FUNCTION prune_book_snapshots(p_before timestamptz)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_cutoff   timestamptz := snapshot_bucket((snapshot_grains())[1], p_before);
    v_deleted  bigint;
BEGIN
    DELETE FROM market_maker_snapshots WHERE taken_at < v_cutoff;
    DELETE FROM book_snapshots WHERE taken_at < v_cutoff;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    -- the market makers' buckets keep their orders: only what they say about snapshots goes
    UPDATE market_maker_rollups
       SET snapshots = 0, sum_0_5pct_eur = 0, sum_1pct_eur = 0, sum_2pct_eur = 0,
           quoting_0_5pct = quote_ladder_counts(NULL), quoting_1pct = quote_ladder_counts(NULL),
           quoting_2pct = quote_ladder_counts(NULL)
     WHERE bucket_start < v_cutoff AND snapshots > 0 AND placed_quantity > 0;
    DELETE FROM market_maker_rollups WHERE bucket_start < v_cutoff AND placed_quantity = 0;
    DELETE FROM book_spread_rollups WHERE bucket_start < v_cutoff;
    DELETE FROM book_snapshot_rollups WHERE bucket_start < v_cutoff;
    RETURN v_deleted;
END;
$$;
