-- snapshot_spans: the period [p_start, p_end] (both inclusive) cut into the fewest pieces the rollups can answer:
-- whole buckets of each grain, coarsest first, as [lo, hi) ranges of bucket starts, and what is left at the two
-- ends as [lo, hi) ranges of raw snapshots (grain NULL). A month becomes about 30 days, a few hours, a few five
-- minutes and at most ten snapshots at each end. The pieces never overlap and cover the period exactly.
CREATE OR REPLACE FUNCTION snapshot_spans(p_start timestamptz, p_end timestamptz)
RETURNS TABLE (grain interval, lo timestamptz, hi timestamptz)
LANGUAGE plpgsql
IMMUTABLE
ROWS 8  -- at most 2 pieces a grain and 2 at the ends: tells the planner to look each piece up by index
AS $$
DECLARE
    g          interval;
    v_lo       timestamptz[] := ARRAY[p_start];
    -- timestamps are whole microseconds: [start, end] is the half-open [start, end + 1 µs)
    v_hi       timestamptz[] := ARRAY[p_end + interval '1 microsecond'];
    v_next_lo  timestamptz[];
    v_next_hi  timestamptz[];
    v_first    timestamptz;
    v_last     timestamptz;
BEGIN
    IF p_start > p_end THEN
        RETURN;
    END IF;
    FOREACH g IN ARRAY snapshot_grains() LOOP
        v_next_lo := '{}';
        v_next_hi := '{}';
        FOR i IN 1 .. cardinality(v_lo) LOOP
            -- the whole buckets of this grain inside [lo, hi): from the first boundary at or after lo to the
            -- last boundary at or before hi
            v_first := snapshot_bucket(g, v_lo[i]);
            IF v_first < v_lo[i] THEN
                v_first := v_first + g;
            END IF;
            v_last := snapshot_bucket(g, v_hi[i]);
            IF v_first < v_last THEN
                grain := g; lo := v_first; hi := v_last;
                RETURN NEXT;
                IF v_lo[i] < v_first THEN
                    v_next_lo := v_next_lo || v_lo[i]; v_next_hi := v_next_hi || v_first;
                END IF;
                IF v_last < v_hi[i] THEN
                    v_next_lo := v_next_lo || v_last; v_next_hi := v_next_hi || v_hi[i];
                END IF;
            ELSE
                v_next_lo := v_next_lo || v_lo[i]; v_next_hi := v_next_hi || v_hi[i];
            END IF;
        END LOOP;
        v_lo := v_next_lo;
        v_hi := v_next_hi;
    END LOOP;
    FOR i IN 1 .. cardinality(v_lo) LOOP
        grain := NULL; lo := v_lo[i]; hi := v_hi[i];
        RETURN NEXT;
    END LOOP;
END;
$$;
