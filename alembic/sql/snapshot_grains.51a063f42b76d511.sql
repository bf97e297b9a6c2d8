-- snapshot_grains: the bucket sizes snapshots (and market makers' orders) are rolled up into, coarsest first, each
-- a whole number of the next. A read over any period takes whole weeks, then days, four hours, hours, quarter
-- hours and five minutes from the rollups, and only the snapshots of its two ends from the snapshots themselves
-- (snapshot_spans): a month is about 45 buckets per market maker instead of 260,000 snapshots.
-- snapshot_bucket: the bucket of one grain a moment falls in: weeks start on Monday, days at midnight, UTC.
CREATE OR REPLACE FUNCTION snapshot_grains()
RETURNS interval[]
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT ARRAY[interval '7 days', interval '1 day', interval '4 hours', interval '1 hour', interval '15 minutes',
                 interval '5 minutes'];
$$;

CREATE OR REPLACE FUNCTION snapshot_bucket(p_grain interval, p_at timestamptz)
RETURNS timestamptz
LANGUAGE sql
IMMUTABLE
STRICT
AS $$
    SELECT date_bin(p_grain, p_at, timestamptz '2000-01-03 00:00:00+00');  -- a Monday
$$;
