-- active_market_maker: the market maker, refused with a clear message when it is unknown (CB404) or
-- deactivated (CB409). p_doing completes "… is deactivated and cannot …".
CREATE OR REPLACE FUNCTION active_market_maker(p_market_maker_id bigint, p_doing text)
RETURNS market_maker_clients
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    mm market_maker_clients;
BEGIN
    SELECT * INTO mm FROM market_maker_clients WHERE id = p_market_maker_id;
    IF NOT FOUND THEN
        PERFORM raise_error('CB404', format('Market maker %s does not exist', p_market_maker_id));
    END IF;
    IF NOT mm.is_active THEN
        PERFORM raise_error('CB409', format('Market maker "%s" is deactivated and cannot %s', mm.name, p_doing));
    END IF;
    RETURN mm;
END;
$$;
