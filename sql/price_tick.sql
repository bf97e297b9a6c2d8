-- price_tick: the price step of one book (markets.price_tick, €0.01 unless changed), the one source of the
-- tick for the engine, the liquidity planner and the order entry.
CREATE OR REPLACE FUNCTION price_tick(p_certificate_type certificate_type)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT price_tick FROM markets WHERE certificate_type = p_certificate_type;
$$;

-- price_on_tick: a price above zero that is a whole number of ticks of its book.
CREATE OR REPLACE FUNCTION price_on_tick(p_certificate_type certificate_type, p_price numeric)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT p_price IS NOT NULL AND p_price > 0 AND p_price % price_tick(p_certificate_type) = 0;
$$;
