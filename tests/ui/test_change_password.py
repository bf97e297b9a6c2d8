"""Choosing one's own password through app.py: first thing after signing in with a one-time password, whatever URL
was opened, and on the Change Password page any time; each refusal under its field."""

from sqlalchemy import text

from core import sessions
from core.user_accounts import create_user_account
from core.users import authenticate
from tests.helpers import PASSWORD
from tests.ui.conftest import field_errors, new_session, open_url, refusal_under, sign_in_as, texts

NEW_PASSWORD = "fjord lantern quietly"
PAGE = "pages/change_password.py"


def fill(at, prefix: str, current: str, new: str, repeat: str):
    at.text_input(key=f"{prefix}_current_password").set_value(current)
    at.text_input(key=f"{prefix}_new_password").set_value(new)
    at.text_input(key=f"{prefix}_repeat_password").set_value(repeat)
    at.button(key=f"FormSubmitter:{prefix}_form-Change password").click()
    return at.run()


def test_a_one_time_password_leads_to_choosing_ones_own_then_to_the_page_the_link_asked_for(
    app, actors, db, database_url
):
    issued = create_user_account(db, "desk.trader", "TRADER", actors.entity.id, created_by_id=actors.admin.id)
    sign_in_as(app, issued.user, new_session(database_url, issued.user))

    at = open_url(app, "cash-market")

    assert not at.exception
    assert [t.value for t in at.title] == ["Choose your password"]
    assert not at.sidebar.button  # no menu, no page: nothing else is open to them yet

    fill(at, "choose_password", issued.password, NEW_PASSWORD, "fjord lantern")
    assert refusal_under(at, "choose_password_repeat_password") == (
        "This is not the new password as typed above: type the same password twice"
    )
    assert [t.value for t in at.title] == ["Choose your password"]

    fill(at, "choose_password", issued.password, NEW_PASSWORD, NEW_PASSWORD)

    assert not at.exception
    assert [t.value for t in at.title] == ["Cash Market"]
    assert "Your password is set. Welcome!" in texts(at.toast)
    assert authenticate(db, "desk.trader", NEW_PASSWORD).must_change_password is False


def test_a_pasted_password_past_the_limit_is_refused_saying_the_limit_and_its_length(open_app, actors, db):
    at = open_app(actors.trader, PAGE)
    pasted = "lantern fjord " * 72  # 1,008 characters

    fill(at, "change_password", PASSWORD, pasted, pasted)

    assert refusal_under(at, "change_password_new_password") == (
        "A password must be at most 1,000 characters long; this one has 1,008"
    )
    assert authenticate(db, actors.trader.username, PASSWORD).id == actors.trader.id  # unchanged


def test_a_pasted_password_holding_a_character_no_one_can_type_again_is_refused_naming_it(open_app, actors, db):
    at = open_app(actors.trader, PAGE)

    for pasted, refusal in (
        (
            "fjord\u200blantern quietly",  # a zero-width space, copied from a chat: the password worked pasted only
            "Password contains an invisible character (U+200B ZERO WIDTH SPACE), as pasted text can: "
            "type the password without it",
        ),
        (
            "fjord lantern\tquietly",  # a tab moves to the next field when typed at sign-in
            "A password cannot contain a tab, a line break or another control character, as pasted text can: "
            "type the password without it",
        ),
    ):
        fill(at, "change_password", PASSWORD, pasted, pasted)

        assert refusal_under(at, "change_password_new_password") == refusal
    assert authenticate(db, actors.trader.username, PASSWORD).id == actors.trader.id  # unchanged


def test_the_change_password_page_refuses_each_fault_under_its_field_and_changes_nothing(open_app, actors, db):
    at = open_app(actors.trader, PAGE)

    fill(at, "change_password", "not it", "trader-desk-pw", "trader-desk-pw")

    assert refusal_under(at, "change_password_new_password") == "A password must not contain the username"
    assert refusal_under(at, "change_password_current_password") is None  # tried only once the rest is right
    fill(at, "change_password", "not it", "password1234", "password1234")
    assert refusal_under(at, "change_password_new_password") == (
        "This password is too easy to guess. This is a very common password. Add another word or two. Uncommon words "
        "are better."
    )
    fill(at, "change_password", "not it", NEW_PASSWORD, NEW_PASSWORD)
    assert refusal_under(at, "change_password_current_password") == "This is not your current password"
    assert authenticate(db, actors.trader.username, PASSWORD).id == actors.trader.id


def test_changing_ones_password_keeps_this_window_signed_in_and_empties_the_form(open_app, actors, db):
    elsewhere = sessions.create(db, actors.trader.id)
    at = open_app(actors.trader, PAGE)

    fill(at, "change_password", PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert not at.exception
    assert "Password changed. Any other sessions of yours were signed out." in texts(at.toast)
    assert [t.value for t in at.title] == ["Change Password"]
    assert at.text_input(key="change_password_new_password").value == ""
    assert sessions.resolve(db, elsewhere) is None
    assert authenticate(db, actors.trader.username, NEW_PASSWORD).id == actors.trader.id


def test_the_same_form_sent_twice_changes_the_password_once_and_counts_no_failure(open_app, actors, db):
    at = open_app(actors.trader, PAGE)
    fill(at, "change_password", PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    fill(at, "change_password", PASSWORD, NEW_PASSWORD, NEW_PASSWORD)  # a double click sends what was typed again

    assert not at.exception
    assert field_errors(at) == []  # it said "Wrong current password" and counted a failed sign-in
    failures = db.execute(text("SELECT count(*) FROM login_failures")).scalar()
    db.rollback()
    assert failures == 0
    assert authenticate(db, actors.trader.username, NEW_PASSWORD).id == actors.trader.id


def test_every_role_may_open_change_password(open_app, actors):
    for user in (actors.admin, actors.analyst, actors.trader):
        at = open_app(user)

        assert not at.exception
        at.switch_page(PAGE).run()
        assert [t.value for t in at.title] == ["Change Password"]
