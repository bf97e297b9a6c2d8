-- create_entity: a trader firm (entity) with its balance rows and a ticket. A name is unique as
-- lower(btrim(name)) among trader firms and market makers (refuse_taken_account_name); one already taken is refused
-- naming the holder as stored, one name_fault refuses (control, invisible or compatibility characters) as it says.
CREATE OR REPLACE FUNCTION create_entity(p_name text, p_created_by bigint)
RETURNS entities
LANGUAGE plpgsql
AS $$
DECLARE
    e entities;
BEGIN
    PERFORM require_admin(p_created_by, 'create trader firms');
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        PERFORM raise_error('CB400', 'A trader firm needs a name of 1 to 200 characters');
    END IF;
    IF name_fault('Firm name', p_name) IS NOT NULL THEN  -- one name reading as another, or hiding what it says
        PERFORM raise_error('CB400', name_fault('Firm name', p_name));
    END IF;
    -- the name's lock first (in it): two creations of one name queue, and the second's check sees the first's row.
    -- No market maker's name either: an account's name is one across both kinds
    PERFORM refuse_taken_account_name(p_name);
    INSERT INTO entities (name, created_by) VALUES (btrim(p_name), p_created_by) RETURNING * INTO e;
    PERFORM create_account_balances(NULL, e.id);
    PERFORM create_ticket('CREATE_ENTITY', p_created_by, 'entity', e.id, NULL, jsonb_build_object('name', e.name));
    RETURN e;
END;
$$;
