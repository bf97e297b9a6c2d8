"""Trader firms (admins): every firm's balances and active traders; create a firm, fund it, withdraw from it,
rename it, and add its traders."""

import streamlit as st

from core.entities import NAME_FIELD, create_entity, fund_entity, get_trader_firm, get_trader_firms, withdraw_entity
from core.enums import AssetType, Role
from core.errors import Conflict
from core.models import LedgerEntry, TraderFirm
from core.renaming import rename_trader_firm
from core.user_accounts import list_users
from ui.accounts_view import (
    firm_metrics,
    firm_option,
    firms_column_config,
    firms_frame,
    users_column_config,
    users_frame,
)
from ui.choices import record_box
from ui.dialogs import Dialogs
from ui.feedback import attempt
from ui.format import amount_text, md_escape
from ui.funding_dialog import (
    Move,
    amount_form,
    first_available,
    form_keys,
    moved,
    nothing_to_withdraw,
    withdrawable_assets,
)
from ui.grids import record_table
from ui.metrics import metric_row
from ui.navigation import TRADER_FIRMS
from ui.rename_dialog import rename_field_key, rename_form
from ui.runtime import db_session
from ui.session import require_user, signed_in
from ui.url_state import UrlChoices, choices_from_url, choices_to_url, say_not_taken
from ui.user_dialogs import add_user_fields, open_add_user, open_issued_password

user = require_user()

ACTIONS = {
    "fund": ("Fund", ":material/savings:"),
    "withdraw": ("Withdraw", ":material/output:"),
    "rename": ("Rename", ":material/edit:"),
    "add_trader": ("Add trader", ":material/person_add:"),
}
dialogs = Dialogs(
    key="tf_dialog",
    select_next_key="tf_select_next",
    fields={
        "create": ("tf_new_name",),
        "fund": form_keys("tf", "fund"),
        "withdraw": form_keys("tf", "withdraw"),
        "rename": (rename_field_key("tf"),),
        "add_trader": add_user_fields("tf"),
        "issued": (),
    },
)

FIRM_PARAM = "firm"  # the firm chosen, kept in the URL by id (a name can change): /trader-firms?firm=3


@st.dialog("Create trader firm", icon=":material/add_business:", on_dismiss=dialogs.close)
@signed_in
def create_dialog() -> None:
    with st.form("tf_new_form", border=False):  # Enter creates
        name = st.text_input("Name", key="tf_new_name", placeholder="e.g. Nordic Carbon Trading AB")
        under_name = st.container()
        st.caption("It starts with no balances: fund it next, then add its traders.")
        sent = st.form_submit_button(
            "Create", type="primary", icon=":material/add:", key="tf_new_submit", width="stretch"
        )
    if sent:
        with db_session() as db:
            firm = attempt(
                lambda: dialogs.send(name, lambda: create_entity(db, name, user.id)),  # once per name typed
                # a name another firm holds is the conflict a creation can meet
                under=lambda exc: under_name if isinstance(exc, Conflict) or exc.field == NAME_FIELD else None,
            )
        if firm is not None:
            dialogs.finish(f"Created trader firm {md_escape(firm.name)} ({firm.ticket_id})", firm.id)


def firm_form(firm: TraderFirm, kind: str, button: str, icon: str, move: Move, withdrawing: bool) -> LedgerEntry | None:
    """The fund or withdraw dialog's body for a firm, read again on every run of the dialog."""
    with db_session() as db:
        firm = get_trader_firm(db, firm.id, user_id=user.id)
    assets = withdrawable_assets(firm) if withdrawing else tuple(AssetType)
    if not assets:
        nothing_to_withdraw("tf")
        return None
    default = first_available(firm, assets) if withdrawing else AssetType.EUR
    heading = f"**{md_escape(firm.name)}** · trader firm"
    return amount_form("tf", kind, firm, heading, assets, default, button, icon, move, user.id)


@st.dialog("Fund trader firm", icon=":material/account_balance_wallet:", on_dismiss=dialogs.close)
@signed_in
def fund_dialog(firm: TraderFirm) -> None:
    entry = firm_form(firm, "fund", "Fund", ":material/savings:", fund_entity, withdrawing=False)
    if entry is not None:
        funded = amount_text(entry.asset, entry.amount)
        dialogs.finish(f"Funded {md_escape(firm.name)} with {funded} ({entry.ticket_id})", firm.id)


@st.dialog("Withdraw from trader firm", icon=":material/output:", on_dismiss=dialogs.close)
@signed_in
def withdraw_dialog(firm: TraderFirm) -> None:
    entry = moved("tf", "withdraw") or firm_form(
        firm, "withdraw", "Withdraw", ":material/output:", withdraw_entity, withdrawing=True
    )
    if entry is not None:
        taken = amount_text(entry.asset, entry.amount)
        dialogs.finish(f"Withdrew {taken} from {md_escape(firm.name)} ({entry.ticket_id})", firm.id)


@st.dialog("Rename trader firm", icon=":material/edit:", on_dismiss=dialogs.close)
@signed_in
def rename_dialog(firm: TraderFirm) -> None:
    rename_form(
        dialogs,
        "tf",
        firm.id,
        firm.name,
        rename_trader_firm,
        user.id,
        what_stays="Its balances, traders, orders, fills and audit trail stay with it and read under the new name.",
    )


with db_session() as db:
    firms = get_trader_firms(db, user_id=user.id)
    traders = list_users(db, Role.TRADER, user_id=user.id)
by_id = {f.id: f for f in firms}

st.title(TRADER_FIRMS.title)
st.caption("Client firms whose traders trade on the Cash Market with the firm's balances.")

with st.container(horizontal=True, vertical_alignment="bottom"):
    st.metric("Trader firms", len(firms), border=True, width="content")
    st.metric("Active traders", sum(f.active_traders for f in firms), border=True, width="content")
    st.space("stretch")
    st.button(
        "Create trader firm",
        type="primary",
        icon=":material/add:",
        key="tf_create_open",
        on_click=dialogs.open,
        args=("create",),
    )

# a reload or a link opens on the firm it names (ui.url_state); one that does not exist is said under the box
firm_choice: UrlChoices = {"tf_selected": (FIRM_PARAM, {str(f.id): f.id for f in firms})}
firm_not_taken = choices_from_url(firm_choice).get("tf_selected")

st.space(20)  # room for the table's toolbar: it floats above the table, over a button right above it
if not firms:
    st.info("No trader firms yet. Create the first one, fund it, then add its traders.")
    say_not_taken(st.container(), "trader firm", firm_not_taken, "no trader firm")
else:
    record_table(
        firms_frame(firms),
        column_config=firms_column_config([f.name for f in firms]),
        key="tf_table",
        alt="Trader firms with available and locked balances per asset and their active traders",
    )

    st.subheader("Details and traders")
    ids = [f.id for f in firms]
    selected_id = record_box(
        "Trader firm", ids, lambda i: firm_option(by_id[i]), "tf_selected", dialogs.select_next_key
    )
    firm = by_id[selected_id]
    say_not_taken(st.container(), "trader firm", firm_not_taken, firm.name)
    choices_to_url(firm_choice)  # before a dialog's rerun can end the run
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{md_escape(firm.name)}**")
            st.space("stretch")
            unavailable = {"withdraw": None if withdrawable_assets(firm) else "It holds nothing to withdraw"}
            with st.container(horizontal=True, width="content"):
                for kind, (label, icon) in ACTIONS.items():
                    why_not = unavailable.get(kind)
                    st.button(
                        label,
                        icon=icon,
                        key=f"tf_{kind}_open",
                        on_click=dialogs.open,
                        args=(kind, firm.id),
                        disabled=why_not is not None,
                        help=why_not,
                    )
        metric_row(firm_metrics(firm), border=False)
        own = [t for t in traders if t.entity_id == firm.id]
        if own:
            record_table(
                users_frame(own),
                column_config=users_column_config(own) | {"role": None, "firm": None},
                key="tf_traders",
                alt=f"Traders of {firm.name}",
            )
            st.caption("Deactivate a trader or reset a password on the Users page.")
        else:
            st.caption("No traders yet: add one.")

pending = dialogs.pending()
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
    elif kind == "add_trader" and target is not None:
        open_add_user(dialogs, "tf", firms, user.id, target.id, roles=(Role.TRADER,))
    elif kind == "issued":
        open_issued_password(dialogs)
    else:
        dialogs.close()
