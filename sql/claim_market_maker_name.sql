-- claim_market_maker_name: refuse a new market maker's name that is taken, by a market maker or a trader firm
-- (refuse_taken_account_name: as lower(btrim(name)), naming the holder as stored, saying where a deactivated one is
-- listed). Called by create_market_maker in the creating transaction, before its INSERT, under the name's advisory
-- lock (7303), so two creations of one name queue and the second is refused; core asks it too
-- (core.market_makers.check_market_maker_creation), so a form refuses a taken name before it asks to confirm the
-- creation's deposits.
CREATE OR REPLACE FUNCTION claim_market_maker_name(p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM refuse_taken_account_name(p_name);
END;
$$;
