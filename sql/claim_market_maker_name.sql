-- claim_market_maker_name: refuse a new market maker's name that is taken, as lower(btrim(name)), naming the holder as
-- stored (and saying where a deactivated one is listed). Called by create_market_maker in the creating transaction,
-- before its INSERT, under the name's advisory lock (7303), so two creations of one name queue and the second is
-- refused; core asks it too (core.market_makers.check_market_maker_creation), so a form refuses a taken name before
-- it asks to confirm the creation's deposits.
CREATE OR REPLACE FUNCTION claim_market_maker_name(p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    mm  market_maker_clients;
BEGIN
    PERFORM pg_advisory_xact_lock(7303, hashtext(lower(btrim(p_name))));
    SELECT * INTO mm FROM market_maker_clients WHERE lower(btrim(name)) = lower(btrim(p_name));
    IF FOUND THEN  -- a deactivated one is hidden from the default list: say so, or the refusal reads as a mystery
        PERFORM raise_error('CB409', format('A market maker named "%s" already exists%s', mm.name,
            CASE WHEN mm.is_active THEN '' ELSE ' (deactivated: "Show inactive" lists it); choose another name' END));
    END IF;
END;
$$;
