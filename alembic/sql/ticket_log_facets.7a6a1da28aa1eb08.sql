-- ticket_log_actions / ticket_log_entity_types: the distinct values the audit filters offer. A recursive
-- "skip scan" jumps from one value to the next in the index, so a million tickets cost one probe per value.
CREATE OR REPLACE FUNCTION ticket_log_actions()
RETURNS SETOF text
LANGUAGE sql
STABLE
AS $$
    WITH RECURSIVE v (action) AS (
        (SELECT action FROM ticket_logs ORDER BY action LIMIT 1)
        UNION ALL
        SELECT (SELECT l.action FROM ticket_logs l WHERE l.action > v.action ORDER BY l.action LIMIT 1)
        FROM v WHERE v.action IS NOT NULL
    )
    SELECT action FROM v WHERE action IS NOT NULL;
$$;

CREATE OR REPLACE FUNCTION ticket_log_entity_types()
RETURNS SETOF text
LANGUAGE sql
STABLE
AS $$
    WITH RECURSIVE v (entity_type) AS (
        (SELECT entity_type FROM ticket_logs ORDER BY entity_type LIMIT 1)
        UNION ALL
        SELECT (SELECT l.entity_type FROM ticket_logs l WHERE l.entity_type > v.entity_type
                ORDER BY l.entity_type LIMIT 1)
        FROM v WHERE v.entity_type IS NOT NULL
    )
    SELECT entity_type FROM v WHERE entity_type IS NOT NULL;
$$;
