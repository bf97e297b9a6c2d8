-- ticket_number_text: the number part of a ticket id, at least six digits and as many more as it needs
-- (lpad alone would truncate ticket 1,000,000 to "100000" and collide with ticket 100,000).
-- One expression naming its argument once, so the planner inlines it into ticket_logs.ticket_id's default, whose
-- argument is nextval(): a function that names a volatile argument twice is called per row instead (600 calls
-- per 600-order liquidity creation, ~1.5 ms). In to_char's pattern a 0 is a digit always written and a 9 one
-- written when needed (FM: no padding): six zeros, thirteen nines before them for the rest of a bigint.
-- STABLE as to_char is (only a locale's own signs would make it vary; this pattern has none).
CREATE OR REPLACE FUNCTION ticket_number_text(p_number bigint)
RETURNS text
LANGUAGE sql
STABLE
STRICT
AS $$
    SELECT to_char(p_number, 'FM9999999999999000000');
$$;
