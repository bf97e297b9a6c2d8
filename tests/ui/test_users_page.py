"""The Users page through AppTest: every user by role; add a user with a one-time password shown once; deactivate,
reactivate and reset a password, each refusal said where it was asked for."""

import json
import re

import pandas as pd
import pytest
from sqlalchemy import text

from core import sessions
from core.config import get_settings
from core.errors import AuthenticationFailed
from core.user_accounts import deactivate_user, reactivate_user
from core.users import authenticate, get_user, hash_password
from tests.helpers import PASSWORD, snapshot
from tests.ui.conftest import refusal_under, texts, warned_under
from ui.accounts_view import STATUS_COLUMN_MIN_PX, STATUS_COLUMN_PX
from ui.format import NO_VALUE
from ui.grids import text_column_px

PAGE = "pages/user_accounts.py"


def choose(at, user_id: int):
    at.selectbox(key="users_selected").set_value(user_id).run()
    return at


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception
    return at


def test_an_admin_sees_every_user_with_role_firm_and_status_filtered_by_role(open_app, actors):
    at = open_app(actors.admin, PAGE)
    status = json.loads(at.dataframe[0].proto.columns)["status"]
    assert status["width"] == STATUS_COLUMN_MIN_PX  # all "Active": no room kept for tags nobody has

    table = at.dataframe[0].value
    assert table["username"].tolist() == ["admin", "analyst", "trader"]
    assert table.set_index("username").loc["trader", "firm"] == "Trader Firm"
    at.segmented_control(key="users_role_filter").set_value("Traders").run()
    assert at.dataframe[0].value["username"].tolist() == ["trader"]


def test_a_cell_with_no_value_reads_the_no_value_dash_not_blank(open_app, actors, db):
    db.execute(text("UPDATE users SET last_login_at = now() WHERE id = :id"), {"id": actors.trader.id})
    db.commit()

    at = open_app(actors.admin, PAGE)

    grid = at.dataframe[0]
    rows = grid.value.set_index("username")
    assert grid.proto.placeholder == NO_VALUE  # what a cell with no value shows (it was "": blank)
    assert pd.isna(rows.loc["analyst", "last_login_at"]) and not pd.isna(rows.loc["trader", "last_login_at"])
    assert pd.isna(rows.loc["analyst", "firm"]) and rows.loc["trader", "firm"] == "Trader Firm"  # no firm: no value
    assert json.loads(grid.proto.columns)["last_login_at"]["help"] == f"{NO_VALUE}: never signed in"


def test_users_whose_usernames_read_alike_are_marked_in_the_table_the_notice_and_their_card(open_app, actors, db):
    look_alike = db.execute(  # added before revision 0021, bypassing claim_username
        text("INSERT INTO users (username, password_hash, role) VALUES ('T.rader', :h, 'ANALYST') RETURNING id"),
        {"h": hash_password(PASSWORD)},
    ).scalar_one()
    db.commit()

    at = choose(open_app(actors.admin, PAGE), look_alike)

    assert not at.exception
    reads_like = at.dataframe[0].value.set_index("username")["reads_like"]
    assert reads_like.dropna().to_dict() == {"T.rader": "trader", "trader": "T.rader"}
    assert reads_like[["admin", "analyst"]].isna().all()  # reads like nobody's: no value
    assert json.loads(at.dataframe[0].proto.columns)["reads_like"]["label"] == "Reads like"
    assert texts(at.warning)[0].startswith("**T.rader** and **trader** read alike  \nEach group's names have the same")
    assert badges(at) == ['Reads like "trader"']
    assert badges(choose(at, actors.trader.id)) == ['Reads like "T.rader"']
    assert badges(choose(at, actors.admin.id)) == []


def test_the_status_column_is_as_wide_as_the_user_with_most_tags_needs_so_the_last_columns_fit_at_1280(
    open_app, actors, db
):
    for name in ("T.rader", "a.d.m.i.n"):  # look-alikes add the Reads like column, and every user is "Active"
        db.execute(
            text("INSERT INTO users (username, password_hash, role) VALUES (:u, :h, 'ANALYST')"),
            {"u": name, "h": hash_password(PASSWORD)},
        )
    db.commit()

    at = open_app(actors.admin, PAGE)
    # always 256 px, Status pushed Trader firm and Created out of sight at 1,280 px beside Reads like (in Chromium)
    assert json.loads(at.dataframe[0].proto.columns)["status"]["width"] == STATUS_COLUMN_MIN_PX

    db.execute(text("UPDATE users SET must_change_password = true WHERE username = 'trader'"))
    db.commit()
    for _ in range(get_settings().login_max_failures):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "trader", "wrong password")
    at.run()
    assert list(at.dataframe[0].value.set_index("username").loc["trader", "status"]) == [
        "Active",
        "Locked",
        "One-time password",
    ]
    assert json.loads(at.dataframe[0].proto.columns)["status"]["width"] >= STATUS_COLUMN_PX - 1  # all three tags


def test_the_name_columns_are_as_wide_as_their_longest_name_so_a_firm_reads_whole_at_1280(open_app, actors, db):
    # left to the grid, "Demo Trading GmbH" was cut to "Demo Trading G…" at 1,280 px (Chromium drew the name 122 px
    # wide, in a cell with 8 px of padding either side)
    db.execute(text("UPDATE entities SET name = 'Demo Trading GmbH' WHERE id = :id"), {"id": actors.entity.id})
    db.commit()

    at = open_app(actors.admin, PAGE)

    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["firm"]["width"] >= 122 + 2 * 8
    assert columns["username"]["width"] == text_column_px("Username", ["analyst", "admin", "trader"])


def badges(at) -> list[str]:
    """The look-alike badges of the chosen user's card, as a reader sees them."""
    return [re.sub(r"^:orange-badge\[(.*)\]$", r"\1", t) for t in texts(at.markdown) if "Reads like" in t]


def test_without_look_alike_usernames_there_is_no_notice_and_no_reads_like_column(open_app, actors):
    at = open_app(actors.admin, PAGE)

    assert not at.warning
    assert json.loads(at.dataframe[0].proto.columns).get("reads_like", {}).get("hidden", True)


def test_adding_a_user_refuses_each_fault_under_its_field_then_shows_the_password_once(open_app, actors, db):
    at = open_app(actors.admin, PAGE)
    click(at, "users_create_open")
    before = snapshot(db)

    at.text_input(key="users_new_username").set_value("Trader")
    click(at, "users_new_submit")  # a trader, with no firm chosen, under a taken name: both said at once
    taken = 'The username "Trader" is taken by "trader" (usernames ignore case)'
    assert refusal_under(at, "users_new_firm") == "A trader must belong to a trader firm: choose one"
    assert refusal_under(at, "users_new_username") == taken
    at.selectbox(key="users_new_firm").set_value(actors.entity.id)
    click(at, "users_new_submit")
    assert refusal_under(at, "users_new_username") == taken
    assert refusal_under(at, "users_new_firm") is None
    at.text_input(key="users_new_username").set_value("no spaces please")
    click(at, "users_new_submit")
    assert refusal_under(at, "users_new_username").endswith(": a space is not one, got 'no spaces please'")
    assert snapshot(db) == before

    at.segmented_control(key="users_new_role").set_value("ANALYST").run()
    at.text_input(key="users_new_username").set_value("risk.analyst")
    click(at, "users_new_submit")

    password = at.code[0].value
    assert authenticate(db, "risk.analyst", password).role == "ANALYST"
    click(at, "issued_done")
    assert not at.code
    table = at.dataframe[0].value.set_index("username")
    assert list(table.loc["risk.analyst", "status"]) == ["Active", "One-time password"]
    assert any("One-time password" in m for m in texts(at.markdown))  # the detail of the user just added says so


def test_deactivating_signs_the_user_out_and_reactivating_lets_them_back(open_app, actors, db, actor_sessions):
    at = open_app(actors.admin, PAGE)
    choose(at, actors.trader.id)

    click(at, "users_deactivate_open")
    click(at, "users_deactivate_confirm")

    assert texts(at.toast) == [f"Deactivated trader ({user_ticket(db, 'DEACTIVATE_USER', actors.trader.id)})"]
    assert sessions.resolve(db, actor_sessions[actors.trader.id]) is None
    assert not get_user(db, actors.trader.id).is_active
    click(at, "users_reactivate_open")
    click(at, "users_reactivate_confirm")
    assert get_user(db, actors.trader.id).is_active
    assert f"Reactivated trader ({user_ticket(db, 'REACTIVATE_USER', actors.trader.id)})" in texts(at.toast)


def user_ticket(db, action: str, user_id: int) -> str:
    """The id of the one ``action`` ticket on a user."""
    return db.execute(
        text("SELECT ticket_id FROM ticket_logs WHERE action = :a AND entity_type = 'user' AND entity_id = :u"),
        {"a": action, "u": user_id},
    ).scalar_one()


@pytest.mark.parametrize(
    ("switch", "elsewhere", "message", "now"),
    [
        ("deactivate", deactivate_user, 'User "analyst" is already deactivated', "reactivate"),
        ("reactivate", reactivate_user, 'User "analyst" is already active', "deactivate"),
    ],
)
def test_a_switch_another_admin_made_first_closes_the_dialog_and_the_page_says_so_as_it_is_now(
    open_app, actors, db, switch, elsewhere, message, now
):
    if switch == "reactivate":
        deactivate_user(db, actors.analyst.id, created_by_id=actors.admin.id)
    at = choose(open_app(actors.admin, PAGE), actors.analyst.id)
    click(at, f"users_{switch}_open")
    elsewhere(db, actors.analyst.id, created_by_id=actors.admin.id)  # another tab, while this dialog asks

    click(at, f"users_{switch}_confirm")

    keys = [b.key for b in at.button]
    assert f"users_{switch}_confirm" not in keys  # no dialog still offering it
    assert texts(at.warning) == [message]
    assert f"users_{now}_open" in keys  # the page as it is now offers the other switch
    at.run()
    assert not at.warning  # said once


def test_resetting_a_password_shows_the_new_one_once_and_the_old_one_stops_working(open_app, actors, db):
    at = open_app(actors.admin, PAGE)
    choose(at, actors.analyst.id)

    click(at, "users_reset_open")
    click(at, "users_reset_confirm")

    assert authenticate(db, "analyst", at.code[0].value).id == actors.analyst.id
    ticket = user_ticket(db, "RESET_USER_PASSWORD", actors.analyst.id)
    assert texts(at.toast) == [f"Reset the password of analyst ({ticket})"]  # the ticket to quote for it
    with pytest.raises(AuthenticationFailed):
        authenticate(db, "analyst", PASSWORD)


def test_an_admin_cannot_deactivate_or_reset_themselves_here(open_app, actors):
    at = open_app(actors.admin, PAGE)
    choose(at, actors.admin.id)

    assert at.button(key="users_deactivate_open").disabled
    assert at.button(key="users_reset_open").disabled


def test_a_user_locked_by_failed_sign_ins_shows_locked_until_when_and_a_reset_lifts_it(open_app, actors, db):
    for _ in range(get_settings().login_max_failures):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "Trader", "wrong password")
    at = open_app(actors.admin, PAGE)

    status = at.dataframe[0].value.set_index("username")["status"]
    choose(at, actors.trader.id)

    assert (list(status["trader"]), list(status["analyst"])) == (["Active", "Locked"], ["Active"])
    assert any(re.search(r"Locked until \d\d:\d\d UTC", m) for m in texts(at.markdown))
    assert "Reset password lifts the lock now" in " ".join(texts(at.caption))
    click(at, "users_reset_open")
    click(at, "users_reset_confirm")
    click(at, "issued_done")
    assert list(at.dataframe[0].value.set_index("username").loc["trader", "status"]) == ["Active", "One-time password"]
    assert not any("Locked until" in m for m in texts(at.markdown))


def test_an_admin_whose_own_name_is_locked_is_told_another_admin_lifts_it(open_app, actors, db):
    for _ in range(get_settings().login_max_failures):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "admin", "wrong password")  # someone guessing while the admin is signed in

    at = choose(open_app(actors.admin, PAGE), actors.admin.id)

    assert at.button(key="users_reset_open").disabled
    assert "Another admin's Reset password lifts the lock now." in " ".join(texts(at.caption))


def test_a_user_deactivated_in_another_window_reads_inactive_in_the_user_box_at_the_next_run(open_app, actors, db):
    at = choose(open_app(actors.admin, PAGE), actors.trader.id)
    deactivate_user(db, actors.trader.id, created_by_id=actors.admin.id)

    at.run()  # any click in this window: the page reads the users again

    box = at.selectbox(key="users_selected").proto
    # sent to the browser, which otherwise keeps drawing the label it drew before ("trader · Trader · …" as active)
    assert box.set_value
    assert box.raw_value == "trader · Trader · Trader Firm (inactive)"


def url_kept(at) -> dict[str, str]:
    """What the Users page keeps in its URL (an AppTest keeps what the first page wrote before switching)."""
    return {k: v for k, v in at.query_params.items() if k in ("users_role", "user")}


def test_a_reload_opens_on_the_role_filter_and_the_user_the_url_keeps(open_app, open_link, actors):
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="users_role_filter").set_value("Analysts").run()
    assert url_kept(at) == {"users_role": "ANALYSTS", "user": str(actors.analyst.id)}
    at.segmented_control(key="users_role_filter").set_value("All").run()
    choose(at, actors.trader.id)
    assert url_kept(at) == {"user": str(actors.trader.id)}  # the filter at All: left out

    reloaded = open_link(actors.admin, "users", url_kept(at))

    # it came back on everyone and the first user, the admin
    assert not reloaded.exception and not warned_under(reloaded, "users_selected")
    assert reloaded.selectbox(key="users_selected").value == actors.trader.id
    assert open_link(actors.admin, "users", {"users_role": "analysts"}).dataframe[0].value["username"].tolist() == [
        "analyst"
    ]


def test_a_links_user_or_role_the_page_cannot_take_is_said_under_its_field(open_link, actors):
    at = open_link(actors.admin, "users", {"users_role": "Bosses", "user": "99999"})

    assert not at.exception
    assert at.segmented_control(key="users_role_filter").value == "All"
    assert warned_under(at, "users_role_filter") == [
        "The link's Role “Bosses” is not one of All, Admins, Analysts, Traders: All is shown."
    ]
    assert warned_under(at, "users_selected") == ["The link's user “99999” is not offered here: admin is shown."]
    assert url_kept(at) == {"user": str(actors.admin.id)}  # the URL says what is shown


def test_a_links_user_the_role_filter_hides_is_said_with_why(open_link, actors):
    at = open_link(actors.admin, "users", {"users_role": "TRADERS", "user": str(actors.analyst.id)})

    assert at.selectbox(key="users_selected").value == actors.trader.id
    assert warned_under(at, "users_selected") == [
        f"The link's user “{actors.analyst.id}” is analyst, an analyst, hidden by the Role filter Traders: trader is"
        " shown."
    ]


def test_a_user_added_as_a_role_the_filter_hides_is_shown_and_selected(open_app, actors):
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="users_role_filter").set_value("Traders").run()
    click(at, "users_create_open")
    at.segmented_control(key="users_new_role").set_value("ANALYST").run()
    at.text_input(key="users_new_username").set_value("risk.analyst")
    click(at, "users_new_submit")

    click(at, "issued_done")  # it stayed out of the table and the box, the trader selected

    assert at.segmented_control(key="users_role_filter").value == "All"
    assert "risk.analyst" in at.dataframe[0].value["username"].tolist()
    assert user_option_of(at).startswith("risk.analyst · Analyst")


def user_option_of(at) -> str:
    box = at.selectbox(key="users_selected")
    return box.options[box.index]
