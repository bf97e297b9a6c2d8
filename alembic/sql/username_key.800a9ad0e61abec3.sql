-- username_key: what a username reads as, by which two names read alike ("T.rader" and "trader", "j.doe" and
-- "j_doe"): its letters and digits in order, whatever their case and their '.', '_' and '-'. One home for the rule:
-- claim_username refuses a new name whose key is taken, and core's user list marks the look-alikes made before it.
CREATE OR REPLACE FUNCTION username_key(p_username text)
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
RETURN regexp_replace(lower(btrim(p_username)), '[._-]', '', 'g');
