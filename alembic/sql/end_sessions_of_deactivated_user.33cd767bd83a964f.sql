-- end_sessions_of_deactivated_user: a user who is switched off is signed out everywhere at once, whoever switches
-- them off and however, and switching them back on later does not bring the old sessions back.
CREATE OR REPLACE FUNCTION end_sessions_of_deactivated_user()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE sessions SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER users_deactivation_ends_sessions
    AFTER UPDATE OF is_active ON users
    FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
    EXECUTE FUNCTION end_sessions_of_deactivated_user();
