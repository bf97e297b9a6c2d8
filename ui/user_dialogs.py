"""The dialogs that add a user and hand over a one-time password: the Users page opens them, and the Trader Firms
page opens the first for a firm's new trader.

The password is shown once, in the dialog that follows the write: it waits in session state (server memory) only
until that dialog draws it, and is never logged or stored anywhere else."""

from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.enums import Role
from core.errors import Conflict, CoreError, InvalidFields, NotFound
from core.models import Entity
from core.user_accounts import IssuedPassword, create_user_account
from core.users import USERNAME_RULE
from ui.dialogs import Dialogs
from ui.feedback import field_error, flash, show_refusal
from ui.format import md_escape
from ui.runtime import db_session
from ui.session import signed_in

ISSUED_KEY = "users_issued_password"
ROLE_LABELS = {Role.TRADER: "Trader", Role.ANALYST: "Analyst", Role.ADMIN: "Admin"}
ROLE_HELP = {
    Role.TRADER: "Trades on the Cash Market for their firm, with its balances.",
    Role.ANALYST: "Reads Operations, Liquidity Policies, Market Quality and Market Makers; changes nothing.",
    Role.ADMIN: "Runs the backoffice: market makers, liquidity, trader firms and users.",
}


def role_label(role: Role | str) -> str:
    return ROLE_LABELS[Role(role)]


def add_user_fields(prefix: str) -> tuple[str, ...]:
    """The widget keys of the add-user dialog, emptied when it opens."""
    return (f"{prefix}_new_role", f"{prefix}_new_username", f"{prefix}_new_firm")


def add_user_form(
    dialogs: Dialogs,
    prefix: str,
    firms: Sequence[Entity],
    acting_id: int,
    firm_id: int | None = None,
    roles: Sequence[Role] = tuple(ROLE_LABELS),
) -> None:
    """Username, role (one of ``roles``) and, for a trader, their firm (``firm_id`` chosen already when opened from
    a firm). Enter sends; each refusal shows under its field; once added, the one-time password dialog follows."""
    role = st.segmented_control(
        "Role",
        options=list(roles),
        format_func=role_label,
        default=roles[0],
        required=True,
        key=f"{prefix}_new_role",
        disabled=len(roles) == 1,
    )
    st.caption(ROLE_HELP[role])
    names = {f.id: f.name for f in firms}
    with st.form(f"{prefix}_new_user_form", border=False):
        username = st.text_input(
            "Username",
            key=f"{prefix}_new_username",
            placeholder="e.g. j.smith",
            help=f"{USERNAME_RULE}. Signing in ignores case.",
        )
        under = {"username": st.container()}
        firm = None
        if role is Role.TRADER:
            firm = st.selectbox(
                "Trader firm",
                list(names),
                index=list(names).index(firm_id) if firm_id in names else None,
                format_func=lambda i: names[i],
                placeholder="Choose the trader's firm" if names else "No trader firm yet: create one first",
                key=f"{prefix}_new_firm",
                disabled=firm_id is not None,  # added from a firm's page: to that firm
            )
            under["entity_id"] = st.container()
        sent = st.form_submit_button(
            add_title(roles),
            type="primary",
            icon=":material/person_add:",
            key=f"{prefix}_new_submit",
            width="stretch",
        )
    if not sent:
        return
    with db_session() as db:
        issued = _refused_under(
            lambda: dialogs.send(  # once for what was typed: a double send adds one user, not a refused second
                (username, role, firm), lambda: create_user_account(db, username, role, firm, created_by_id=acting_id)
            ),
            under,
        )
    if issued is not None:
        firm_part = f" of {md_escape(names[firm])}" if firm in names else ""
        added = f"Added {role_label(issued.user.role).lower()} {md_escape(issued.user.username)}"
        # a trader added from its firm's page: that firm stays shown (its label just changed to one more trader)
        hand_over(dialogs, issued, added + firm_part, firm_id if firm_id is not None else issued.user.id)


def _refused_under(action: Callable[[], IssuedPassword], under: dict[str, DeltaGenerator]) -> IssuedPassword | None:
    """The new user, or None with each refusal under its field: every fault of the input at once; a taken name
    under the username, an unknown firm under the firm; anything else where the dialog got to."""
    try:
        return action()
    except InvalidFields as exc:
        for field, why in exc.faults.items():
            field_error(under.get(field) or st.container(), why)
    except CoreError as exc:
        where = under.get("username" if isinstance(exc, Conflict) else "entity_id" if isinstance(exc, NotFound) else "")
        if where is None:
            show_refusal(exc)
        else:
            field_error(where, exc.message)
    return None


def hand_over(dialogs: Dialogs, issued: IssuedPassword, message: str, selected: int) -> None:
    """After a user was added or their password reset: the next run opens the dialog that shows the password, with
    the page on ``selected`` (the firm the trader was added to, or the user); ``message`` is said with its ticket."""
    st.session_state[dialogs.select_next_key] = selected
    st.session_state[ISSUED_KEY] = issued
    st.session_state[dialogs.key] = ("issued", issued.user.id)
    flash(f"{message} ({issued.ticket_id})")
    st.rerun()


def issued_password(dialogs: Dialogs) -> None:
    """The one-time password, once: taken out of session state as it is drawn, so no later run shows it again."""
    issued: IssuedPassword | None = st.session_state.pop(ISSUED_KEY, None)
    if issued is None:
        st.info("The one-time password was shown once and is gone. Reset the password again if it was not noted.")
    else:
        st.markdown(
            f"Give **{md_escape(issued.user.username)}** this one-time password over a trusted channel. "
            "It is shown only now and stored nowhere: copy it before closing. They choose their own password when "
            "they first sign in with it."
        )
        st.code(issued.password, language=None)
    if st.button("Done", type="primary", key="issued_done", width="stretch"):
        dialogs.close()
        st.rerun()


def add_title(roles: Sequence[Role]) -> str:
    """What the add dialog and its button say: "Add trader" when it adds only traders (from a firm's page)."""
    return "Add trader" if tuple(roles) == (Role.TRADER,) else "Add user"


def open_add_user(
    dialogs: Dialogs,
    prefix: str,
    firms: Sequence[Entity],
    acting_id: int,
    firm_id: int | None = None,
    roles: Sequence[Role] = tuple(ROLE_LABELS),
) -> None:
    title = add_title(roles)
    st.dialog(title, icon=":material/person_add:", on_dismiss=dialogs.close)(signed_in(add_user_form))(
        dialogs, prefix, firms, acting_id, firm_id, roles
    )


def open_issued_password(dialogs: Dialogs) -> None:
    # dismissing it is closing it: the password is gone either way
    st.dialog("One-time password", icon=":material/key:", on_dismiss=dialogs.close)(signed_in(issued_password))(dialogs)
