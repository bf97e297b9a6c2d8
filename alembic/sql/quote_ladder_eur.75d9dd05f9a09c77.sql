-- quote_ladder_eur: the minimum quote sizes (EUR) the rollups count snapshots against, as market-maker programmes
-- set them in steps. The scorecard answers a minimum on this ladder from the rollups alone; any other minimum is
-- answered just as exactly from the snapshots themselves, which takes longer over long periods.
CREATE OR REPLACE FUNCTION quote_ladder_eur()
RETURNS numeric[]
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT ARRAY[1000, 2500, 5000, 10000, 20000, 25000, 50000, 100000, 250000, 500000, 1000000]::numeric[];
$$;

-- quote_ladder_counts: for one quote (EUR), 1 for each ladder step it meets and 0 for the others (all 0 without a
-- quote); add_counts: two such count arrays added step by step, as the rollups accumulate them; sum_counts: the
-- same over many rows (a rollup rebuilt from the finer buckets it covers).
CREATE OR REPLACE FUNCTION quote_ladder_counts(p_eur numeric)
RETURNS integer[]
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT ARRAY(SELECT coalesce((p_eur >= l.step)::integer, 0)
                   FROM unnest(quote_ladder_eur()) WITH ORDINALITY AS l(step, i) ORDER BY l.i);
$$;

CREATE OR REPLACE FUNCTION add_counts(p_a integer[], p_b integer[])
RETURNS integer[]
LANGUAGE sql
IMMUTABLE
STRICT
AS $$
    SELECT ARRAY(SELECT a + b FROM unnest(p_a, p_b) WITH ORDINALITY AS c(a, b, i) ORDER BY c.i);
$$;

CREATE OR REPLACE AGGREGATE sum_counts(integer[]) (SFUNC = add_counts, STYPE = integer[]);
