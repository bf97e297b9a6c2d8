-- claim_username: refuse a new username that is taken, or that reads like one taken ("Admin." beside "admin",
-- "j.doe" beside "j_doe"): an audit line or a sign-in must never leave a reader unsure which user it was. Two
-- names read alike when their username_key is the same. Called by every creation of a user (create_user_account;
-- core.users.create_user for the first admin and the demo seed) in the creating transaction, before its INSERT.
CREATE OR REPLACE FUNCTION claim_username(p_username text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_name    text := btrim(p_username);
    v_key     text := username_key(p_username);
    v_holder  text;
BEGIN
    -- the name's lock first: two creations of look-alike names queue here, and the second's check sees the first
    PERFORM pg_advisory_xact_lock(7304, hashtext(v_key));
    SELECT u.username INTO v_holder
      FROM users u
     WHERE username_key(u.username) = v_key
     ORDER BY lower(u.username) <> lower(v_name), u.id
     LIMIT 1;
    IF v_holder IS NULL THEN
        RETURN;
    ELSIF v_holder = v_name THEN
        PERFORM raise_error('CB409', format('The username "%s" is taken', v_name));
    ELSIF lower(v_holder) = lower(v_name) THEN  -- name the holder as stored: "ADMIN" is taken by "admin"
        PERFORM raise_error('CB409', format('The username "%s" is taken by "%s" (usernames ignore case)', v_name,
                                            v_holder));
    END IF;
    PERFORM raise_error('CB409', format(
        'The username "%s" reads like "%s", who exists already: choose a name that differs in its letters or digits',
        v_name, v_holder));
END;
$$;
