"""The app refuses to serve a database changed by hand, and says what changed (the check-schema message)."""

from sqlalchemy import text

from tests.ui.conftest import texts


def test_the_app_refuses_a_drifted_database_naming_what_was_changed(app, engine):
    with engine.begin() as conn:
        conn.execute(text("DROP FUNCTION ticket_log_actions()"))

    app.run()

    assert not app.exception
    shown = " ".join(texts(app.error))
    assert "Database unavailable" in shown
    assert "function ticket_log_actions() is missing" in shown
    assert not app.text_input  # no sign-in form on a database that cannot be trusted
