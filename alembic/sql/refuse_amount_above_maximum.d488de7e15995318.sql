-- refuse_amount_above_maximum: refuses (CB400) an amount a person asked for that amount_above_maximum finds above
-- max_amount(), naming its field (p_what) as core does. Every stored function taking such an amount asks it.
CREATE OR REPLACE FUNCTION refuse_amount_above_maximum(p_what text, p_asset asset_type, p_amount numeric)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_reason text := amount_above_maximum(p_what, p_asset, p_amount);
BEGIN
    IF v_reason IS NOT NULL THEN
        PERFORM raise_error('CB400', v_reason);
    END IF;
END;
$$;
