"""The body of a Rename dialog, for a market maker or a trader firm: the new name, its refusal under it, and on
success the dialog closed with a toast naming both names and the ticket."""

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from core.renaming import Renamed
from ui.dialogs import Dialogs, start_with
from ui.feedback import attempt
from ui.format import md_escape
from ui.runtime import db_session

Rename = Callable[[Session, int, str, int], Renamed]  # core's rename_market_maker or rename_trader_firm


def rename_field_key(prefix: str) -> str:
    return f"{prefix}_rename_name"


def rename_form(
    dialogs: Dialogs, prefix: str, account_id: int, name: str, rename: Rename, user_id: int, *, what_stays: str
) -> None:
    """Rename the account ``account_id``, named ``name``, with core's ``rename``, as ``user_id``. The field starts
    with the current name, to be corrected rather than typed again; the refusal (a name taken, the same name, a
    character no name may hold) is said under it, and nothing changes. ``what_stays`` says, under the field, what
    keeps following the account and what keeps its old name: it differs by kind of account."""
    key = rename_field_key(prefix)
    start_with({key: name})
    with st.form(f"{prefix}_rename_form", border=False):  # Enter renames
        typed = st.text_input("New name", key=key)
        under_name = st.container()
        st.caption(what_stays)
        sent = st.form_submit_button(
            "Rename", type="primary", icon=":material/edit:", key=f"{prefix}_rename_submit", width="stretch"
        )
    if sent:
        # once per name typed: the two callbacks of a double click rename once, never "it is named … already"
        with db_session() as db:
            renamed = attempt(
                lambda: dialogs.send(typed, lambda: rename(db, account_id, typed, user_id)),
                under=lambda exc: under_name if exc.field else None,
            )
        if renamed is not None:
            dialogs.finish(
                f"Renamed {md_escape(renamed.previous)} to {md_escape(renamed.name)} ({renamed.ticket_id})", account_id
            )
