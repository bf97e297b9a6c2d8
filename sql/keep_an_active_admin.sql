-- keep_an_active_admin: the database refuses to switch off its last active admin, however it is tried (through
-- deactivate_user or by hand): a backoffice nobody can administer would stay locked for good. deactivate_user
-- locks every active admin first (lock_user_for_change), so two admins deactivating each other at once are
-- checked one after the other and this count is exact.
CREATE OR REPLACE FUNCTION keep_an_active_admin()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users WHERE role = 'ADMIN' AND is_active) THEN
        PERFORM raise_error('CB409', format('User "%s" is the last active admin and cannot be deactivated',
                                            NEW.username));
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER users_keep_an_active_admin
    AFTER UPDATE OF is_active, role ON users
    FOR EACH ROW WHEN (OLD.role = 'ADMIN' AND OLD.is_active AND NOT (NEW.role = 'ADMIN' AND NEW.is_active))
    EXECUTE FUNCTION keep_an_active_admin();
