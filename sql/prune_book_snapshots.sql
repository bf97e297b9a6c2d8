-- prune_book_snapshots: forget the snapshots taken before p_before, and their rollups; returns how many book
-- snapshots went. Whole buckets of the coarsest grain only (a UTC day: the cut-off is the midnight at or before
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
    DELETE FROM market_maker_snapshot_rollups WHERE bucket_start < v_cutoff;
    DELETE FROM book_snapshot_rollups WHERE bucket_start < v_cutoff;
    RETURN v_deleted;
END;
$$;
