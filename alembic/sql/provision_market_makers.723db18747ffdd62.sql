-- provision_market_makers: cover a liquidity shortfall in one transaction, audited.
--   create_new:    one new market maker per amount, named "LP 2026-11-26 #3" / "AH 2026-11-26 #3",
--                  each created with its deposit (create_market_maker: ticket + ledger row);
--   fund_existing: one deposit per market maker in p_mm_ids (fund_account: ticket + ledger row).
--   A PROVISION_MARKET_MAKERS ticket records the whole action. Core splits the amount (p_amounts).
CREATE OR REPLACE FUNCTION provision_market_makers(
    p_action      text,
    p_mm_type     market_maker_type,
    p_asset       asset_type,
    p_amounts     numeric[],
    p_created_by  bigint,
    p_mm_ids      bigint[] DEFAULT NULL
)
RETURNS TABLE (ticket_id text, market_maker_id bigint, name text, amount numeric)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    v_prefix   text;
    v_next     integer;
    v_ids      bigint[] := '{}';
    v_names    text[] := '{}';
    v_mm       market_maker_clients;
    v_ticket   ticket_logs;
    v_bad      record;
    i          integer;
BEGIN
    PERFORM require_admin(p_created_by, 'provision market makers');
    IF p_action NOT IN ('create_new', 'fund_existing') THEN
        PERFORM raise_error('CB400', format('Unknown provisioning action "%s": create_new or fund_existing', p_action));
    END IF;
    IF coalesce(cardinality(p_amounts), 0) = 0 THEN
        PERFORM raise_error('CB400', 'Provisioning needs at least one amount');
    END IF;
    PERFORM refuse_funding_outside_trade(p_mm_type, p_asset, 'Provisioning');
    IF EXISTS (SELECT 1 FROM unnest(p_amounts) a WHERE a IS NULL OR a <= 0) THEN
        PERFORM raise_error('CB400', 'Every provisioned amount must be greater than zero');
    END IF;
    -- the amount the admin typed is the sum of its parts: within the maximum, as core says under its field
    PERFORM refuse_amount_above_maximum(format('Amount of %s', p_asset), p_asset,
                                        (SELECT sum(a) FROM unnest(p_amounts) a));

    IF p_action = 'create_new' THEN
        -- one provisioning at a time picks the next free numbers, so two admins never race for a name
        PERFORM pg_advisory_xact_lock(7302, 0);
        v_prefix := CASE p_mm_type WHEN 'LIQUIDITY_PROVIDER' THEN 'LP ' ELSE 'AH ' END
                    || to_char(now(), 'YYYY-MM-DD') || ' #';
        -- names are unique as lower(btrim(name)): "lp 2026-12-01 #4", typed by hand, takes number 4 too
        SELECT coalesce(max(substr(k.name_key, length(v_prefix) + 1)::integer), 0) + 1 INTO v_next
          FROM market_maker_clients m CROSS JOIN LATERAL (SELECT lower(btrim(m.name)) AS name_key) k
         WHERE k.name_key LIKE lower(v_prefix) || '%' AND substr(k.name_key, length(v_prefix) + 1) ~ '^[0-9]{1,9}$';
        FOR i IN 1 .. cardinality(p_amounts) LOOP
            v_mm := create_market_maker(v_prefix || (v_next + i - 1), p_mm_type, p_created_by,
                                        jsonb_build_object(p_asset, p_amounts[i]));
            v_ids := v_ids || v_mm.id;
            v_names := v_names || v_mm.name;
        END LOOP;
    ELSE
        IF coalesce(cardinality(p_mm_ids), 0) <> cardinality(p_amounts) THEN
            PERFORM raise_error('CB400', 'Funding existing market makers needs one amount per market maker');
        END IF;
        IF (SELECT count(DISTINCT x) FROM unnest(p_mm_ids) x) <> cardinality(p_mm_ids) THEN
            PERFORM raise_error('CB400', 'Each market maker may be funded once per provisioning');
        END IF;
        -- every balance row to be funded, in id order, before any deposit (fund_account then re-locks its own)
        PERFORM lock_balances(ARRAY(SELECT b.id FROM balances b
                                     WHERE b.market_maker_id = ANY (p_mm_ids) AND b.asset = p_asset));
        SELECT u.id, m.name, m.mm_type INTO v_bad
          FROM unnest(p_mm_ids) AS u(id) LEFT JOIN market_maker_clients m ON m.id = u.id
         WHERE m.id IS NULL OR m.mm_type <> p_mm_type
         LIMIT 1;
        IF FOUND THEN
            IF v_bad.name IS NULL THEN
                PERFORM raise_error('CB404', format('Market maker %s does not exist', v_bad.id));
            END IF;
            PERFORM raise_error('CB400', format('Market maker "%s" is not a %s', v_bad.name,
                                                lower(replace(p_mm_type::text, '_', ' '))));
        END IF;
        FOR i IN 1 .. cardinality(p_mm_ids) LOOP
            PERFORM fund_account(p_mm_ids[i], NULL, p_asset, p_amounts[i], p_created_by);
            v_ids := v_ids || p_mm_ids[i];
            v_names := v_names || (SELECT m.name FROM market_maker_clients m WHERE m.id = p_mm_ids[i]);
        END LOOP;
    END IF;

    v_ticket := create_ticket('PROVISION_MARKET_MAKERS', p_created_by, 'market_maker', NULL, NULL,
        jsonb_build_object('action', p_action, 'mm_type', p_mm_type, 'asset', p_asset,
                           'total', (SELECT sum(a) FROM unnest(p_amounts) a),
                           'market_maker_ids', v_ids, 'amounts', p_amounts));
    RETURN QUERY SELECT v_ticket.ticket_id::text, u.id, u.name, u.amount
                   FROM unnest(v_ids, v_names, p_amounts) AS u(id, name, amount);
END;
$$;
