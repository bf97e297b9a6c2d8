-- apply_balance_change: one movement of one balance row, with its one ledger row, which it returns. It is
-- apply_balance_changes for a single row, so the checks, what each movement type does to available and locked,
-- and the ledger row are written once. The caller must already hold the row lock (taken up front with
-- lock_balances, in id order).
CREATE OR REPLACE FUNCTION apply_balance_change(
    p_balance_id      bigint,
    p_type            transaction_type,
    p_amount          numeric,
    p_reference_type  text,
    p_reference_id    bigint,
    p_ticket_id       text,
    p_created_by      bigint
)
RETURNS asset_transactions
LANGUAGE plpgsql
AS $$
DECLARE
    tx asset_transactions;
BEGIN
    PERFORM apply_balance_changes(ARRAY[p_balance_id], ARRAY[p_amount], p_type, p_reference_type, p_reference_id,
                                  p_ticket_id, p_created_by);
    -- the caller holds the row's lock, so the balance's newest ledger row is the one just written
    SELECT * INTO tx FROM asset_transactions WHERE balance_id = p_balance_id ORDER BY id DESC LIMIT 1;
    RETURN tx;
END;
$$;
