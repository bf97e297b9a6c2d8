-- keep_an_active_admin: the database refuses to switch off its last active admin, however it is tried (through
-- deactivate_user, by a hand-written UPDATE, or a DELETE): a backoffice nobody can administer would stay locked
-- for good. Every change of who is an active admin moves the one row of active_admins by one; concurrent changes
-- queue on that row, and each adds to the count the one before it left, so two admins switched off at once by
-- two transactions cannot both pass, in any isolation level (a count(*) of users would let each transaction see
-- the other admin still active). check_invariants() proves the row equals the users it counts.
CREATE OR REPLACE FUNCTION keep_an_active_admin()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_delta  integer := CASE WHEN TG_OP = 'INSERT' THEN 1
                             WHEN TG_OP = 'DELETE' THEN -1
                             WHEN NEW.role = 'ADMIN' AND NEW.is_active THEN 1
                             ELSE -1 END;
    v_left   integer;
BEGIN
    UPDATE active_admins SET admins = admins + v_delta RETURNING admins INTO v_left;
    IF v_left = 0 THEN
        PERFORM raise_error('CB409', format('User "%s" is the last active admin and cannot be %s', OLD.username,
                                            CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'deactivated' END));
    END IF;
    RETURN NULL;
END;
$$;

-- each trigger fires only when a row becomes or stops being an active admin
CREATE OR REPLACE TRIGGER users_keep_an_active_admin
    AFTER UPDATE OF is_active, role ON users
    FOR EACH ROW WHEN ((OLD.role = 'ADMIN' AND OLD.is_active) IS DISTINCT FROM (NEW.role = 'ADMIN' AND NEW.is_active))
    EXECUTE FUNCTION keep_an_active_admin();
CREATE OR REPLACE TRIGGER users_count_a_new_admin
    AFTER INSERT ON users
    FOR EACH ROW WHEN (NEW.role = 'ADMIN' AND NEW.is_active)
    EXECUTE FUNCTION keep_an_active_admin();
CREATE OR REPLACE TRIGGER users_keep_an_admin_on_delete
    AFTER DELETE ON users
    FOR EACH ROW WHEN (OLD.role = 'ADMIN' AND OLD.is_active)
    EXECUTE FUNCTION keep_an_active_admin();
