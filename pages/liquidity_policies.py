"""Liquidity Policies (admins edit, analysts read): one card per book, the runs, the kill switch."""

from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.orm import Session

from core.config import get_settings
from core.enums import CertificateType, Role
from core.errors import Conflict, CoreError, InvalidFields, ValidationError
from core.liquidity_policies import (
    count_policy_runs,
    get_kill_switch,
    get_policies,
    get_policy_runs,
    run_policy,
    save_policy,
)
from core.policy_models import KillSwitch, LiquidityPolicy, PolicyStatus
from core.policy_schedule import get_policy_statuses
from core.wording import counted
from ui.feedback import SUCCESS_ICON, WARNING_ICON, attempt, field_warning, flash, refused_while_typed, show_refusal
from ui.format import NO_VALUE, eur, md_escape, md_escape_lines
from ui.grids import NEWEST_FIRST, paged_grid
from ui.kill_switch import render_kill_switch
from ui.live import live_fragment
from ui.metrics import Metric, metric_row
from ui.navigation import LIQUIDITY_POLICIES
from ui.operations_view import for_display
from ui.paging import first_page, page_field, page_in_range
from ui.policies_view import (
    NOTES_FIELD,
    PAIR_ROWS,
    POLICY_FORM_ROWS,
    RUNS_ON_LABEL,
    RUNS_ON_OPTIONS,
    RUNS_ROW_PX,
    SCHEDULE_FIELDS,
    PolicyField,
    depth_history_figure,
    due_text,
    form_fields,
    form_values,
    idle_reason,
    policy_text,
    reference_text,
    run_now_text,
    run_outcome,
    runs_column_config,
    runs_csv,
    runs_frame,
    saved_text,
    schedule_text,
    share_text,
    sigma_text,
    spread_help,
    state_badge,
)
from ui.runtime import db_session, notes_help
from ui.sending import new_token, send_once
from ui.session import require_user, signed_in

user = require_user()
if user.role not in (Role.ADMIN, Role.ANALYST):  # the menu hides the page from others; core refuses them anyway
    st.error("Only admins and analysts see liquidity policies.")
    st.stop()
ADMIN = user.role is Role.ADMIN
RUNS_PAGE = 25
CSV_LIMIT = 10_000
REFRESH = "10s"  # the cards and the runs: a worker's run shows within seconds, without a reload


def fill_form(cert: str, policy: LiquidityPolicy | None) -> None:
    """Every field of the form as ``policy`` has it (a new policy's defaults for None), and the version it was filled
    from. Through session state, so the browser shows it too: a field drawn again with a new ``value=`` keeps
    showing what was typed in it (``12`` after ``12.00`` was saved, another admin's change unseen). Each filling is
    a new send for ``save_form``."""
    for name, value in form_values(policy).items():
        st.session_state[f"pol_{cert}_{name}"] = value
    for field in SCHEDULE_FIELDS.values():  # what the schedule's field not shown gets back when chosen again
        st.session_state[f"pol_{cert}_kept_{field.name}"] = st.session_state[f"pol_{cert}_{field.name}"]
    st.session_state[f"pol_{cert}_shown"] = policy.updated_at if policy else None
    st.session_state[f"pol_{cert}_filling"] = new_token()


def chosen_runs(cert: str) -> str | None:
    """The schedule the form runs on (``RUNS_ON``), None before it is filled."""
    return st.session_state.get(f"pol_{cert}_runs")


def forget(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def said_under(cert: str, field: PolicyField, typed: object) -> None:
    """Under the field just drawn: why the last save refused what it holds, or what to know about what it saved."""
    refused_while_typed(f"pol_{cert}_refused_{field.param}", typed)
    refused_while_typed(f"pol_{cert}_warned_{field.param}", typed, say=field_warning)


def text_field(cert: str, field: PolicyField) -> None:
    # typed text read by core, every field: a number input keeps its last valid value (or saves nothing, silently)
    # when what is typed is out of range, and cuts 1.5 to 1
    with st.container(key=f"pol_field_{cert}_{field.name}"):  # the field and what is said under it, one column
        typed = st.text_input(
            field.label, key=f"pol_{cert}_{field.name}", help=field.help, placeholder=field.placeholder
        )
        said_under(cert, field, typed)


def typed_pair(cert: str, pair: str) -> tuple[object, ...]:
    """What the fields of a pair (``PAIR_ROWS``: the targets, the schedule) hold, for a refusal of them together."""
    return tuple(st.session_state.get(f"pol_{cert}_{field.name}") for field in PAIR_ROWS[pair])


@signed_in
def save_form(cert: str) -> None:
    """Save policy's callback, before the page is drawn again: the policy saved, or each fault kept under its
    field (nothing saved, what was typed stays); a save by another admin since refills the form instead.

    Saved once per filling of the form and what it holds (``ui.sending.send_once``): the second send of a double click
    or of Enter pressed twice still carries the version the form was filled from, and was refused as "saved by admin
    after this form was filled in: nothing was saved" though the first had just saved it; it now gets the first's
    outcome."""
    state = st.session_state
    runs = chosen_runs(cert)
    # the fields shown: the schedule's of the kind chosen alone (the other is not sent, whatever it held)
    typed = {field.param: state[f"pol_{cert}_{field.name}"] for field in form_fields(runs)}
    switches = {
        "dynamic_spread": state[f"pol_{cert}_dynamic"],
        "enabled": state[f"pol_{cert}_enabled"],
        "runs_on": runs,
    }
    sent = (state.get(f"pol_{cert}_filling"), typed, switches)
    forget(f"pol_{cert}_refused_")
    forget(f"pol_{cert}_warned_")
    try:
        with db_session() as db:
            saved = send_once(
                repr(sent),
                lambda: save_policy(
                    db, cert, user_id=user.id, **typed, **switches, expected_updated_at=state[f"pol_{cert}_shown"]
                ),
            )
    except Conflict as exc:
        with db_session() as db:
            fill_form(cert, book_policy(db, cert))  # the policy as it now is, for the admin to change again
        state[f"pol_form_{cert}_refusal"] = exc
    except InvalidFields as exc:
        state[f"pol_{cert}_filling"] = new_token()  # a refusal is kept for the double send only, never for a resend
        for param, why in exc.faults.items():
            state[f"pol_{cert}_refused_{param}"] = (
                typed_pair(cert, param) if param in PAIR_ROWS else typed.get(param),
                why,
            )
        if unshown := [why for param, why in exc.faults.items() if param not in (*typed, *PAIR_ROWS)]:
            state[f"pol_form_{cert}_refusal"] = ValidationError("; ".join(unshown))
    except CoreError as exc:
        state[f"pol_{cert}_filling"] = new_token()
        state[f"pol_form_{cert}_refusal"] = exc
    else:
        fill_form(cert, saved)
        for param, why in saved.warnings.items():  # while the field shows what was saved
            state[f"pol_{cert}_warned_{param}"] = (policy_text(saved, param), why)
        with db_session() as db:
            switch = get_kill_switch(db, user_id=user.id)
        warned = " (see the warning under a field: runs cannot quote it as it is now)" if saved.warnings else ""
        flash(f"{saved_text(saved, switch)}{warned}")


def edit_form(cert: str, policy: LiquidityPolicy | None) -> None:
    """Create or change the book's policy; each refusal is shown under its field, and nothing changes. The form
    keeps the version of the policy it was filled from: a save by another admin in between is refused, not
    overwritten.

    Its schedule is chosen first, outside the form (choosing redraws it): every N seconds or on a cron, with that
    kind's field alone. Both fields were shown, the interval prefilled with 60 s: a cron typed beside it was refused
    until the interval was cleared, and a cron policy's form showed an empty interval beside its cron."""
    state = st.session_state
    runs = chosen_runs(cert)
    if runs is None or not all(f"pol_{cert}_{field.name}" in state for field in form_fields(runs)):
        fill_form(cert, policy)  # first shown, or shown again after another page (its fields were forgotten)
    if (refusal := state.pop(f"pol_form_{cert}_refusal", None)) is not None:
        show_refusal(refusal)
    runs = st.segmented_control(
        RUNS_ON_LABEL,
        list(RUNS_ON_OPTIONS),
        format_func=RUNS_ON_OPTIONS.get,
        required=True,
        key=f"pol_{cert}_runs",
        help="A policy runs on one schedule: every so many seconds, or at the times a cron names",
    )
    schedule = SCHEDULE_FIELDS[runs]
    if (key := f"pol_{cert}_{schedule.name}") not in state:  # Streamlit forgot it while the other kind showed
        state[key] = state.get(f"pol_{cert}_kept_{schedule.name}", "")
    with st.form(f"pol_form_{cert}", border=False):
        with st.container(horizontal=True):
            text_field(cert, schedule)
        state[f"pol_{cert}_kept_{schedule.name}"] = state[key]
        for row in POLICY_FORM_ROWS:
            with st.container(horizontal=True):
                for field in row:
                    text_field(cert, field)
            for pair, paired in PAIR_ROWS.items():  # what is refused of a pair together, once, under both
                if row == paired:
                    with st.container(key=f"pol_field_{cert}_{pair}"):
                        refused_while_typed(f"pol_{cert}_refused_{pair}", typed_pair(cert, pair))
        with st.container(horizontal=True):
            st.toggle("Widen spreads when volatile", key=f"pol_{cert}_dynamic")
            st.toggle("Enabled", key=f"pol_{cert}_enabled")
        with st.container(key=f"pol_field_{cert}_notes"):
            notes = st.text_area(NOTES_FIELD.label, key=f"pol_{cert}_notes", help=notes_help())  # no max_chars
            said_under(cert, NOTES_FIELD, notes)
        st.form_submit_button("Save policy", type="primary", icon=":material/save:", on_click=save_form, args=(cert,))


def book_policy(db: Session, cert: str) -> LiquidityPolicy | None:
    return next((p for p in get_policies(db, user_id=user.id) if p.certificate_type == cert), None)


def run_now(cert: str) -> None:
    with db_session() as db:
        run = attempt(lambda: run_policy(db, cert, user_id=user.id))
    if run is not None:
        flash(run_now_text(run), icon=WARNING_ICON if run.action == "skipped" else SUCCESS_ICON)
        st.rerun()


@signed_in
def note_idle_click(cert: str) -> None:
    """Run now's callback: a click that reaches a policy no longer able to run (paused or disabled meanwhile, by
    another admin or window) is said under the button. Its run draws the button greyed, and a greyed button's click
    is dropped: it ran nothing, unsaid, beside a button that had been live when clicked."""
    with db_session() as db:
        current = book_policy(db, cert)
        switch = get_kill_switch(db, user_id=user.id)
    idle = idle_reason(current, switch) if current is not None else None
    if idle is not None:
        st.session_state[f"pol_run_idle_{cert}"] = f"Nothing was run. {idle}."


def show_status(cert: str, status: PolicyStatus, switch: KillSwitch) -> None:
    p = status.policy
    reference, source = reference_text(status.last_run)
    metric_row(
        [
            Metric(
                "BID resting", eur(status.bid_resting_eur), note=share_text(status.bid_resting_eur, p.bid_depth_eur)
            ),
            Metric(
                "ASK resting", eur(status.ask_resting_eur), note=share_text(status.ask_resting_eur, p.ask_depth_eur)
            ),
            Metric("Reference", reference, note=source),
            Metric(
                "Spread",
                f"×{status.spread_multiplier.normalize():f}",
                spread_help(get_settings().liquidity_levels),
                note=sigma_text(status.volatility, p.dynamic_spread),
            ),
        ]
    )
    st.caption(f"Next run: {due_text(status, datetime.now(UTC), switch, admin=ADMIN)}")
    st.caption(md_escape(schedule_text(p)))
    if p.notes:
        st.caption(f"Notes: {md_escape_lines(p.notes)}")  # line for line, as typed
    run = status.last_run
    if run is None:
        st.caption("No run yet.")
    else:
        with st.container(horizontal=True, vertical_alignment="center"):
            label, color = run_outcome(run)
            st.badge(label, color=color)
            st.caption(f"Last run {run.created_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
        st.markdown(md_escape(run.reason))
    with db_session() as db:
        history = get_policy_runs(db, user_id=user.id, certificate_type=cert, limit=500)
    if history:
        st.plotly_chart(
            depth_history_figure(history, now=status), key=f"pol_chart_{cert}", config={"displayModeBar": False}
        )


@live_fragment(REFRESH)
def book_card(cert: str) -> None:
    """One book: its state, what rests against the target, the last run and why, when the next is due."""
    with db_session() as db:
        statuses = attempt(lambda: get_policy_statuses(db, user_id=user.id))
        switch = get_kill_switch(db, user_id=user.id)
    if statuses is None:
        return
    status = next((s for s in statuses if s.policy.certificate_type == cert), None)
    label, color = state_badge(status.policy if status else None, switch)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.subheader(f"{cert} book", anchor=False)
        st.badge(label, color=color)
    if status is None:
        st.caption(
            "No policy yet: this book is quoted only by manual Create Liquidity."
            + (" Create one below." if ADMIN else "")
        )
        return
    show_status(cert, status, switch)


# as live as the cards (the table stayed at the runs of the page's load while the card above told of a newer one)
@live_fragment(REFRESH)
def runs_section() -> None:
    st.subheader("Runs", anchor=False)
    book = st.segmented_control(
        "Book",
        ["All", "CEA", "EUA"],
        default="All",
        required=True,
        key="pol_runs_book",
        on_change=first_page,
        args=("pol_runs_page",),
    )
    cert = None if book == "All" else book
    with db_session() as db:
        total = count_policy_runs(db, user_id=user.id, certificate_type=cert)
    pages = max(1, -(-total // RUNS_PAGE))
    page = page_in_range("pol_runs_page", pages)
    with db_session() as db:
        runs = get_policy_runs(
            db, user_id=user.id, certificate_type=cert, limit=RUNS_PAGE, offset=(page - 1) * RUNS_PAGE
        )
    if not runs:
        st.caption("No runs yet.")
        return
    paged_grid(
        for_display(runs_frame(runs), [], ["reference"]),
        order=NEWEST_FIRST,
        column_config=runs_column_config(),
        placeholder=NO_VALUE,  # a skipped run has no reference price: a dash, as everywhere, not "None"
        row_height=RUNS_ROW_PX,
        key="pol_runs",
        alt="Liquidity policy runs, newest first",
    )

    def every_run() -> bytes:  # newest first, up to CSV_LIMIT, read when the button is clicked
        with db_session() as db:
            chunks = [
                get_policy_runs(db, user_id=user.id, certificate_type=cert, limit=1000, offset=offset)
                for offset in range(0, min(total, CSV_LIMIT), 1000)
            ]
        return runs_csv([run for chunk in chunks for run in chunk])

    with st.container(horizontal=True, vertical_alignment="center"):
        page_field("pol_runs_page")
        st.caption(f"Page {page} of {pages} · {counted(total, 'run')}")
        st.download_button(
            "Download runs (CSV)",
            data=every_run,
            file_name="liquidity-policy-runs.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="pol_runs_csv",
        )


st.title(LIQUIDITY_POLICIES.title)
st.caption(
    "Standing targets that keep each book quoted: every run refreshes quotes that drifted off-price or grew old, "
    "tops up a side traders took, and stays out of the book outside its price band. Runs happen on each "
    "policy's schedule in the background worker, or now with Run now. Every run is recorded below."
)
render_kill_switch(user, key="page")

for cert, column in zip(CertificateType, st.columns(2), strict=True):
    with column, st.container(border=True, key=f"pol_card_{cert.value}"):
        book_card(cert.value)
        if ADMIN:
            with db_session() as db:
                current = book_policy(db, cert.value)
                switch = get_kill_switch(db, user_id=user.id)
            # a disabled policy's run, or any run while liquidity is paused, would only record a Skipped run: the
            # button says why up front, and records none
            idle = idle_reason(current, switch) if current is not None else None
            if current is not None and st.button(
                "Run now",
                icon=":material/play_arrow:",
                key=f"pol_run_{cert.value}",
                disabled=idle is not None,
                help=idle,
                on_click=note_idle_click,
                args=(cert.value,),
            ):
                run_now(cert.value)
            if (unrun := st.session_state.pop(f"pol_run_idle_{cert.value}", None)) is not None:
                st.warning(unrun, icon=":material/sync_problem:")
            # keyed: still open once Create policy becomes Edit policy, with what the save said under its fields
            with st.expander(
                "Edit policy" if current else "Create policy", icon=":material/tune:", key=f"pol_edit_{cert.value}"
            ):
                edit_form(cert.value, current)

runs_section()
