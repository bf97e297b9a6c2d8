-- commit_and_flush: end the caller's transaction at once, without waiting for its WAL flush, so its locks (a
-- book's matcher lock and book lock) pass to the next transaction right away; then wait for the flush in a
-- second, empty transaction before anything is reported: its synchronous commit flushes the WAL up to its own
-- commit record, which comes after the first one. So the book's serial work never waits for the disk, and still
-- nothing is reported that a crash could take back: a crash before the flush loses the first transaction too,
-- and whoever was waiting on it gets an error, never a result. (Early lock release, as in Aether and Silo.)
-- Only procedures called by CALL outside a transaction block (submit_order, await_order) can call it.
CREATE OR REPLACE PROCEDURE commit_and_flush()
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    COMMIT;
    PERFORM pg_current_xact_id();  -- a transaction id, so that this commit writes a record and flushes
    COMMIT;
END;
$$;
