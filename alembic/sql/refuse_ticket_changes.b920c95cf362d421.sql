-- refuse_ticket_changes: the audit trail is append-only; UPDATE, DELETE and TRUNCATE are refused.
CREATE OR REPLACE FUNCTION refuse_ticket_changes()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'CB409', MESSAGE = 'ticket_logs is append-only: audit rows are never changed';
END;
$$;

CREATE OR REPLACE TRIGGER ticket_logs_append_only
    BEFORE UPDATE OR DELETE ON ticket_logs
    FOR EACH ROW EXECUTE FUNCTION refuse_ticket_changes();

CREATE OR REPLACE TRIGGER ticket_logs_no_truncate
    BEFORE TRUNCATE ON ticket_logs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ticket_changes();
