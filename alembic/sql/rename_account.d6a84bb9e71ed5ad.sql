-- rename_account: an admin renames a market maker (p_market_maker_id) or a trader firm (p_entity_id): exactly one.
-- The new name is held to a creation's rules: 1 to 200 characters once trimmed, no name_fault, and not taken by an
-- account of either kind (refuse_taken_account_name, under the name's advisory lock). Its own name in other case or
-- spacing is no claim on another's: "atlas liquidity" → "Atlas Liquidity" is checked against nobody. The same name
-- again changes nothing and is refused, so a ticket never records a rename that is none.
-- Returns the RENAME_MARKET_MAKER or RENAME_ENTITY ticket, the name before and after in its states. Tickets, orders
-- and ledger rows refer to the account by id, so every page reads the new name from here on; a liquidity
-- operation's market_makers_used keeps the names it was placed with, as it records what was placed.
CREATE OR REPLACE FUNCTION rename_account(
    p_market_maker_id  bigint,
    p_entity_id        bigint,
    p_name             text,
    p_renamed_by       bigint
)
RETURNS ticket_logs
LANGUAGE plpgsql
AS $$
DECLARE
    v_is_mm  boolean := p_market_maker_id IS NOT NULL;
    v_kind   text := CASE WHEN p_market_maker_id IS NOT NULL THEN 'market maker' ELSE 'trader firm' END;
    v_new    text := btrim(p_name);
    v_old    text;
BEGIN
    IF (p_market_maker_id IS NULL) = (p_entity_id IS NULL) THEN
        PERFORM raise_error('CB400', 'Rename one account: a market maker or a trader firm');
    END IF;
    PERFORM require_admin(p_renamed_by, format('rename %ss', v_kind));
    IF v_new IS NULL OR length(v_new) NOT BETWEEN 1 AND 200 THEN
        PERFORM raise_error('CB400', format('A %s needs a name of 1 to 200 characters', v_kind));
    END IF;
    IF name_fault(CASE WHEN v_is_mm THEN 'Market maker name' ELSE 'Firm name' END, p_name) IS NOT NULL THEN
        PERFORM raise_error('CB400', name_fault(CASE WHEN v_is_mm THEN 'Market maker name' ELSE 'Firm name' END,
                                                p_name));
    END IF;

    -- the account's row first, then the new name's lock: no one holding a name's lock waits for an account's row
    -- (a creation inserts one), so a rename and a creation of one name queue on the name instead of deadlocking
    IF v_is_mm THEN
        SELECT name INTO v_old FROM market_maker_clients WHERE id = p_market_maker_id FOR UPDATE;
    ELSE
        SELECT name INTO v_old FROM entities WHERE id = p_entity_id FOR UPDATE;
    END IF;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('%s %s does not exist',
            CASE WHEN v_is_mm THEN 'Market maker' ELSE 'Trader firm' END, coalesce(p_market_maker_id, p_entity_id)));
    END IF;
    IF v_old = v_new THEN
        PERFORM raise_error('CB400', format('It is named "%s" already: type the new name', v_old));
    END IF;
    IF lower(v_old) <> lower(v_new) THEN  -- stored names are trimmed: only another's name can be taken
        PERFORM refuse_taken_account_name(v_new);
    END IF;

    IF v_is_mm THEN
        UPDATE market_maker_clients SET name = v_new, updated_at = now() WHERE id = p_market_maker_id;
    ELSE
        UPDATE entities SET name = v_new WHERE id = p_entity_id;
    END IF;
    RETURN create_ticket(CASE WHEN v_is_mm THEN 'RENAME_MARKET_MAKER' ELSE 'RENAME_ENTITY' END, p_renamed_by,
                         CASE WHEN v_is_mm THEN 'market_maker' ELSE 'entity' END,
                         coalesce(p_market_maker_id, p_entity_id),
                         jsonb_build_object('name', v_old), jsonb_build_object('name', v_new));
END;
$$;
