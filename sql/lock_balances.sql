-- lock_balances: take the row locks of the given balance rows, always in id order, so that any two
-- transactions locking overlapping sets queue up instead of deadlocking.
--   p_wait false: a caller that already holds other balance rows (a matcher on its second order of a batch)
--   must not wait for more, since those would come out of id order: it gets lock_not_available (55P03) at once.
CREATE OR REPLACE FUNCTION lock_balances(p_balance_ids bigint[], p_wait boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_wait THEN
        PERFORM FROM (SELECT id FROM balances WHERE id = ANY (p_balance_ids) ORDER BY id FOR UPDATE) locked;
    ELSE
        PERFORM FROM (SELECT id FROM balances WHERE id = ANY (p_balance_ids) ORDER BY id FOR UPDATE NOWAIT) locked;
    END IF;
END;
$$;
