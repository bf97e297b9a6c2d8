-- ticket_number_text: the number part of a ticket id, at least six digits and as many more as it needs
-- (lpad alone would truncate ticket 1,000,000 to "100000" and collide with ticket 100,000).
CREATE OR REPLACE FUNCTION ticket_number_text(p_number bigint)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
AS $$
    SELECT lpad(p_number::text, greatest(6, length(p_number::text)), '0');
$$;
