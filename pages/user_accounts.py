"""Users (admins): everyone who may sign in, by role; add a user, switch one off or back on, reset a password."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from core.entities import list_entities
from core.errors import Conflict, CoreError
from core.user_accounts import UserAccount, deactivate_user, list_users, reactivate_user, reset_user_password
from ui.accounts_view import (
    ONE_TIME_HELP,
    READS_LIKE_HELP,
    ROLE_FILTERS,
    STATUS_ONE_TIME,
    link_hidden_by_role,
    locked_text,
    look_alikes_notice,
    reads_like_text,
    role_word,
    user_option,
    users_column_config,
    users_frame,
)
from ui.choices import record_box
from ui.dialogs import Dialogs
from ui.feedback import show_refusal
from ui.format import md_escape
from ui.grids import record_table
from ui.navigation import USERS
from ui.runtime import db_session
from ui.session import require_user, signed_in
from ui.url_state import UrlChoices, choices_from_url, choices_to_url, same_words, say_not_taken
from ui.user_dialogs import add_user_fields, hand_over, open_add_user, open_issued_password

T = TypeVar("T")
user = require_user()

dialogs = Dialogs(
    key="users_dialog",
    select_next_key="users_select_next",
    fields={"create": add_user_fields("users"), "deactivate": (), "reactivate": (), "reset": (), "issued": ()},
)

# The Role filter and the user chosen are kept in the URL (ui.url_state), so a reload or a link opens on them (a
# reload came back on everyone and the first user), the filter left out at All: /users?users_role=TRADERS&user=3.
# A link's value the page cannot take is said under its field.
USER_PARAM = "user"  # by id: the URL of the Market Makers page names its market maker so too
ROLE_CHOICE: UrlChoices = {"users_role_filter": ("users_role", same_words(list(ROLE_FILTERS)))}
ROLE_DEFAULT: dict[str, object] = {"users_role_filter": "All"}


def confirm(kind: str, question: str, button: str) -> bool:
    """A yes/no dialog body: True once confirmed; Cancel closes it."""
    st.markdown(question)
    cancel, yes = st.columns(2)
    if cancel.button("Cancel", key=f"users_{kind}_cancel", width="stretch"):
        dialogs.close()
        st.rerun()
    return yes.button(button, type="primary", key=f"users_{kind}_confirm", width="stretch")


def act(action: Callable[[Session], T]) -> T | None:
    """A dialog's confirmed action; a conflict (the user changed since the dialog opened: another admin, another
    tab) closes the dialog and is said on the page as it is now, any other refusal in the dialog."""
    with db_session() as db:
        try:
            return action(db)
        except Conflict as exc:
            dialogs.overtaken(exc)
        except CoreError as exc:
            show_refusal(exc)
    return None


@st.dialog("Deactivate user", icon=":material/person_off:", on_dismiss=dialogs.close)
@signed_in
def deactivate_dialog(target: UserAccount) -> None:
    name = md_escape(target.username)
    question = f"Deactivate **{name}**? They are signed out everywhere at once and cannot sign in until reactivated."
    if confirm("deactivate", question, "Deactivate"):
        done = act(lambda db: deactivate_user(db, target.id, created_by_id=user.id))
        if done is not None:
            dialogs.finish(f"Deactivated {name} ({done.ticket_id})", target.id)


@st.dialog("Reactivate user", icon=":material/person_check:", on_dismiss=dialogs.close)
@signed_in
def reactivate_dialog(target: UserAccount) -> None:
    name = md_escape(target.username)
    if confirm("reactivate", f"Reactivate **{name}**? They sign in again with their password.", "Reactivate"):
        done = act(lambda db: reactivate_user(db, target.id, created_by_id=user.id))
        if done is not None:
            dialogs.finish(f"Reactivated {name} ({done.ticket_id})", target.id)


@st.dialog("Reset password", icon=":material/lock_reset:", on_dismiss=dialogs.close)
@signed_in
def reset_dialog(target: UserAccount) -> None:
    name = md_escape(target.username)
    question = (
        f"Give **{name}** a new one-time password? Their current password stops working and they are signed out "
        "everywhere at once."
    )
    if confirm("reset", question, "Reset password"):
        issued = act(lambda db: reset_user_password(db, target.id, created_by_id=user.id))
        if issued is not None:
            hand_over(dialogs, issued, f"Reset the password of {name}", target.id)


with db_session() as db:
    everyone = list_users(db, user_id=user.id)
    firms = list_entities(db, user_id=user.id)
by_id = {u.id: u for u in everyone}

st.title(USERS.title)
st.caption("Everyone who may sign in: admins run the backoffice, analysts read it, traders trade for their firm.")
dialogs.show_overtaken()
if notice := look_alikes_notice(everyone):
    st.warning(notice, title="Usernames that read alike", icon=":material/group:")

role_not_taken = choices_from_url(ROLE_CHOICE).get("users_role_filter")  # a link just opened (a reload too)
st.session_state.setdefault("users_role_filter", "All")  # no default= on the widget: the session (or link) holds it
acted_on = by_id.get(st.session_state.get(dialogs.select_next_key))  # the user a dialog just acted on stays in view:
if acted_on is not None and ROLE_FILTERS[st.session_state["users_role_filter"]] not in (None, acted_on.role):
    st.session_state["users_role_filter"] = "All"  # added as a role the filter hid (an analyst under "Traders")
with st.container(horizontal=True, vertical_alignment="bottom"):
    choice = st.segmented_control("Role", list(ROLE_FILTERS), required=True, key="users_role_filter")
    st.space("stretch")
    st.button(
        "Add user",
        type="primary",
        icon=":material/person_add:",
        key="users_create_open",
        on_click=dialogs.open,
        args=("create",),
    )

say_not_taken(st.container(), "Role", role_not_taken, str(choice), list(ROLE_FILTERS))

st.space(20)  # room for the table's toolbar: it floats above the table, over a button right above it
role = ROLE_FILTERS[choice]
shown = [u for u in everyone if role is None or u.role is role]
# the user a link names, taken when the filter shows them (by id); one it hides is said with why
user_choice: UrlChoices = {"users_selected": (USER_PARAM, {str(u.id): u.id for u in shown})}
user_not_taken = choices_from_url(user_choice).get("users_selected")
user_hidden = link_hidden_by_role(everyone, user_not_taken, choice)
if not shown:
    st.info(f"No {choice.lower()} yet.")
    say_not_taken(st.container(), "user", user_not_taken, "no user", why=user_hidden)
    if USER_PARAM in st.query_params:  # no user shown: the URL names none
        del st.query_params[USER_PARAM]
else:
    record_table(
        users_frame(shown),
        column_config=users_column_config(shown),
        key="users_table",
        alt="Users with their role, firm, status and last sign-in",
    )

    ids = [u.id for u in shown]
    selected_id = record_box("User", ids, lambda i: user_option(by_id[i]), "users_selected", dialogs.select_next_key)
    chosen_user = by_id[selected_id]
    say_not_taken(st.container(), "user", user_not_taken, chosen_user.username, why=user_hidden)
    yourself = chosen_user.id == user.id
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{md_escape(chosen_user.username)}**")
        st.badge(role_word(chosen_user.role), color="blue")
        if chosen_user.is_active:
            st.badge("Active", color="gray")
        else:
            st.badge("Inactive", color="orange")
        if locked := locked_text(chosen_user):
            st.badge(locked, color="red", icon=":material/lock:")
        if reads_like := reads_like_text(chosen_user):
            st.badge(reads_like, color="orange", icon=":material/group:", help=READS_LIKE_HELP)
        if chosen_user.must_change_password:
            st.badge(STATUS_ONE_TIME, color="blue", icon=":material/key:", help=ONE_TIME_HELP)
        if yourself:
            st.badge("You", color="violet")
        st.space("stretch")
        # why an action cannot be taken now (None: it can); the stored functions refuse these anyway
        unavailable = {
            "reset": "Another admin resets your password" if yourself else None,
            "switch": "Another admin deactivates you" if yourself else None,
        }
        with st.container(horizontal=True, width="content"):
            st.button(
                "Reset password",
                icon=":material/lock_reset:",
                key="users_reset_open",
                on_click=dialogs.open,
                args=("reset", chosen_user.id),
                disabled=unavailable["reset"] is not None,
                help=unavailable["reset"],
            )
            switch = "deactivate" if chosen_user.is_active else "reactivate"
            st.button(
                switch.capitalize(),
                icon=":material/person_off:" if chosen_user.is_active else ":material/person_check:",
                key=f"users_{switch}_open",
                on_click=dialogs.open,
                args=(switch, chosen_user.id),
                disabled=unavailable["switch"] is not None,
                help=unavailable["switch"],
            )
    if locked:
        st.caption(
            "Too many failed sign-ins: refused at sign-in until then, whatever the password. "
            + (
                "Another admin's Reset password lifts the lock now."
                if yourself
                else "Reset password lifts the lock now."
            )
        )

# the URL says what the page shows, before a dialog's rerun can end the run
choices_to_url({**ROLE_CHOICE, **(user_choice if shown else {})}, defaults=ROLE_DEFAULT)

pending = dialogs.pending()
if pending is not None:
    kind, target_id = pending
    target = by_id.get(target_id) if target_id is not None else None
    if kind == "create":
        open_add_user(dialogs, "users", firms, user.id)
    elif kind == "issued":
        open_issued_password(dialogs)
    elif kind == "deactivate" and target is not None:
        deactivate_dialog(target)
    elif kind == "reactivate" and target is not None:
        reactivate_dialog(target)
    elif kind == "reset" and target is not None:
        reset_dialog(target)
    else:
        dialogs.close()
