-- max_amount: the largest amount a person may ask for in one action (EUR or certificates: a deposit, a withdrawal, a
-- liquidity target, a policy's depth or price bound, an order's quantity, price and value): far above any real
-- ticket, far below numeric(18, 2). The stored functions refuse past it (amount_above_maximum) and core reads it
-- (core.limits.MAX_AMOUNT), so the limit has one source.
CREATE OR REPLACE FUNCTION max_amount()
RETURNS numeric
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT 1000000000000::numeric;
$$;
