-- apply_balance_change: the only code that changes a balance row. It applies one movement and writes
-- exactly one ledger row with the balances before and after. The caller must already hold the row
-- lock (taken up front with lock_balances, in id order).
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
    b             balances;
    d_available   numeric;
    d_locked      numeric;
    tx            asset_transactions;
BEGIN
    SELECT * INTO b FROM balances WHERE id = p_balance_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Balance %s does not exist', p_balance_id));
    END IF;
    PERFORM refuse_invalid_amount(b.asset, p_amount);

    d_available := CASE p_type
        WHEN 'DEPOSIT' THEN p_amount WHEN 'WITHDRAWAL' THEN -p_amount WHEN 'LOCK' THEN -p_amount
        WHEN 'UNLOCK' THEN p_amount WHEN 'TRADE_DEBIT' THEN 0 WHEN 'TRADE_CREDIT' THEN p_amount END;
    d_locked := CASE p_type
        WHEN 'LOCK' THEN p_amount WHEN 'UNLOCK' THEN -p_amount WHEN 'TRADE_DEBIT' THEN -p_amount ELSE 0 END;

    IF b.available + d_available < 0 THEN
        PERFORM raise_error('CB402', format('Insufficient %s available on %s: %s needed, %s available',
                                            b.asset, account_label(b.id), p_amount, b.available));
    END IF;
    IF b.locked + d_locked < 0 THEN
        PERFORM raise_error('CB402', format('Insufficient %s locked on %s: %s needed, %s locked',
                                            b.asset, account_label(b.id), p_amount, b.locked));
    END IF;

    UPDATE balances
       SET available = available + d_available, locked = locked + d_locked, updated_at = now()
     WHERE id = b.id;

    INSERT INTO asset_transactions (
        balance_id, market_maker_id, entity_id, asset, transaction_type, amount,
        available_before, available_after, locked_before, locked_after,
        reference_type, reference_id, ticket_id, created_by)
    VALUES (
        b.id, b.market_maker_id, b.entity_id, b.asset, p_type, p_amount,
        b.available, b.available + d_available, b.locked, b.locked + d_locked,
        p_reference_type, p_reference_id, p_ticket_id, p_created_by)
    RETURNING * INTO tx;

    -- eur_balance mirrors the market maker's EUR (available + locked); only totals move it
    IF b.asset = 'EUR' AND b.market_maker_id IS NOT NULL AND d_available + d_locked <> 0 THEN
        UPDATE market_maker_clients
           SET eur_balance = eur_balance + d_available + d_locked, updated_at = now()
         WHERE id = b.market_maker_id;
    END IF;
    RETURN tx;
END;
$$;
