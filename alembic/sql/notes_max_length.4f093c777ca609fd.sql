-- notes_max_length: the longest free text (notes, reasons) a person may attach to an admin action. The table
-- CHECKs call it and core reads it, so the limit has one source.
CREATE OR REPLACE FUNCTION notes_max_length()
RETURNS integer
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT 2000;
$$;
