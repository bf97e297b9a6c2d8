-- refuse_funding_outside_trade: a market maker is funded only with what it trades (market_maker_assets: EUR
-- for a liquidity provider, certificates for an asset holder). p_who starts the message.
CREATE OR REPLACE FUNCTION refuse_funding_outside_trade(p_mm_type market_maker_type, p_asset asset_type, p_who text)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF NOT p_asset = ANY (market_maker_assets(p_mm_type)) THEN
        PERFORM raise_error('CB400', format('%s: a %s is funded with %s only, not %s', p_who,
            lower(replace(p_mm_type::text, '_', ' ')), array_to_string(market_maker_assets(p_mm_type), '/'),
            p_asset));
    END IF;
END;
$$;
