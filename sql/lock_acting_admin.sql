-- lock_acting_admin: the acting admin's lock, held to the end of the transaction. Every liquidity write takes it
-- first, before any book lock (create_liquidity_operation, both-books creation, policy runs, the kill switch):
-- it serialises one admin's liquidity writes across both books, so the rate-limit count, the idempotency check
-- and a policy's view of its own resting orders are exact.
CREATE OR REPLACE FUNCTION lock_acting_admin(p_user_id bigint)
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(7301, (p_user_id % 2147483647)::integer);
$$;
