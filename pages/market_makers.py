"""Market makers: balances by type, each one's ledger; admins create, fund, withdraw from, rename, deactivate and
reactivate them."""

from collections.abc import Callable, Sequence
from datetime import UTC

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.enums import AssetType, MarketMakerType, Role
from core.errors import Conflict, CoreError, InvalidFields
from core.market_makers import (
    NAME_FIELD,
    NewMarketMaker,
    check_market_maker_creation,
    create_market_maker,
    deactivate_market_maker,
    fund_market_maker,
    get_market_maker,
    get_market_maker_ledger,
    get_market_makers,
    held_assets_by_type,
    initial_balance_field,
    reactivate_market_maker,
    withdraw_market_maker,
)
from core.models import ChangedMarketMaker, LedgerEntry, MarketMaker
from core.renaming import rename_market_maker
from ui.choices import record_box
from ui.dialogs import ASKED, Dialogs, asked_field, give_back, keep_asked, start_with
from ui.feedback import attempt, field_error, show_refusal
from ui.format import amount_text, counted, md_escape
from ui.funding_dialog import (
    CONFIRMATION_STATE,
    Move,
    amount_form,
    amount_placeholder,
    confirmation,
    first_available,
    form_keys,
    moved,
    nothing_to_withdraw,
    withdrawable_assets,
)
from ui.grids import record_table
from ui.market_makers_view import (
    TYPE_BADGE,
    TYPE_COLOR,
    TYPE_FILTERS,
    TYPE_NOUN,
    balance_metrics,
    filter_market_makers,
    initial_funding,
    ledger_column_config,
    ledger_frame,
    link_hidden_by_filters,
    market_makers_column_config,
    market_makers_frame,
    open_orders_block,
    option_label,
    summarize,
    summary_metrics,
    type_for_filter,
    type_label,
)
from ui.metrics import metric_row
from ui.navigation import MARKET_MAKERS
from ui.rename_dialog import rename_field_key, rename_form
from ui.runtime import db_session
from ui.sending import new_token, send_once
from ui.session import require_user, signed_in
from ui.url_state import YES_NO, UrlChoices, choices_from_url, choices_to_url, same_words, say_not_taken

user = require_user()
is_admin = user.role is Role.ADMIN

# the actions beside a market maker's name, each opening its dialog: label and icon (an active one offers
# Deactivate, a deactivated one Reactivate, in the same place)
ACTIONS = {
    "fund": ("Fund", ":material/savings:"),
    "withdraw": ("Withdraw", ":material/output:"),
    "rename": ("Rename", ":material/edit:"),
    "deactivate": ("Deactivate", ":material/block:"),
    "reactivate": ("Reactivate", ":material/restart_alt:"),
}
CREATE_TYPED = ("name", *(a.value.lower() for a in AssetType))  # the create form's typed fields (mm_new_…)
dialogs = Dialogs(
    key="mm_dialog",
    select_next_key="mm_select_next",
    fields={
        "create": tuple(
            f"mm_new_{part}"
            for part in ("type", *CREATE_TYPED, *(f"{typed}{ASKED}" for typed in CREATE_TYPED), *CONFIRMATION_STATE)
        ),
        "fund": form_keys("mm", "fund"),
        "withdraw": form_keys("mm", "withdraw"),
        "rename": (rename_field_key("mm"),),
        "deactivate": (),
        "reactivate": (),
    },
)
SELECT_NEXT_KEY = dialogs.select_next_key
open_dialog, close_dialog, finish = dialogs.open, dialogs.close, dialogs.finish


Switch = Callable[..., ChangedMarketMaker]  # deactivate_market_maker or reactivate_market_maker: (db, id, by)
NEW = "mm_new"  # the create dialog's keys: <NEW>_name, <NEW>_eur…, and its confirmation's

# The Type filter, Show inactive and the market maker chosen are kept in the URL (ui.url_state), so a reload or a link
# opens on them (a reload came back on the first market maker), the filters left out at their defaults:
# /market-makers?mm_type=AH&mm_inactive=YES&market_maker=3. A link's value the page cannot take is said under its field.
MAKER_PARAM = "market_maker"  # by id, as on the Cash Market: a name can change
FILTER_CHOICES: UrlChoices = {
    "mm_type_filter": ("mm_type", same_words(list(TYPE_FILTERS))),
    "mm_show_inactive": ("mm_inactive", YES_NO),
}
FILTER_DEFAULTS: dict[str, object] = {"mm_type_filter": "All", "mm_show_inactive": False}


def typed_amounts(kind: MarketMakerType) -> dict[AssetType, str | None]:
    return {asset: st.session_state.get(balance_key(asset)) for asset in held_by_type[kind]}


def balance_key(asset: AssetType) -> str:
    return f"{NEW}_{asset.value.lower()}"


def create_fields(kind: MarketMakerType) -> tuple[str, ...]:
    """The create form's typed fields for a type: the name, and the initial balance of each asset it holds."""
    return (f"{NEW}_name", *(balance_key(asset) for asset in held_by_type[kind]))


@signed_in
def create_checked(kind: MarketMakerType) -> None:
    """The create form's callback (Enter or its button): core reads what was typed (a name taken is refused now, not
    after Confirm); a market maker funded at birth waits for its Confirm (money moves), one without funds is created
    at once; a refusal is kept for the form."""
    name, amounts = st.session_state.get(f"{NEW}_name", ""), typed_amounts(kind)
    try:
        with db_session() as db:
            new = check_market_maker_creation(db, name, kind, user.id, **initial_funding(kind, amounts))
    except CoreError as exc:
        st.session_state[f"{NEW}_refused"] = exc
        return
    if not new.initial:
        create_confirmed(dialogs.send_key(new), new)  # once for what was typed: a double send makes one
        return
    st.session_state[f"{NEW}_pending"] = (new_token(), new)
    for key in create_fields(kind):  # what the greyed form shows while it asks
        keep_asked(key, st.session_state.get(key))


@signed_in
def create_confirmed(token: str, new: NewMarketMaker) -> None:
    """Create what core read (once for ``token``, however many times it is sent); the market maker for the dialog's
    next run, or the refusal for the form (a name taken meanwhile)."""
    asked = st.session_state.pop(f"{NEW}_pending", None) is not None  # or created at once, with no funds to confirm
    initial = {asset.value: f"{amount:f}" for asset, amount in new.initial.items()}
    try:
        with db_session() as db:
            mm = send_once(
                token, lambda: create_market_maker(db, new.name, new.mm_type, user.id, initial_balances=initial)
            )
    except CoreError as exc:
        st.session_state[f"{NEW}_refused"] = exc
        if asked:
            give_back(create_fields(new.mm_type))  # the form, holding what was typed
        return
    st.session_state[f"{NEW}_done"] = mm


def creation_question(new: NewMarketMaker) -> str:
    funds = " and ".join(amount_text(asset, amount) for asset, amount in new.initial.items())
    return f"Create {TYPE_NOUN[new.mm_type]} **{md_escape(new.name)}** with {funds}?"


@st.dialog("Create market maker", icon=":material/add_business:", on_dismiss=close_dialog)
@signed_in
def create_dialog() -> None:
    if (mm := st.session_state.pop(f"{NEW}_done", None)) is not None:
        funded = ", ".join(amount_text(a, mm.available(a)) for a in mm.held_assets if mm.available(a))
        created = f"Created {TYPE_NOUN[mm.mm_type]} {md_escape(mm.name)}" + (f" with {funded}" if funded else "")
        finish(f"{created} ({mm.ticket_id})", mm.id)  # the ticket its deposits carry on its ledger too
    pending = st.session_state.get(f"{NEW}_pending")
    asking = pending is not None  # the form greyed, at what it sent, while it asks to confirm
    start_with({f"{NEW}_type": MarketMakerType.LIQUIDITY_PROVIDER, f"{NEW}_name": ""})
    # outside the form: choosing a type redraws which balances the form asks for
    kind = st.segmented_control(
        "Type",
        options=list(TYPE_BADGE),
        format_func=type_label,
        required=True,
        key=f"{NEW}_type",
        disabled=asking,
    )
    st.caption(
        "Places BUY orders with its EUR."
        if kind is MarketMakerType.LIQUIDITY_PROVIDER
        else "Places SELL orders with its CEA and EUA certificates."
    )
    # a form, so Enter in any field creates; each field has a place right below it for its refusal
    start_with({balance_key(asset): "" for asset in held_by_type[kind]})
    with st.form(f"{NEW}_form", border=False):
        # no max_chars: the browser would drop a longer paste whole and say nothing; core says how long it may be
        st.text_input("Name", key=asked_field(f"{NEW}_name", asking), disabled=asking)
        under = {NAME_FIELD: st.container()}
        for asset in held_by_type[kind]:
            st.text_input(
                initial_balance_field(asset),
                key=asked_field(balance_key(asset), asking),
                placeholder=amount_placeholder(asset),
                help="Optional; leave empty to start at zero.",
                disabled=asking,
            )
            under[initial_balance_field(asset)] = st.container()
        st.form_submit_button(
            "Create",
            type="primary",
            icon=":material/add:",
            key=f"{NEW}_submit",
            width="stretch",
            disabled=asking,
            on_click=create_checked,
            args=(kind,),
        )
    if isinstance(refused := st.session_state.pop(f"{NEW}_refused", None), InvalidFields):
        for field, why in refused.faults.items():  # every fault at once, each under its field
            field_error(under.get(field) or st.container(), why)
    elif refused is not None:
        # a name another market maker holds is the conflict a creation can meet
        where = under.get(NAME_FIELD if isinstance(refused, Conflict) else refused.field)
        if where is not None:
            field_error(where, refused.message)
        else:
            show_refusal(refused)
    if pending is not None:
        token, new = pending
        confirmation(NEW, creation_question(new), create_confirmed, (token, new), create_fields(kind))


def market_maker_form(
    mm: MarketMaker, kind: str, assets: Sequence[AssetType], default: AssetType, button: str, icon: str, move: Move
) -> LedgerEntry | None:
    """The fund or withdraw dialog's body for a market maker, read again on every run of the dialog."""
    with db_session() as db:
        mm = get_market_maker(db, mm.id, user_id=user.id)
    heading = f"**{md_escape(mm.name)}** · {type_label(mm.mm_type)}"
    return amount_form("mm", kind, mm, heading, assets, default, button, icon, move, user.id)


@st.dialog("Fund market maker", icon=":material/account_balance_wallet:", on_dismiss=close_dialog)
@signed_in
def fund_dialog(mm: MarketMaker) -> None:
    held = mm.held_assets
    entry = market_maker_form(mm, "fund", held, held[0], "Fund", ":material/savings:", fund_market_maker)
    if entry is not None:
        funded = amount_text(entry.asset, entry.amount)
        finish(f"Funded {md_escape(mm.name)} with {funded} ({entry.ticket_id})", mm.id)


@st.dialog("Withdraw from market maker", icon=":material/output:", on_dismiss=close_dialog)
@signed_in
def withdraw_dialog(mm: MarketMaker) -> None:
    entry = moved("mm", "withdraw")
    if entry is None and (held := withdrawable_assets(mm)):
        default = first_available(mm, held)
        entry = market_maker_form(mm, "withdraw", held, default, "Withdraw", ":material/output:", withdraw_market_maker)
    elif entry is None:
        nothing_to_withdraw("mm")
    if entry is not None:
        taken = amount_text(entry.asset, entry.amount)
        finish(f"Withdrew {taken} from {md_escape(mm.name)} ({entry.ticket_id})", mm.id)


@st.dialog("Rename market maker", icon=":material/edit:", on_dismiss=close_dialog)
@signed_in
def rename_dialog(mm: MarketMaker) -> None:
    rename_form(
        dialogs,
        "mm",
        mm.id,
        mm.name,
        rename_market_maker,
        user.id,
        what_stays=(
            "Its balances, orders, ledger and audit trail stay with it and read under the new name; "
            "liquidity operations keep the names they were placed with."
        ),
    )


def switch_body(mm: MarketMaker, kind: str, question: str, done_verb: str, change: Switch) -> None:
    """A deactivation's or a reactivation's dialog: the question, Cancel, and the button that makes the change and
    names its ticket."""
    st.markdown(question)
    cancel, confirm = st.columns(2)
    if cancel.button("Cancel", key=f"mm_{kind}_cancel", width="stretch"):
        close_dialog()
        st.rerun()
    if confirm.button(ACTIONS[kind][0], type="primary", key=f"mm_{kind}_confirm", width="stretch"):
        with db_session() as db:
            done = attempt(lambda: change(db, mm.id, user.id))
        if done is not None:
            finish(f"{done_verb} {md_escape(mm.name)} ({done.ticket_id})", mm.id)


@st.dialog("Deactivate market maker", icon=":material/block:", on_dismiss=close_dialog)
@signed_in  # its Confirm acts in the dialog's body, which a click reruns alone: app.py never checks the session
def deactivate_dialog(mm: MarketMaker) -> None:
    question = (
        f"Deactivate **{md_escape(mm.name)}**? It keeps its balances and ledger but takes no part in new liquidity "
        "until it is reactivated."
    )
    switch_body(mm, "deactivate", question, "Deactivated", deactivate_market_maker)


@st.dialog("Reactivate market maker", icon=":material/restart_alt:", on_dismiss=close_dialog)
@signed_in
def reactivate_dialog(mm: MarketMaker) -> None:
    question = (
        f"Reactivate **{md_escape(mm.name)}**? It takes part in new liquidity again: Create Liquidity and liquidity "
        "policies can place its orders with what it holds, and it can be funded."
    )
    switch_body(mm, "reactivate", question, "Reactivated", reactivate_market_maker)


with db_session() as db:
    everyone = get_market_makers(db, user_id=user.id)
    held_by_type = held_assets_by_type(db)
by_id = {m.id: m for m in everyone}

st.title(MARKET_MAKERS.title)
st.caption(
    "Liquidity providers (LP) hold EUR and place BUY orders; asset holders (AH) hold CEA/EUA and place SELL orders."
)

metric_row(summary_metrics(summarize(everyone)))

filters_not_taken = choices_from_url(FILTER_CHOICES)  # a link just opened (a reload too): its filters
for key, default in FILTER_DEFAULTS.items():  # no default= on the widgets: the session (or the link) holds it
    st.session_state.setdefault(key, default)
if (chosen := st.session_state.get(SELECT_NEXT_KEY)) in by_id:  # the one a dialog just acted on stays in view:
    if not by_id[chosen].is_active:  # deactivated, shown as such
        st.session_state["mm_show_inactive"] = True
    if type_for_filter(st.session_state["mm_type_filter"]) not in (None, by_id[chosen].mm_type):
        st.session_state["mm_type_filter"] = "All"  # created as a type the filter hid (an LP under "AH")
with st.container(horizontal=True, vertical_alignment="bottom"):
    type_choice = st.segmented_control("Type", TYPE_FILTERS, required=True, key="mm_type_filter")
    show_inactive = st.toggle("Show inactive", key="mm_show_inactive")
    st.space("stretch")
    if is_admin:
        st.button(
            "Create market maker",
            type="primary",
            icon=":material/add:",
            key="mm_create_open",
            on_click=open_dialog,
            args=("create",),
        )

under_filters = st.container()  # what a link said for a filter that the page did not take
say_not_taken(under_filters, "Type", filters_not_taken.get("mm_type_filter"), str(type_choice), list(TYPE_FILTERS))
say_not_taken(
    under_filters,
    "Show inactive",
    filters_not_taken.get("mm_show_inactive"),
    "on" if show_inactive else "off",
    list(YES_NO),
)

st.space(20)  # room for the table's toolbar: it floats above the table, over a button right above it
shown = filter_market_makers(everyone, type_choice, show_inactive)
shown_ids = [m.id for m in shown]
# the market maker a link names, taken when the filters show it (by its id); one they hide is said with which
maker_choice: UrlChoices = {"mm_selected": (MAKER_PARAM, {str(i): i for i in shown_ids})}
maker_not_taken = choices_from_url(maker_choice).get("mm_selected")
maker_hidden = link_hidden_by_filters(everyone, maker_not_taken, type_choice, show_inactive)


def say_maker_not_taken(where: DeltaGenerator, shown_instead: str) -> None:
    say_not_taken(where, "market maker", maker_not_taken, shown_instead, why=maker_hidden)


if not shown and MAKER_PARAM in st.query_params:  # no market maker shown: the URL names none (its note is said below)
    del st.query_params[MAKER_PARAM]
if not everyone:
    st.info("No market makers yet." + (" Create the first one." if is_admin else ""))
    say_maker_not_taken(st.container(), "no market maker")
elif not shown:
    hidden = len(filter_market_makers(everyone, type_choice, show_inactive=True))
    st.info(
        "No market makers match this filter."
        + (
            f" {counted(hidden, 'deactivated market maker')} {'is' if hidden == 1 else 'are'} hidden: turn on "
            "“Show inactive” to see them."
            if hidden
            else ""
        )
    )
    say_maker_not_taken(st.container(), "no market maker")
else:
    record_table(
        market_makers_frame(shown),
        column_config=market_makers_column_config(
            {a for m in shown for a in held_by_type[m.mm_type]},
            names=[m.name for m in shown],
            all_active=all(m.is_active for m in shown),
        ),
        key="mm_table",
        alt="Market makers with available and locked balances per asset",
    )

    st.subheader("Details and ledger")
    selected_id = record_box(
        "Market maker", shown_ids, lambda i: option_label(by_id[i]), "mm_selected", SELECT_NEXT_KEY
    )
    mm = by_id[selected_id]
    say_maker_not_taken(st.container(), mm.name)
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{md_escape(mm.name)}**")
            st.badge(TYPE_BADGE[mm.mm_type], color=TYPE_COLOR[mm.mm_type], help=type_label(mm.mm_type))
            if mm.is_active:
                st.badge("Active", color="gray")
            else:
                st.badge("Inactive", color="orange")
            st.caption(f"Created {mm.created_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
            st.space("stretch")
            if is_admin:
                retired = "A deactivated market maker cannot be funded: reactivate it first"
                unavailable = {  # why an action cannot be taken now (None: it can)
                    "fund": None if mm.is_active else retired,
                    "withdraw": None if withdrawable_assets(mm) else "It holds nothing to withdraw",
                    "rename": None,
                    "deactivate": open_orders_block(mm),
                    "reactivate": None,
                }
                offered = [kind for kind in ACTIONS if kind != ("deactivate" if not mm.is_active else "reactivate")]
                # one group: beside a long name it wraps whole, instead of Fund staying up and the rest dropping
                with st.container(horizontal=True, width="content"):
                    for kind in offered:
                        (label, icon), why_not = ACTIONS[kind], unavailable[kind]
                        st.button(
                            label,
                            icon=icon,
                            key=f"mm_{kind}_open",
                            on_click=open_dialog,
                            args=(kind, mm.id),
                            disabled=why_not is not None,
                            help=why_not,
                        )
        metric_row(balance_metrics(mm), border=False)
        with db_session() as db:
            entries = get_market_maker_ledger(db, mm.id, user_id=user.id)
        if entries:
            record_table(
                ledger_frame(entries),
                column_config=ledger_column_config(),
                key="mm_ledger",
                alt=f"Ledger of {mm.name}, newest first",
            )
        else:
            st.caption("No ledger entries yet.")

# the URL says what the page shows, before a dialog's rerun can end the run
choices_to_url({**FILTER_CHOICES, **(maker_choice if shown else {})}, defaults=FILTER_DEFAULTS)

# Analysts never get here without the buttons; core refuses them anyway.
pending = dialogs.pending() if is_admin else None
if pending is not None:
    kind, target_id = pending
    target = by_id.get(target_id) if target_id is not None else None
    if kind == "create":
        create_dialog()
    elif kind == "fund" and target is not None:
        fund_dialog(target)
    elif kind == "withdraw" and target is not None:
        withdraw_dialog(target)
    elif kind == "rename" and target is not None:
        rename_dialog(target)
    elif kind == "deactivate" and target is not None:
        deactivate_dialog(target)
    elif kind == "reactivate" and target is not None:
        reactivate_dialog(target)
    else:
        close_dialog()
