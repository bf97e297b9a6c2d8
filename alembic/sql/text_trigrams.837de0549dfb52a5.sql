-- text_trigrams: every distinct run of three characters in a text ('TKT-2' → {TKT, KT-, T-2}); empty below three.
-- liquidity_operations keeps its ticket id's trigrams in a stored column with a GIN index, so a search for part of a
-- ticket id finds its candidates on that index (an operation whose id holds the part holds each of its trigrams)
-- instead of testing every operation; strpos then keeps the exact matches. The built-in equivalent, pg_trgm, is not
-- in the embedded server. IMMUTABLE: a stored generated column's expression must be.
CREATE OR REPLACE FUNCTION text_trigrams(p_text text)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
RETURN ARRAY(SELECT DISTINCT substr(p_text, i, 3) FROM generate_series(1, length(p_text) - 2) AS i);
