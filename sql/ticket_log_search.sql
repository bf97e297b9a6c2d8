-- Audit trail reads for the Operations page: ticket_logs filtered by action, actor, object and time, newest
-- first. The WHERE clause holds only the filters that are set (values always travel as parameters), so each
-- combination is planned for itself and can use its index on a million rows.
--   p_from / p_to bound created_at (from inclusive, to exclusive); p_ticket matches one ticket id exactly.

-- ticket_log_conditions: the WHERE clause for the given filters, over parameters $1..$7 in this order.
CREATE OR REPLACE FUNCTION ticket_log_conditions(
    p_action text, p_actor_id bigint, p_entity_type text, p_entity_id bigint,
    p_from timestamptz, p_to timestamptz, p_ticket text
)
RETURNS text
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT 'WHERE true'
        || CASE WHEN p_action IS NOT NULL THEN ' AND l.action = $1' ELSE '' END
        || CASE WHEN p_actor_id IS NOT NULL THEN ' AND l.actor_id = $2' ELSE '' END
        || CASE WHEN p_entity_type IS NOT NULL THEN ' AND l.entity_type = $3' ELSE '' END
        || CASE WHEN p_entity_id IS NOT NULL THEN ' AND l.entity_id = $4' ELSE '' END
        || CASE WHEN p_from IS NOT NULL THEN ' AND l.created_at >= $5' ELSE '' END
        || CASE WHEN p_to IS NOT NULL THEN ' AND l.created_at < $6' ELSE '' END
        || CASE WHEN p_ticket IS NOT NULL THEN ' AND l.ticket_id = $7' ELSE '' END;
$$;

-- search_ticket_logs: one page of matching tickets with the actor's username. The page's ids are found first, on
-- the index alone (ticket_logs_created_id_idx holds the order, created_at then id), and only its rows are read:
-- read whole, the 10,000 rows an offset skips were each fetched and joined to their actor, then thrown away.
CREATE OR REPLACE FUNCTION search_ticket_logs(
    p_action text, p_actor_id bigint, p_entity_type text, p_entity_id bigint,
    p_from timestamptz, p_to timestamptz, p_ticket text, p_limit integer, p_offset integer
)
RETURNS TABLE (id bigint, ticket_id varchar, action text, actor_id bigint, actor_username text,
               entity_type text, entity_id bigint, before_state jsonb, after_state jsonb, created_at timestamptz)
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100000 OR p_offset IS NULL OR p_offset < 0 THEN
        PERFORM raise_error('CB400', 'A page needs a size of 1 to 100000 rows and an offset of zero or more');
    END IF;
    RETURN QUERY EXECUTE
        'SELECT l.id, l.ticket_id, l.action, l.actor_id, u.username, l.entity_type, l.entity_id,
                l.before_state, l.after_state, l.created_at
           FROM (SELECT l.id FROM ticket_logs l '
        || ticket_log_conditions(p_action, p_actor_id, p_entity_type, p_entity_id, p_from, p_to, p_ticket)
        || ' ORDER BY l.created_at DESC, l.id DESC LIMIT $8 OFFSET $9) page
           JOIN ticket_logs l ON l.id = page.id
           LEFT JOIN users u ON u.id = l.actor_id
          ORDER BY l.created_at DESC, l.id DESC'
    USING p_action, p_actor_id, p_entity_type, p_entity_id, p_from, p_to, p_ticket, p_limit, p_offset;
END;
$$;

-- count_ticket_logs: how many tickets match, counted up to p_cap (an exact count of a million rows would
-- cost more than the page it describes); a result of p_cap means "p_cap or more".
CREATE OR REPLACE FUNCTION count_ticket_logs(
    p_action text, p_actor_id bigint, p_entity_type text, p_entity_id bigint,
    p_from timestamptz, p_to timestamptz, p_ticket text, p_cap integer
)
RETURNS bigint
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_count bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM ticket_logs l '
        || ticket_log_conditions(p_action, p_actor_id, p_entity_type, p_entity_id, p_from, p_to, p_ticket)
        || ' LIMIT $8) capped'
    INTO v_count
    USING p_action, p_actor_id, p_entity_type, p_entity_id, p_from, p_to, p_ticket, p_cap;
    RETURN v_count;
END;
$$;
