-- apply_balance_changes: the one home of a balance movement, for many balance rows at once, set-based: the checks
-- (the amount by invalid_amount_reason, then what is available or locked), one UPDATE of the balances and one INSERT
-- of exactly one ledger row per balance row, each with its exact before and after (apply_balance_change is this
-- for one row). The balance ids must be distinct (aggregate first); the caller already holds their
-- row locks (lock_balances, id order), so the values read here are the values the update starts from.
CREATE OR REPLACE FUNCTION apply_balance_changes(
    p_balance_ids     bigint[],
    p_amounts         numeric[],
    p_type            transaction_type,
    p_reference_type  text,
    p_reference_id    bigint,
    p_ticket_id       text,
    p_created_by      bigint
)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    -- how one unit of the movement changes available and locked (as in apply_balance_change)
    v_da   integer := CASE p_type WHEN 'DEPOSIT' THEN 1 WHEN 'WITHDRAWAL' THEN -1 WHEN 'LOCK' THEN -1
                                  WHEN 'UNLOCK' THEN 1 WHEN 'TRADE_DEBIT' THEN 0 WHEN 'TRADE_CREDIT' THEN 1 END;
    v_dl   integer := CASE p_type WHEN 'LOCK' THEN 1 WHEN 'UNLOCK' THEN -1 WHEN 'TRADE_DEBIT' THEN -1 ELSE 0 END;
    v_bad  record;
    v_rows integer;
BEGIN
    IF cardinality(p_balance_ids) IS DISTINCT FROM cardinality(p_amounts) THEN
        PERFORM raise_error('CB400', 'Each balance change needs exactly one amount');
    END IF;
    -- (a NULL id is no duplicate: it is refused below as a balance that does not exist)
    IF (SELECT count(DISTINCT id) <> count(id) FROM unnest(p_balance_ids) id) THEN
        PERFORM raise_error('CB400', 'Each balance row may appear once in a set of balance changes');
    END IF;

    SELECT c.balance_id, c.amount, b.id AS found, b.asset, b.available, b.locked INTO v_bad
      FROM unnest(p_balance_ids, p_amounts) AS c(balance_id, amount)
      LEFT JOIN balances b ON b.id = c.balance_id
     WHERE b.id IS NULL OR invalid_amount_reason(b.asset, c.amount) IS NOT NULL
        OR b.available + v_da * c.amount < 0
        OR b.locked + v_dl * c.amount < 0
     ORDER BY c.balance_id
     LIMIT 1;
    IF FOUND THEN
        IF v_bad.found IS NULL THEN
            PERFORM raise_error('CB404', format('Balance %s does not exist', v_bad.balance_id));
        ELSIF invalid_amount_reason(v_bad.asset, v_bad.amount) IS NOT NULL THEN
            PERFORM raise_error('CB400', invalid_amount_reason(v_bad.asset, v_bad.amount));
        ELSIF v_bad.available + v_da * v_bad.amount < 0 THEN
            PERFORM raise_error('CB402', format('Insufficient %s available on %s: %s needed, %s available',
                v_bad.asset, account_label(v_bad.balance_id), v_bad.amount, v_bad.available));
        ELSE
            PERFORM raise_error('CB402', format('Insufficient %s locked on %s: %s needed, %s locked',
                v_bad.asset, account_label(v_bad.balance_id), v_bad.amount, v_bad.locked));
        END IF;
    END IF;

    -- one statement: the CTEs read the rows as they are before the UPDATE applies (same snapshot)
    WITH change AS (
        SELECT b.id, b.market_maker_id, b.entity_id, b.asset, b.available, b.locked, c.amount
          FROM unnest(p_balance_ids, p_amounts) AS c(balance_id, amount)
          JOIN balances b ON b.id = c.balance_id
    ), ledger AS (
        INSERT INTO asset_transactions (
            balance_id, market_maker_id, entity_id, asset, transaction_type, amount,
            available_before, available_after, locked_before, locked_after,
            reference_type, reference_id, ticket_id, created_by)
        SELECT id, market_maker_id, entity_id, asset, p_type, amount,
               available, available + v_da * amount, locked, locked + v_dl * amount,
               p_reference_type, p_reference_id, p_ticket_id, p_created_by
          FROM change ORDER BY id
    ), mirror AS (
        -- eur_balance mirrors a market maker's EUR (available + locked); only totals move it
        UPDATE market_maker_clients m
           SET eur_balance = m.eur_balance + (v_da + v_dl) * change.amount, updated_at = now()
          FROM change
         WHERE v_da + v_dl <> 0 AND change.asset = 'EUR' AND m.id = change.market_maker_id
    )
    UPDATE balances b
       SET available = b.available + v_da * change.amount,
           locked = b.locked + v_dl * change.amount,
           updated_at = now()
      FROM change
     WHERE b.id = change.id;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;
