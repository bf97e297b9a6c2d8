-- filtered_operations: the liquidity operations matching the Operations page filters (NULL = no filter).
--   p_date_from / p_date_to are inclusive calendar days in UTC; p_ticket matches part of the ticket id,
--   case-insensitively and literally: ticket ids are upper case (a CHECK says so), so strpos of the upper-cased
--   text is the exact test. The operations holding every trigram of the text are found first, on the GIN index of
--   ticket_id_trigrams (revision 0029), so a search tests only those: 0.7 ms instead of 3.3 ms for a part of a
--   number at 10k operations. A part shorter than three characters has no trigram and tests every operation.
-- A single SQL statement, so callers that put it in FROM get it inlined with their own query.
CREATE OR REPLACE FUNCTION filtered_operations(
    p_certificate_type  certificate_type,
    p_date_from         date,
    p_date_to           date,
    p_created_by        bigint,
    p_ticket            text
)
RETURNS SETOF liquidity_operations
LANGUAGE sql
STABLE
AS $$
    SELECT lo.*
    FROM liquidity_operations lo
    WHERE (p_certificate_type IS NULL OR lo.certificate_type = p_certificate_type)
      AND (p_date_from IS NULL OR lo.created_at >= (p_date_from::timestamp AT TIME ZONE 'UTC'))
      AND (p_date_to IS NULL OR lo.created_at < ((p_date_to + 1)::timestamp AT TIME ZONE 'UTC'))
      AND (p_created_by IS NULL OR lo.created_by = p_created_by)
      AND (p_ticket IS NULL OR (lo.ticket_id_trigrams @> text_trigrams(upper(p_ticket))
                                AND strpos(lo.ticket_id, upper(p_ticket)) > 0));
$$;
