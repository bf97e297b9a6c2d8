-- verify_ledger: every way the ledger and the balances disagree, one row each; no rows means healthy.
--   * a balance whose available/locked differs from the sum of its ledger movements;
--   * a ledger row whose "before" is not the "after" of the previous row of the same balance
--     (the first row of a balance must start from zero).
CREATE OR REPLACE FUNCTION verify_ledger()
RETURNS TABLE (balance_id bigint, transaction_id bigint, problem text, expected numeric, actual numeric)
LANGUAGE sql
STABLE
AS $$
    WITH sums AS (
        SELECT b.id, b.available, b.locked,
               coalesce(sum(t.available_after - t.available_before), 0) AS ledger_available,
               coalesce(sum(t.locked_after - t.locked_before), 0) AS ledger_locked
        FROM balances b LEFT JOIN asset_transactions t ON t.balance_id = b.id
        GROUP BY b.id
    ), chain AS (
        SELECT t.balance_id, t.id, t.available_before, t.locked_before,
               coalesce(lag(t.available_after) OVER w, 0) AS prev_available,
               coalesce(lag(t.locked_after) OVER w, 0) AS prev_locked
        FROM asset_transactions t
        WINDOW w AS (PARTITION BY t.balance_id ORDER BY t.id)
    )
    SELECT id, NULL::bigint, 'available differs from the sum of its ledger', ledger_available, available
      FROM sums WHERE available <> ledger_available
    UNION ALL
    SELECT id, NULL, 'locked differs from the sum of its ledger', ledger_locked, locked
      FROM sums WHERE locked <> ledger_locked
    UNION ALL
    SELECT balance_id, id, 'available_before breaks the chain', prev_available, available_before
      FROM chain WHERE available_before <> prev_available
    UNION ALL
    SELECT balance_id, id, 'locked_before breaks the chain', prev_locked, locked_before
      FROM chain WHERE locked_before <> prev_locked;
$$;
