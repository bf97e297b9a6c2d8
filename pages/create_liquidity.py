"""Create Liquidity (admins): rest BID and ASK depth across the market makers, after a preview."""

import uuid

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session
from streamlit.delta_generator import DeltaGenerator

from core.config import get_settings
from core.enums import OrderSide, Role
from core.errors import CoreError, InvalidFields, ValidationError
from core.limits import check_notes
from core.liquidity_models import AssetShortfall, LiquidityOperation, LiquidityPreview, ProvisioningPlan
from core.liquidity_service import (
    PlanChanged,
    create_liquidity,
    create_liquidity_for_all,
    get_asset_holders,
    get_liquidity_operations,
    get_liquidity_providers,
    get_market_reference,
    plan_signature,
    preview_liquidity_creation,
    preview_liquidity_for_all,
)
from core.liquidity_targets import parse_liquidity_targets
from core.planning import target_field
from core.provisioning import AMOUNT, COUNT, NEW_COUNT_FIELD, plan_provisioning, provision_market_makers
from ui import market_data
from ui.dialogs import asked_field, escape_closes, keep_asked, start_with
from ui.feedback import attempt, field_error, field_warning, flash, refused_while_typed, show_refusal
from ui.format import amount_text, counted, eur, price
from ui.funding_dialog import back_to_form
from ui.hidden import hide_element
from ui.liquidity_view import (
    ACTION_LABEL,
    REFUSED_SHORTFALL_MOVED,
    SHORTFALL_MOVED,
    SIDE_TITLE,
    allocations_column_config,
    allocations_frame,
    left_out_column_config,
    left_out_frame,
    left_out_text,
    levels_column_config,
    levels_frame,
    operations_column_config,
    operations_frame,
    preview_headline,
    provision_amount,
    provision_note,
    provision_question,
    provisioned_text,
    reference_caption,
    result_lines,
    shortfall_column_config,
    shortfall_frame,
    shortfall_text,
    side_summary,
    spread_caption,
    unneeded_text,
)
from ui.metrics import Metric, metric_row
from ui.navigation import CASH_MARKET, CREATE_LIQUIDITY, OPERATIONS
from ui.runtime import db_session, notes_help
from ui.sending import new_token, send_once
from ui.session import require_user, signed_in

user = require_user()
if user.role is not Role.ADMIN:  # the menu hides the page from others; core refuses them anyway
    st.error("Only admins create liquidity.")
    st.stop()

# The open preview (books and amounts, notes, spread choice, idempotency key) lives in session state, so the
# dialog survives the reruns its own widgets cause; the key makes a double click place the orders once.
DIALOG_KEY = "liq_dialog"
RESULT_KEY = "liq_result"
PLANNED = "planned"  # in the open preview: the plan its Preview click made, until the dialog's first run shows it
REFUSED_KEY = "liq_refused"  # (the amounts as typed, {target_field: why}): each shown while the fields hold them
NOTES_REFUSED_KEY = "liq_notes_refused"  # (the notes as typed, why they are refused): the same for the notes
BOTH = "Both"
TARGET_FIELDS = {  # each side's target field: its placeholder and what it means
    "bid": ("e.g. 100000", "EUR the liquidity providers commit to buy orders; 0 for ASK only."),
    "ask": ("e.g. 50000", "EUR value of the certificates the asset holders offer; 0 for BID only."),
}
CERTS = ("CEA", "EUA")
HIDDEN_TARGETS = "liq_targets_hidden"  # the key of the container of the other mode's target fields
TO_CASH_MARKET = CASH_MARKET if user.role in CASH_MARKET.roles else None  # links only to a page the user may open
TO_OPERATIONS = OPERATIONS if user.role in OPERATIONS.roles else None


def _amount(key: str) -> str | None:
    return st.session_state.get(key)


def typed_books() -> dict[str, tuple[str | None, str | None]]:
    """The targets as typed, per book shown."""
    choice = st.session_state["liq_cert"]
    if choice == BOTH:
        return {c: (_amount(f"liq_bid_{c}"), _amount(f"liq_ask_{c}")) for c in CERTS}
    return {choice: (_amount("liq_bid"), _amount("liq_ask"))}


def typed_notes() -> str | None:
    return st.session_state.get("liq_notes") or None


def refused_target(field: str) -> None:
    """Under the field (or the row of a book) just drawn: its refusal, kept by ``open_preview``, while the fields
    hold what was refused."""
    kept = st.session_state.get(REFUSED_KEY)
    if kept is not None and kept[0] == typed_books():
        field_error(st.container(), kept[1].get(field))


def target_fields(certs: tuple[str, ...], visible: bool) -> None:
    """A row of BID and ASK fields per book: ``liq_bid`` and ``liq_ask`` for one book, ``liq_bid_CEA``… named by their
    book for both; under each field (and each book's row) its refusal, when ``visible``."""
    named = len(certs) > 1
    for cert in certs:
        suffix, label = (f"_{cert}", f"{cert} ") if named else ("", "")
        with st.container(horizontal=True):
            for side, (placeholder, meaning) in TARGET_FIELDS.items():
                with st.container(gap=None):  # the field, then its refusal right below it
                    start_with({f"liq_{side}{suffix}": ""})  # emptied by the server after an execute: see execute
                    st.text_input(
                        f"{label}{side.upper()} liquidity (EUR)",
                        key=f"liq_{side}{suffix}",
                        placeholder=placeholder,
                        help=meaning,
                    )
                    if visible:
                        refused_target(target_field(cert, side))
        if visible:
            refused_target(target_field(cert))  # under the book's row: neither of its targets above zero


@signed_in
def open_preview() -> None:
    """The preview of what was typed, once core reads the amounts; otherwise why not, under the fields."""
    books = typed_books()
    st.session_state.pop(RESULT_KEY, None)
    try:
        parse_liquidity_targets(books)
    except InvalidFields as exc:
        st.session_state[REFUSED_KEY] = (books, exc.faults)
        return
    st.session_state.pop(REFUSED_KEY, None)
    notes = typed_notes()
    try:
        with db_session() as db:
            check_notes(db, notes)
    except CoreError as exc:
        st.session_state[NOTES_REFUSED_KEY] = (notes, exc.message)
        return
    st.session_state.pop(NOTES_REFUSED_KEY, None)
    dynamic = bool(st.session_state.get("liq_dynamic"))
    planned: list[LiquidityPreview] | CoreError
    try:
        with db_session() as db:
            planned = plan_previews(db, books, dynamic)
    except InvalidFields as exc:  # targets too small to plan at today's prices: each said under its field, no dialog
        st.session_state[REFUSED_KEY] = (books, exc.faults)
        return
    except CoreError as exc:
        if exc.field is not None:  # a target too small to plan at today's prices: said under it, no dialog
            st.session_state[REFUSED_KEY] = (books, {exc.field: exc.message})
            return
        planned = exc  # any other refusal is the dialog's to show
    st.session_state[DIALOG_KEY] = {
        "books": books,
        "notes": notes,
        "dynamic": dynamic,
        "key": uuid.uuid4().hex,
        PLANNED: planned,  # for the dialog's first run, drawn later in this same run of the page
    }


def close_preview() -> None:
    st.session_state.pop(DIALOG_KEY, None)
    for key in [k for k in st.session_state if str(k).startswith("liq_prov_")]:
        del st.session_state[key]


def show_side(preview: LiquidityPreview, side: OrderSide, tag: str) -> None:
    plan = preview.bid_plan if side is OrderSide.BUY else preview.ask_plan
    st.markdown(f"**{SIDE_TITLE[side]}**")
    if plan is None:
        st.caption("Not requested.")
        return
    st.caption(side_summary(plan))
    if not plan.market_makers:
        return

    def table(name: str, frame: pd.DataFrame, config: dict, what: str) -> None:
        st.dataframe(
            frame,
            column_config=config,
            hide_index=True,
            key=f"liq_{name}_{side.value}{tag}",
            alt=f"{SIDE_TITLE[side]}: {what}",
        )

    table("levels", levels_frame(plan), levels_column_config(), "price levels")
    table("mms", allocations_frame(plan), allocations_column_config(), "plan per market maker")
    if (left_out := left_out_text(plan)) is not None:  # who the side leaves out, too poor for an even share
        st.caption(left_out)
        if len(plan.left_out) > 1:
            table("left", left_out_frame(plan), left_out_column_config(), "market makers left out")
    if (unneeded := unneeded_text(plan)) is not None:  # and why not more of them, for a small target
        st.caption(unneeded)


def provision_form(cert: str, shortfall: AssetShortfall, tag: str) -> None:
    """Create new market makers or fund the short ones, prefilled with what covers the shortfall (and why). A form:
    Enter provisions, and every field core refuses is said at once, right under that field. Nothing moves until the
    sentence that follows, what each market maker receives, is confirmed (``confirm_provisioning``): a single Enter
    in the prefilled field deposited millions. While it asks, the form is greyed showing the amount (and count) asked
    about, as the Fund dialog's is: no keystroke lands in it, so Confirm deposits what the field shows (a question
    withdrawn at the first keystroke missed one that landed as it appeared); Back gives the field back, as typed."""
    side = shortfall.side.value
    place = f"{side}{tag}"
    ask = f"liq_prov_{place}"  # <ask>_pending: the plan waiting for Confirm; <ask>_refused: why Provision was refused

    def amount_key(action: str) -> str:
        return f"liq_prov_amount_{side}_{action}{tag}"

    pending = st.session_state.get(f"{ask}_pending")
    if pending is not None and st.session_state.get(f"{amount_key(pending[1].action)}_for") != provision_amount(
        shortfall, pending[1].action
    ):
        # a deposit or an order elsewhere moved the shortfall while its question was open: the question goes, saying
        # so, and the field takes the new suggestion in place of the amount asked about
        st.session_state.pop(f"{ask}_pending")
        pending = None
        st.warning(SHORTFALL_MOVED, icon=":material/sync_problem:")
    actions = ["create_new"] if shortfall.no_market_makers else ["fund_existing", "create_new"]
    action = st.segmented_control(  # outside the form: choosing an action redraws what the form asks for
        "Provisioning",
        actions,
        default=actions[0],
        required=True,
        format_func=ACTION_LABEL.get,
        key=f"liq_prov_action_{place}",
        disabled=pending is not None,
    )
    key, suggested = amount_key(action), provision_amount(shortfall, action)
    count_key = f"liq_prov_count_{place}" if action == "create_new" else None
    fields = (key,) if count_key is None else (key, count_key)
    asking = pending is not None and pending[1].action == action  # the form greyed at what it sent (ui.dialogs)
    # a new shortfall, or a field Streamlit forgot while the other action showed: the suggestion, not what was typed
    # for another shortfall, nor nothing
    for_another = not asking and key in st.session_state and st.session_state.get(f"{key}_for") != suggested
    if not asking and (key not in st.session_state or for_another):
        st.session_state[key] = st.session_state[f"{key}_for"] = suggested
    if not asking and count_key is not None:
        st.session_state.setdefault(count_key, "1")
    shown = f"{st.session_state[DIALOG_KEY]['key']}:{action}:{shortfall!r}"  # this preview's shortfall, as drawn
    with st.form(f"liq_prov_form_{place}", border=False):
        under: dict[str, DeltaGenerator] = {}  # right below each field: its refusal (core's InvalidFields names it)
        with st.container(horizontal=True):  # top-aligned: a refusal under one field moves neither field
            with st.container(gap=None):
                st.text_input(f"Amount ({shortfall.asset.value})", key=asked_field(key, asking), disabled=asking)
                under[AMOUNT] = st.container()
            if count_key is not None:  # text read by core: a number input out of range sent nothing, and said nothing
                with st.container(gap=None):
                    st.text_input(NEW_COUNT_FIELD, key=asked_field(count_key, asking), disabled=asking)
                    under[COUNT] = st.container()
        under_fields = st.container()  # a refusal about no one field: under both, above the button
        st.form_submit_button(
            "Provision",
            icon=":material/add_card:",
            key=f"liq_prov_submit_{place}",
            disabled=asking,
            on_click=ask_provisioning,
            args=(cert, shortfall, action, ask, shown, key, count_key),
        )
    st.caption(provision_note(shortfall, action))
    if (refused := st.session_state.pop(f"{ask}_refused", None)) is not None:  # by core, at Provision or Confirm
        if isinstance(refused, InvalidFields):
            for field, why in refused.faults.items():  # every fault at once, each under its field
                field_error(under.get(field, under_fields), why)
        elif isinstance(refused, ValidationError):
            field_error(under_fields, refused.message)
        else:
            with under_fields:
                show_refusal(refused)
        if for_another:  # a Confirm refused as the market makers changed: the amount given back was for the last ones
            field_warning(under_fields, REFUSED_SHORTFALL_MOVED)
    if asking:
        confirm_provisioning(cert, pending, {m.id: m.name for m in shortfall.market_makers}, place, fields)


@signed_in
def ask_provisioning(
    cert: str, shortfall: AssetShortfall, action: str, ask: str, shown: str, amount_key: str, count_key: str | None
) -> None:
    """Provision's callback (Enter or the button), before the dialog's run draws the form again: what the click sent
    (the shortfall its form showed, the amount and count as typed), as core plans it, waits at ``<ask>_pending`` for
    its Confirm; or core's refusal waits at ``<ask>_refused`` for the form to show. Planned from what the click
    sent, not in the run that follows: the second send of a double click reached a page whose shortfall the first
    had already shrunk, where the field was prefilled anew (€4.3 million asked after €1,000 typed)."""
    typed = st.session_state.get(amount_key)
    count = st.session_state.get(count_key) if count_key is not None else None
    mm_ids = [m.id for m in shortfall.market_makers] if action == "fund_existing" else None
    try:
        with db_session() as db:
            plan = plan_provisioning(db, action, shortfall.mm_type, typed, mm_ids, count, cert)
    except CoreError as exc:
        st.session_state[f"{ask}_refused"] = exc
        return
    # this question's token: Confirm sends it once (ui.sending), and a question asked again is a new send, never the
    # outcome of the last one (a Confirm refused while a market maker was deactivated refused again once reactivated)
    st.session_state[f"{ask}_pending"] = ((new_token(), shown, typed, count), plan)
    keep_asked(amount_key, typed)  # what the greyed form shows while it asks
    if count_key is not None:
        keep_asked(count_key, count)


def confirm_provisioning(
    cert: str,
    pending: tuple[tuple[str, str, str, str | None], ProvisioningPlan],
    names: dict[int, str],
    place: str,
    fields: tuple[str, ...],
) -> None:
    """The sentence a provisioning is confirmed with (``plan_provisioning``: as core reads what was sent), Back and
    Confirm; Confirm deposits exactly that, once however many times it is clicked (``send_once`` under the question's
    token). Read in the run, not in a callback: the run has planned the preview again first, so a shortfall moved
    meanwhile withdraws the question (``provision_form``) before Confirm can deposit for it. Back, and a Confirm core
    refuses, give the form's greyed ``fields`` back as they were sent, the refusal under them (the question stayed,
    asking to confirm what had just been refused); Escape closes the dialog, though the greyed field took the focus
    out of it (``ui.dialogs``)."""
    (token, *_), plan = pending
    ask = f"liq_prov_{place}"
    escape_closes()
    with st.container(border=True):
        st.markdown(provision_question(plan, names))
        back, confirm = st.columns(2)
        back.button("Back", key=f"liq_prov_back_{place}", width="stretch", on_click=back_to_form, args=(ask, fields))
        if confirm.button("Confirm", type="primary", key=f"liq_prov_confirm_{place}", width="stretch"):
            new = len(plan.amounts) if plan.mm_ids is None else None
            try:
                with db_session() as db:
                    done = send_once(
                        token,
                        lambda: provision_market_makers(
                            db,
                            plan.action,
                            plan.mm_type,
                            f"{plan.total_amount:f}",
                            user.id,
                            mm_ids=plan.mm_ids,
                            count=new,
                            certificate_type=cert,
                        ),
                    )
            except CoreError as exc:  # the form again, holding what was typed, the refusal under it
                back_to_form(ask, fields)
                st.session_state[f"{ask}_refused"] = exc
                st.rerun()  # the whole page: what it shows (the market makers' EUR) may be what refused it
            flash(provisioned_text(done))
            for key in [k for k in st.session_state if str(k).startswith("liq_prov_")]:
                del st.session_state[key]
            st.rerun()


def execute(request: dict, confirmed: tuple[str, ...]) -> None:
    """Place the plan the admin confirmed (its ``plan_signature``), or nothing: a plan that moved since it was shown
    is refused by core, and the dialog, which has just drawn the new one, says so."""
    with st.status("Placing the liquidity orders…", expanded=False) as status:
        try:
            with db_session() as db:
                ops = place(db, request, confirmed)
        except PlanChanged as exc:
            status.update(label="Nothing was placed", state="error")
            st.warning(exc.message, icon=":material/sync_problem:")
            return
        except CoreError as exc:  # the refusal is in the box: open it, or it is never read
            show_refusal(exc)
            status.update(label="Nothing was placed", state="error", expanded=True)
            return
        placed = sum(op.orders_count for op in ops)
        status.update(label=f"Placed {placed} orders", state="complete")
    st.session_state[RESULT_KEY] = ops
    close_preview()
    # the targets and notes just placed are typed afresh for the next creation: left filled, two more clicks
    # (Preview, Confirm) placed the same orders a second time. The book and the spread toggle stay as chosen. Only
    # forgotten here, a field kept what the browser held and sent it back with the next click (AppTest has no
    # browser): the next run sets each one empty before it is drawn (start_with), which the browser then shows.
    for key in [k for k in st.session_state if str(k).startswith(("liq_bid", "liq_ask")) or k == "liq_notes"]:
        del st.session_state[key]
    flash(f"Liquidity created: {placed} orders ({', '.join(op.ticket_id for op in ops)})")
    st.rerun()


def place(db: Session, request: dict, confirmed: tuple[str, ...]) -> list[LiquidityOperation]:
    """One book alone, or every book typed in one transaction."""
    books = request["books"]
    options = {"notes": request["notes"], "idempotency_key": request["key"], "dynamic_spread": request["dynamic"]}
    if len(books) == 1:
        ((cert, (bid, ask)),) = books.items()
        return [create_liquidity(db, cert, bid, ask, user.id, expected_plan=confirmed, **options)]
    return create_liquidity_for_all(db, books, user.id, expected_plan=confirmed, **options)


def show_preview(preview: LiquidityPreview, tag: str) -> None:
    metric_row(Metric(label, value) for label, value in preview_headline(preview))
    st.caption(reference_caption(preview))
    st.caption(spread_caption(preview, get_settings().liquidity_levels))
    # one side under the other, each across the dialog: side by side, a market maker's table of seven columns cut
    # its Order value at 1,280 px ("€499,823.4")
    for side in (OrderSide.BUY, OrderSide.SELL):
        show_side(preview, side, tag)
    for problem in preview.problems:
        st.warning(problem, icon=":material/warning:")
    for shortfall in preview.missing_assets:
        st.error(shortfall_text(shortfall), title="Insufficient assets", icon=":material/error:")
        if shortfall.market_makers:
            st.dataframe(
                shortfall_frame(shortfall),
                column_config=shortfall_column_config(),
                hide_index=True,
                key=f"liq_short_{shortfall.side.value}{tag}",
                alt="Shortfall per market maker",
            )
        provision_form(preview.certificate_type.value, shortfall, tag)


def plan_previews(db: Session, books: dict, dynamic: bool) -> list[LiquidityPreview]:
    """The preview of every book typed: one book alone, or both planned together."""
    if len(books) == 1:
        ((cert, (bid, ask)),) = books.items()
        return [preview_liquidity_creation(db, cert, bid, ask, user_id=user.id, dynamic_spread=dynamic)]
    return preview_liquidity_for_all(db, books, user_id=user.id, dynamic_spread=dynamic)


def dialog_plan(request: dict) -> list[LiquidityPreview] | None:
    """The plan this run of the dialog shows, or None (its refusal shown). Planned once per Preview click: the
    dialog's first run shows the plan the click's callback made a moment before (to refuse a target too small under
    its field), and every later run plans afresh, so a confirmation is always checked against the book as it is
    then, never against the plan it was opened with (``preview_dialog``)."""
    planned = request.pop(PLANNED, None)
    if planned is None:
        with db_session() as db:
            return attempt(lambda: plan_previews(db, request["books"], request["dynamic"]))
    if isinstance(planned, CoreError):
        show_refusal(planned)
        return None
    return planned


@st.dialog("Liquidity preview", icon=":material/water_drop:", width="large", on_dismiss=close_preview)
@signed_in
def preview_dialog(request: dict) -> None:
    previews = dialog_plan(request)
    if previews is None:
        return
    if len(previews) == 1:
        show_preview(previews[0], "")
    else:
        st.caption("Both books are placed in one step, or neither: any shortfall below stops both.")
        for preview in previews:
            st.subheader(f"{preview.certificate_type} book", anchor=False)
            show_preview(preview, f"_{preview.certificate_type}")
    can_execute = all(p.can_execute for p in previews)
    # what the admin saw when they clicked is what the run before drew: the plan is made again on every run after
    # the first (dialog_plan), and core places only a plan with the signature confirmed (PlanChanged otherwise)
    shown = request.get("shown")
    request["shown"] = plan_signature(previews)
    cancel, confirm = st.columns(2)
    if cancel.button("Cancel", key="liq_cancel", width="stretch"):
        close_preview()
        st.rerun()
    if confirm.button(
        "Confirm & execute",
        type="primary",
        icon=":material/play_arrow:",
        key="liq_execute",
        disabled=not can_execute,
        width="stretch",
    ):
        execute(request, shown)


def show_result(ops: list[LiquidityOperation]) -> None:
    with st.container(border=True, key="liq_result_box"):
        books = " and ".join(f"{op.certificate_type.value}" for op in ops)
        st.success(
            f"Liquidity created on the {books} book{'s' if len(ops) > 1 else ''}.",
            title="Done",
            icon=":material/check:",
        )
        for op in ops:
            if len(ops) > 1:  # which book each row of figures is
                st.caption(f"{op.certificate_type.value} book")
            metric_row(result_lines(op), border=False)
        if TO_CASH_MARKET is not None:
            st.session_state[market_data.OPEN_ON_KEY] = ops[0].certificate_type.value  # the Cash Market opens on it
            st.page_link(
                TO_CASH_MARKET.path, label="See the orders on the Cash Market", icon=":material/candlestick_chart:"
            )


st.title(CREATE_LIQUIDITY.title)
st.caption(
    "Rest BID orders from liquidity providers (EUR) and ASK orders from asset holders (certificates) on three "
    "levels around the reference price. Preview first: nothing is placed until you confirm."
)

# The amounts typed for one book or for both stay while the other mode is shown, sent or not: every run draws the
# target fields of both modes, those of the mode not chosen in a hidden container. Streamlit forgets a field on the
# first run that does not draw it, and a form sends what its fields hold only when it is sent: handing the values of
# undrawn fields back to session state kept the amounts previewed, but an amount typed and not yet previewed had never
# reached the page, and switching EUA → Both → EUA emptied its field. Drawn, a field keeps what was typed in it.
hide_element(HIDDEN_TARGETS)

choice = st.segmented_control(
    "Certificate",
    ["EUA", "CEA", BOTH],
    default="EUA",
    required=True,
    format_func=lambda c: "Both certificates" if c == BOTH else c,
    key="liq_cert",
)
shown = list(CERTS) if choice == BOTH else [choice]
with db_session() as db:
    references = [attempt(lambda c=c: get_market_reference(db, c, user_id=user.id)) for c in shown]
    providers = get_liquidity_providers(db, user_id=user.id)
    holders = {c: get_asset_holders(db, c, user_id=user.id) for c in shown}
if any(r is None for r in references):
    st.stop()

st.subheader("Current market")
for reference in references:
    cert = reference.certificate_type.value
    metric_row(
        [
            *([Metric("Book", cert)] if choice == BOTH else []),
            Metric("Best bid", price(reference.best_bid)),
            Metric("Best ask", price(reference.best_ask)),
            Metric("Mid", price(reference.mid)),
            Metric("Reference price", price(reference.reference_price)),
        ]
    )
    st.caption(reference_caption(reference))
metric_row(
    [
        Metric(
            "LP EUR available",
            eur(sum((m.eur_available for m in providers), 0)),
            f"{counted(len(providers), 'active liquidity provider')}"
            + (", shared by both books" if choice == BOTH else ""),
        ),
        *(
            Metric(
                f"AH {cert} available",
                amount_text(cert, sum((m.available(cert) for m in holders[cert]), 0)),
                f"{counted(len(holders[cert]), 'active asset holder')} holding {cert}",
            )
            for cert in shown
        ),
    ]
)

st.subheader("Target liquidity")
# a form: Enter in any field previews, as the button does (its fields are read when it is submitted)
with st.form("liq_targets", border=False, enter_to_submit=True):
    target_fields(tuple(shown), visible=True)
    with st.container(key=HIDDEN_TARGETS):  # the other mode's, hidden: see above
        target_fields((shown[0],) if choice == BOTH else CERTS, visible=False)
    st.toggle(
        "Widen spreads when the market is volatile",
        key="liq_dynamic",
        help="The levels' offsets times clamp(σ / σ_ref, 1, max), σ from the book's recent trades (never narrower)",
    )
    start_with({"liq_notes": ""})  # emptied by the server after an execute: see execute
    st.text_input("Notes (optional)", key="liq_notes", help=notes_help())  # no max_chars: see notes_help
    refused_while_typed(NOTES_REFUSED_KEY, typed_notes())  # under the notes
    st.form_submit_button(
        "Preview", type="primary", icon=":material/preview:", key="liq_preview", on_click=open_preview
    )

if (result := st.session_state.get(RESULT_KEY)) is not None:
    show_result(result)

st.subheader("Recent operations")
with db_session() as db:
    operations = get_liquidity_operations(db, None if choice == BOTH else choice, limit=10, user_id=user.id)
if not operations:
    st.caption(f"No liquidity operations on {' or '.join(shown)} yet.")
else:
    st.dataframe(
        operations_frame(operations),
        column_config=operations_column_config(),
        hide_index=True,
        key="liq_operations",
        alt=f"Recent liquidity operations on {' and '.join(shown)}",
    )
if TO_OPERATIONS is not None:
    st.page_link(
        TO_OPERATIONS.path, label="Fills, details and withdrawal on the Operations page", icon=TO_OPERATIONS.icon
    )

if (request := st.session_state.get(DIALOG_KEY)) is not None:
    preview_dialog(request)
