-- reactivate_market_maker: an admin brings a deactivated market maker back. It takes part in new liquidity again
-- (Create Liquidity, policies) once it holds what it trades; its balances, ledger and name never left it.
CREATE OR REPLACE FUNCTION reactivate_market_maker(p_market_maker_id bigint, p_created_by bigint)
RETURNS market_maker_clients
LANGUAGE plpgsql
AS $$
DECLARE
    mm  market_maker_clients;
BEGIN
    mm := lock_market_maker_for_change(p_market_maker_id, p_created_by, 'reactivate market makers');
    IF mm.is_active THEN
        PERFORM raise_error('CB409', format('Market maker "%s" is active already', mm.name));
    END IF;

    UPDATE market_maker_clients SET is_active = true, updated_at = now() WHERE id = mm.id RETURNING * INTO mm;
    PERFORM create_ticket('REACTIVATE_MARKET_MAKER', p_created_by, 'market_maker', mm.id,
                          jsonb_build_object('is_active', false), jsonb_build_object('is_active', true));
    RETURN mm;
END;
$$;
