-- lock_balances: take the row locks of the given balance rows, always in id order, so that any two
-- transactions locking overlapping sets queue up instead of deadlocking.
CREATE OR REPLACE FUNCTION lock_balances(p_balance_ids bigint[])
RETURNS void
LANGUAGE sql
AS $$
    SELECT NULL::void FROM (
        SELECT id FROM balances WHERE id = ANY (p_balance_ids) ORDER BY id FOR UPDATE
    ) locked;
$$;
