-- create_market_maker: a new market maker with its balance rows, optional initial deposits and a ticket.
-- p_initial maps assets it is funded with (market_maker_assets) to amounts, e.g. {"CEA": n, "EUA": n}.
-- A name is unique as lower(btrim(name)); one already taken is refused by claim_market_maker_name, one name_fault
-- refuses (control, invisible or compatibility characters) as it says.
CREATE OR REPLACE FUNCTION create_market_maker(
    p_name        text,
    p_mm_type     market_maker_type,
    p_created_by  bigint,
    p_initial     jsonb DEFAULT '{}'
)
RETURNS market_maker_clients
LANGUAGE plpgsql
AS $$
DECLARE
    mm          market_maker_clients;
    v_ticket    ticket_logs;
    v_asset     text;
    v_amount    numeric;
BEGIN
    PERFORM require_admin(p_created_by, 'create market makers');
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        PERFORM raise_error('CB400', 'A market maker needs a name of 1 to 200 characters');
    END IF;
    IF name_fault('Market maker name', p_name) IS NOT NULL THEN  -- one name reading as another, or hiding what it says
        PERFORM raise_error('CB400', name_fault('Market maker name', p_name));
    END IF;
    -- the name's lock first: two creations of one name queue there, and the second's check sees the first's row
    PERFORM claim_market_maker_name(p_name);
    FOR v_asset IN SELECT jsonb_object_keys(coalesce(p_initial, '{}')) LOOP
        IF v_asset NOT IN ('EUR', 'CEA', 'EUA') THEN
            PERFORM raise_error('CB400', format('Unknown asset "%s" in initial balances', v_asset));
        END IF;
        PERFORM refuse_funding_outside_trade(p_mm_type, v_asset::asset_type, 'The new market maker');
        PERFORM refuse_amount_above_maximum(format('Initial %s balance', v_asset), v_asset::asset_type,
                                            (p_initial ->> v_asset)::numeric);
    END LOOP;

    INSERT INTO market_maker_clients (name, mm_type, created_by)
    VALUES (btrim(p_name), p_mm_type, p_created_by)
    RETURNING * INTO mm;
    PERFORM create_account_balances(mm.id, NULL);

    v_ticket := create_ticket('CREATE_MARKET_MAKER', p_created_by, 'market_maker', mm.id, NULL,
        jsonb_build_object('name', mm.name, 'mm_type', mm.mm_type, 'initial_balances', coalesce(p_initial, '{}')));

    -- the rows are brand new and invisible to others: no lock ordering to respect yet
    FOR v_asset, v_amount IN
        SELECT key, value::numeric FROM jsonb_each_text(coalesce(p_initial, '{}')) ORDER BY key
    LOOP
        IF v_amount < 0 THEN
            PERFORM raise_error('CB400', format('Initial %s balance cannot be negative', v_asset));
        ELSIF v_amount > 0 THEN
            PERFORM apply_balance_change(balance_id_for(mm.id, NULL, v_asset::asset_type), 'DEPOSIT', v_amount,
                                         'ticket', v_ticket.id, v_ticket.ticket_id, p_created_by);
        END IF;
    END LOOP;

    SELECT * INTO mm FROM market_maker_clients WHERE id = mm.id;
    RETURN mm;
END;
$$;
