"""The liquidity kill switch as every admin page shows it: while policies run, one red button that, once confirmed
with a reason, withdraws every policy order of both books and pauses every policy (core.pause_liquidity); while
paused, who paused, when and why, and the way back, confirmed as deliberately: the dialog names each book's policy
that will run and place orders again (core.get_resuming_policies). resume_liquidity records no reason: its ticket
keeps the pause it lifted.

app.py calls ``render_kill_switch(user)`` in its sidebar on every page; the Liquidity Policies page also shows it
in its body (``key="page"``). Each place passes its own ``key`` so their widgets never collide.
"""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.enums import Role
from core.errors import Conflict, CoreError, ValidationError
from core.kill_switch import get_kill_switch, pause_liquidity, resume_liquidity
from core.liquidity_policies import get_resuming_policies
from core.models import User
from ui.feedback import attempt, flash, show_refusal
from ui.format import clipped, counted, md_escape
from ui.policies_view import resume_line
from ui.runtime import db_session
from ui.session import signed_in

RED = "#dc2626"
BANNER_REASON_CHARS = 160  # of the pause's reason in its banner: two or three lines of the sidebar
# the open confirmation (which one, from which place) lives in session state, so the dialog survives the reruns
# its own widgets cause
DIALOG_KEY = "ks_dialog_open"
OVERTAKEN_KEY = "ks_overtaken"  # (the place whose dialog closed, the refusal): said there once, as a warning
PAUSE, RESUME = "pause", "resume"
PAUSED_MEANWHILE = "Liquidity was paused meanwhile, by another admin or in another window: nothing more was done."
RESUMED_MEANWHILE = "Liquidity was resumed meanwhile, by another admin or in another window: nothing more was done."
T = TypeVar("T")


def render_kill_switch(user: User, *, key: str = "sidebar") -> None:
    """The kill switch for ``user``: admins pause and resume; analysts see whether liquidity is paused."""
    if user.role not in (Role.ADMIN, Role.ANALYST):
        return
    try:
        with db_session() as db:
            switch = get_kill_switch(db, user_id=user.id)
    except CoreError:
        return  # the page itself says the database is unavailable
    opened = st.session_state.get(DIALOG_KEY)
    if opened is not None and opened[1] == key and (opened[0] == PAUSE) == switch.paused:
        # its dialog asks for what another admin (or window) did meanwhile: it vanished, its click unanswered
        _close()
        st.session_state[OVERTAKEN_KEY] = (key, Conflict(PAUSED_MEANWHILE if switch.paused else RESUMED_MEANWHILE))
    overtaken = st.session_state.get(OVERTAKEN_KEY)
    if overtaken is not None and overtaken[0] == key:
        del st.session_state[OVERTAKEN_KEY]
        show_refusal(overtaken[1], warning=True)
    if switch.paused:
        when = f"{switch.changed_at:%Y-%m-%d %H:%M} UTC" if switch.changed_at else ""
        reason = switch.reason or ""
        st.error(
            f"**Liquidity paused** by {md_escape(switch.changed_by_username or '?')} {when}: "
            f"{md_escape(clipped(reason, BANNER_REASON_CHARS))}",
            icon=":material/pan_tool:",
        )
        if len(reason) > BANNER_REASON_CHARS:  # a reason of 2,000 characters filled the sidebar on every page
            with st.expander("The whole reason"):
                st.text(reason)  # plain text: a typed reason is never markup
        if user.role is not Role.ADMIN:
            return
        _opener(
            RESUME,
            key,
            "Resume liquidity",
            ":material/play_arrow:",
            "Asks first: shows which policies will run and place orders again.",
            lambda: confirm_resume(user),
        )
        return
    if switch.policies_running == 0 or user.role is not Role.ADMIN:
        return
    st.html(f"<style>.st-key-ks_pause_{key} button {{background:{RED};border-color:{RED};color:#fff}}</style>")
    _opener(
        PAUSE,
        key,
        f"Pause all liquidity ({switch.policies_running} running)",
        ":material/emergency_home:",
        "Withdraws every order placed by any liquidity policy, on both books, and pauses every policy.",
        lambda: confirm_pause(user),
    )


def _opener(kind: str, key: str, label: str, icon: str, help: str, dialog: Callable[[], None]) -> None:
    """The button that opens the ``kind`` confirmation, and that dialog while it is open from this place."""
    st.button(label, icon=icon, key=f"ks_{kind}_{key}", width="stretch", help=help, on_click=_open, args=(kind, key))
    if st.session_state.get(DIALOG_KEY) == (kind, key):
        dialog()


def _open(kind: str, key: str) -> None:
    st.session_state[DIALOG_KEY] = (kind, key)


def _close() -> None:
    st.session_state.pop(DIALOG_KEY, None)
    st.session_state.pop("ks_reason", None)


def _unless_overtaken(action: Callable[[], T]) -> T:
    """``action``; but when another admin (or this admin's other tab) paused or resumed first, the dialog closes and
    its place says so as a warning over the switch as it now is. It stayed open with a red error, still offering
    Pause now over a page that still read "Pause all liquidity (1 running)"."""
    try:
        return action()
    except Conflict as exc:
        opened = st.session_state.get(DIALOG_KEY)
        st.session_state[OVERTAKEN_KEY] = (opened[1] if opened else None, exc)
        _close()
        st.rerun()


@st.dialog("Pause all liquidity?", icon=":material/emergency_home:", on_dismiss=_close)
@signed_in
def confirm_pause(user: User) -> None:
    st.warning(
        "In one step: every resting order placed by any liquidity policy, on both books, is withdrawn and what it "
        "held unlocked, and every policy is paused until an admin resumes liquidity. Manual Create Liquidity "
        "operations stay as they are.",
        icon=":material/warning:",
    )
    # a form, so Enter in the reason pauses; its refusal shows right below the field
    with st.form("ks_form", border=False):
        reason = st.text_input("Reason", key="ks_reason", placeholder="e.g. EUA price feed looks wrong, investigating")
        under_reason = st.container()
        st.caption("Shown to every admin and analyst until liquidity resumes.")
        # Enter sends the form's first submit button in the page's order, so Pause now comes first there; the row
        # is drawn reversed so that Cancel still sits on the left, as in every dialog (two equal halves)
        st.html(
            f"<style>.st-key-ks_confirm button {{background:{RED};border-color:{RED};color:#fff}}"
            ".st-key-ks_actions {flex-direction:row-reverse} .st-key-ks_actions > div {flex:1 1 0}</style>"
        )
        with st.container(horizontal=True, key="ks_actions"):
            confirm = st.form_submit_button("Pause now", key="ks_confirm", icon=":material/pan_tool:", width="stretch")
            cancel = st.form_submit_button("Cancel", key="ks_cancel", width="stretch")
    if cancel:
        _close()
        st.rerun()
    if confirm:
        with db_session() as db:
            done = attempt(
                lambda: _unless_overtaken(lambda: pause_liquidity(db, user_id=user.id, reason=reason)),
                under=lambda exc: under_reason if isinstance(exc, ValidationError) else None,
            )
        if done is not None:
            _close()
            flash(
                f"Liquidity paused: {counted(done.orders_withdrawn, 'order')} withdrawn, "
                f"{counted(done.policies_paused, 'policy', 'policies')} paused ({done.ticket_id})"
            )
            st.rerun()


@st.dialog("Resume liquidity?", icon=":material/play_arrow:", on_dismiss=_close)
@signed_in
def confirm_resume(user: User) -> None:
    with db_session() as db:
        restarting = attempt(lambda: get_resuming_policies(db, user_id=user.id))
    if restarting is None:
        return
    if restarting:
        st.warning(
            "Automated trading restarts: each policy below runs again, and its next run (within its schedule) places "
            "orders afresh on its book.",
            icon=":material/warning:",
        )
        st.markdown("\n".join(f"- {resume_line(p)}" for p in restarting))
    else:
        st.info("No policy was running when liquidity paused: resuming lifts the pause and places no order.")
    st.caption("A policy an admin disabled stays off. The pause and its reason are kept in the resume ticket.")
    cancel, confirm = st.columns(2)
    if cancel.button("Cancel", key="ks_resume_cancel", width="stretch"):
        _close()
        st.rerun()
    if confirm.button(
        "Resume now", key="ks_resume_confirm", type="primary", icon=":material/play_arrow:", width="stretch"
    ):
        with db_session() as db:
            done = attempt(lambda: _unless_overtaken(lambda: resume_liquidity(db, user_id=user.id)))
        if done is not None:
            _close()
            flash(
                f"Liquidity resumed: {counted(done.policies_resumed, 'policy', 'policies')} re-enabled "
                f"({done.ticket_id})"
            )
            st.rerun()
