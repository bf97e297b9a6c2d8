-- raise_error: raise a project error whose SQLSTATE core.errors maps onto a typed Python error.
--   CB400 validation, CB402 insufficient funds, CB403 permission, CB404 not found, CB409 conflict,
--   CB429 rate limited.
CREATE OR REPLACE FUNCTION raise_error(p_sqlstate text, p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = p_sqlstate, MESSAGE = p_message;
END;
$$;
