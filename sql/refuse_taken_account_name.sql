-- refuse_taken_account_name: refuse a new trader firm's or market maker's name that an account of either kind
-- holds, as lower(btrim(name)), naming the holder as stored and what it is (and where a deactivated market maker is
-- listed). One rule for both kinds: a deposit's toast, the account a Cash Market trades for and the audit log name an
-- account by its name, so a trader firm and a market maker of one name read alike. Takes the name's advisory lock
-- (7303) first: two creations of one name, of either kind, queue, and the second sees the first's row.
CREATE OR REPLACE FUNCTION refuse_taken_account_name(p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    mm  market_maker_clients;
    e   entities;
BEGIN
    PERFORM pg_advisory_xact_lock(7303, hashtext(lower(btrim(p_name))));
    SELECT * INTO mm FROM market_maker_clients WHERE lower(btrim(name)) = lower(btrim(p_name));
    IF FOUND THEN  -- a deactivated one is hidden from the default list: say so, or the refusal reads as a mystery
        PERFORM raise_error('CB409', format('A market maker named "%s" already exists%s', mm.name,
            CASE WHEN mm.is_active THEN '' ELSE ' (deactivated: "Show inactive" lists it); choose another name' END));
    END IF;
    SELECT * INTO e FROM entities WHERE lower(btrim(name)) = lower(btrim(p_name));
    IF FOUND THEN
        PERFORM raise_error('CB409', format('A trader firm named "%s" already exists', e.name));
    END IF;
END;
$$;
