-- operation_tickets: the audit rows of one liquidity operation, oldest first: the ticket it was created
-- under, and every ticket written about the operation itself or about one of its orders (withdrawals…).
-- Three index lookups joined by UNION: an OR across them would scan the whole audit trail.
CREATE OR REPLACE FUNCTION operation_tickets(p_operation_id bigint)
RETURNS TABLE (id bigint, ticket_id varchar, action text, actor_id bigint, actor_username text,
               entity_type text, entity_id bigint, before_state jsonb, after_state jsonb, created_at timestamptz)
LANGUAGE sql
STABLE
AS $$
    WITH ids AS (
        SELECT l.id FROM ticket_logs l
        JOIN liquidity_operations lo ON lo.ticket_id = l.ticket_id
        WHERE lo.id = p_operation_id
        UNION
        SELECT l.id FROM ticket_logs l
        WHERE l.entity_type = 'liquidity_operation' AND l.entity_id = p_operation_id
        UNION
        SELECT l.id FROM ticket_logs l
        JOIN orders o ON l.entity_type = 'order' AND l.entity_id = o.id
        WHERE o.liquidity_operation_id = p_operation_id
    )
    SELECT l.id, l.ticket_id, l.action, l.actor_id, u.username, l.entity_type, l.entity_id,
           l.before_state, l.after_state, l.created_at
    FROM ids
    JOIN ticket_logs l ON l.id = ids.id
    LEFT JOIN users u ON u.id = l.actor_id
    ORDER BY l.created_at, l.id;
$$;
