-- list_operations: one page of liquidity_operation_summary rows matching the filters, in the requested order,
-- each with the total number of matching operations.
--   Sorting by a column of liquidity_operations (or their actual total) picks the page from that table; sorting by
--   a live column (filled, resting, withdrawn, fill ratio) picks it from liquidity_operation_fills, where that state
--   is kept per operation (with an index per sort key), joined to the matching operations.
--   Ties are broken by id in the same direction, so pages never overlap or skip rows.
CREATE OR REPLACE FUNCTION list_operations(
    p_certificate_type  certificate_type,
    p_date_from         date,
    p_date_to           date,
    p_created_by        bigint,
    p_ticket            text,
    p_sort              text,
    p_descending        boolean,
    p_limit             integer,
    p_offset            integer
)
RETURNS TABLE (operation liquidity_operation_summary, total_count bigint)
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_total   bigint;
    v_source  text;
    v_ids     bigint[];
    v_key     text := format('f.%I', p_sort);
    v_dir     text := CASE WHEN p_descending THEN 'DESC' ELSE 'ASC' END;
    v_id_dir  text := v_dir;  -- the tie-breaker's direction (v_dir may gain a NULLS clause below)
BEGIN
    IF p_sort IN ('created_at', 'ticket_id', 'certificate_type', 'reference_price',
                  'actual_bid_liquidity_eur', 'actual_ask_liquidity_eur', 'actual_total_eur') THEN
        v_source := 'filtered_operations($1, $2, $3, $4, $5) f';
        IF p_sort = 'actual_total_eur' THEN
            v_key := '(f.actual_bid_liquidity_eur + f.actual_ask_liquidity_eur)';
        END IF;
    ELSIF p_sort IN ('filled_eur', 'resting_eur', 'withdrawn_eur', 'fill_ratio') THEN
        v_source := '(SELECT s.operation_id AS id, s.filled_eur, s.resting_eur, s.withdrawn_eur, s.fill_ratio '
                    'FROM liquidity_operation_fills s JOIN filtered_operations($1, $2, $3, $4, $5) o '
                    'ON o.id = s.operation_id) f';
        -- a fill ratio may be NULL (nothing deployed): last when descending, first when ascending, as the indexes
        v_dir := v_dir || CASE WHEN p_descending THEN ' NULLS LAST' ELSE ' NULLS FIRST' END;
    ELSE
        PERFORM raise_error('CB400', format('Operations cannot be sorted by "%s"', p_sort));
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100000 OR p_offset IS NULL OR p_offset < 0 THEN
        PERFORM raise_error('CB400', 'A page needs a size of 1 to 100000 rows and an offset of zero or more');
    END IF;

    -- p_sort is one of the names above, quoted by %I: the only text spliced into the statements (the plan columns
    -- are NOT NULL, so plain ASC / DESC, which their indexes serve). Ties go by id in the same direction.
    IF p_ticket IS NULL THEN
        -- the total is summed from liquidity_operation_days (its key is the other filters); the page is read in
        -- the order of the sort key's index
        SELECT coalesce(sum(y.operations), 0) INTO v_total
          FROM liquidity_operation_days y
         WHERE (p_certificate_type IS NULL OR y.certificate_type = p_certificate_type)
           AND (p_date_from IS NULL OR y.day >= p_date_from)
           AND (p_date_to IS NULL OR y.day <= p_date_to)
           AND (p_created_by IS NULL OR y.created_by = p_created_by);
        EXECUTE format('SELECT ARRAY(SELECT f.id FROM %s ORDER BY %s %s, f.id %s LIMIT $6 OFFSET $7)',
                       v_source, v_key, v_dir, v_id_dir)
           INTO v_ids
          USING p_certificate_type, p_date_from, p_date_to, p_created_by, p_ticket, p_limit, p_offset;
    ELSE
        -- a ticket search can only scan: one pass finds the matches (id and sort key), which are counted and paged
        EXECUTE format('WITH m AS MATERIALIZED (SELECT f.id, %s AS sort_key FROM %s) '
                       'SELECT (SELECT count(*) FROM m), '
                       'ARRAY(SELECT m.id FROM m ORDER BY m.sort_key %s, m.id %s LIMIT $6 OFFSET $7)',
                       v_key, v_source, v_dir, v_id_dir)
           INTO v_total, v_ids
          USING p_certificate_type, p_date_from, p_date_to, p_created_by, p_ticket, p_limit, p_offset;
    END IF;

    RETURN QUERY
        SELECT s, v_total
        FROM unnest(v_ids) WITH ORDINALITY AS page (id, n)
        JOIN liquidity_operation_summary s ON s.id = page.id
        ORDER BY page.n;
END;
$$;
