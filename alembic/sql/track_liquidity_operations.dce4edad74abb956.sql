-- track_liquidity_operations: the trigger (AFTER INSERT / UPDATE / DELETE on liquidity_operations, once per
-- statement) that keeps the per-operation and per-day state of the Operations page in step with the operations,
-- whichever function writes them (adjust_liquidity_operations). check_invariants() proves it.
CREATE OR REPLACE FUNCTION track_liquidity_operations()
RETURNS trigger
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_new  liquidity_operations[] := '{}';
    v_old  liquidity_operations[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        v_new := ARRAY(SELECT n FROM new_rows n);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        v_old := ARRAY(SELECT o FROM old_rows o);
    END IF;
    PERFORM adjust_liquidity_operations(v_new, v_old);
    RETURN NULL;
END;
$$;
