-- create_ticket: append one audit row (ticket id TKT-YYYY-NNNNNN) for an admin action.
CREATE OR REPLACE FUNCTION create_ticket(
    p_action       text,
    p_actor_id     bigint,
    p_entity_type  text,
    p_entity_id    bigint,
    p_before       jsonb,
    p_after        jsonb
)
RETURNS ticket_logs
LANGUAGE sql
AS $$
    INSERT INTO ticket_logs (action, actor_id, entity_type, entity_id, before_state, after_state)
    VALUES (p_action, p_actor_id, p_entity_type, p_entity_id, p_before, p_after)
    RETURNING *;
$$;
