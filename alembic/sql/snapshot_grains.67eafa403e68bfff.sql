-- snapshot_grains: the bucket sizes book snapshots are rolled up into, coarsest first. A read over any period
-- takes whole days, then whole hours, then whole five minutes from the rollups and only the few snapshots at
-- its two ends from book_snapshots itself (snapshot_spans), so a month costs about as much as an hour.
-- snapshot_bucket: the bucket of one grain a moment falls in; buckets are aligned on UTC midnight.
CREATE OR REPLACE FUNCTION snapshot_grains()
RETURNS interval[]
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT ARRAY[interval '1 day', interval '1 hour', interval '5 minutes'];
$$;

CREATE OR REPLACE FUNCTION snapshot_bucket(p_grain interval, p_at timestamptz)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE
STRICT
AS $$
    SELECT date_bin(p_grain, p_at, timestamptz '2000-01-01 00:00:00+00');
$$;
