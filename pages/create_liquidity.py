"""Create Liquidity (admins): rest BID and ASK depth across the market makers, after a preview."""

import uuid

import streamlit as st

from core.enums import OrderSide, Role
from core.liquidity_models import AssetShortfall, LiquidityOperation, LiquidityPreview
from core.liquidity_service import (
    create_liquidity,
    get_asset_holders,
    get_liquidity_operations,
    get_liquidity_providers,
    get_market_reference,
    preview_liquidity_creation,
    provision_market_makers,
)
from ui import market_data
from ui.feedback import attempt, flash
from ui.format import eur, units
from ui.liquidity_view import (
    ACTION_LABEL,
    SIDE_TITLE,
    allocations_column_config,
    allocations_frame,
    levels_column_config,
    levels_frame,
    operations_column_config,
    operations_frame,
    preview_headline,
    price_text,
    provision_amount,
    reference_caption,
    result_lines,
    shortfall_column_config,
    shortfall_frame,
    shortfall_text,
    side_summary,
)
from ui.navigation import PAGES
from ui.runtime import db_session
from ui.session import require_user

user = require_user()
if user.role is not Role.ADMIN:  # the menu hides the page from others; core refuses them anyway
    st.error("Only admins create liquidity.")
    st.stop()

# The open preview (certificate, amounts, notes, idempotency key) lives in session state, so the dialog
# survives the reruns its own widgets cause; the key makes a double click place the orders once.
DIALOG_KEY = "liq_dialog"
RESULT_KEY = "liq_result"
CASH_MARKET = next((p for p in PAGES if p.url_path == "cash-market" and user.role in p.roles), None)
OPERATIONS = next((p for p in PAGES if p.url_path == "operations" and user.role in p.roles), None)


def open_preview() -> None:
    st.session_state[DIALOG_KEY] = {
        "cert": st.session_state["liq_cert"],
        "bid": st.session_state.get("liq_bid") or "0",
        "ask": st.session_state.get("liq_ask") or "0",
        "notes": st.session_state.get("liq_notes") or None,
        "key": uuid.uuid4().hex,
    }
    st.session_state.pop(RESULT_KEY, None)


def close_preview() -> None:
    st.session_state.pop(DIALOG_KEY, None)
    for key in [k for k in st.session_state if str(k).startswith("liq_prov_")]:
        del st.session_state[key]


def show_side(preview: LiquidityPreview, side: OrderSide) -> None:
    plan = preview.bid_plan if side is OrderSide.BUY else preview.ask_plan
    st.markdown(f"**{SIDE_TITLE[side]}**")
    if plan is None:
        st.caption("Not requested.")
        return
    st.caption(side_summary(plan))
    if not plan.market_makers:
        return
    st.dataframe(
        levels_frame(plan),
        column_config=levels_column_config(),
        hide_index=True,
        key=f"liq_levels_{side.value}",
        alt=f"{SIDE_TITLE[side]}: price levels",
    )
    st.dataframe(
        allocations_frame(plan),
        column_config=allocations_column_config(),
        hide_index=True,
        key=f"liq_mms_{side.value}",
        alt=f"{SIDE_TITLE[side]}: plan per market maker",
    )


def provision_form(request: dict, shortfall: AssetShortfall) -> None:
    """Create new market makers or fund the short ones, prefilled with what covers the shortfall."""
    side = shortfall.side.value
    actions = ["create_new"] if shortfall.no_market_makers else ["fund_existing", "create_new"]
    with st.container(horizontal=True, vertical_alignment="bottom"):
        action = st.segmented_control(
            "Provisioning",
            actions,
            default=actions[0],
            required=True,
            format_func=ACTION_LABEL.get,
            key=f"liq_prov_action_{side}",
        )
        amount = st.text_input(
            f"Amount ({shortfall.asset.value})",
            value=provision_amount(shortfall, action),
            key=f"liq_prov_amount_{side}_{action}",
        )
        count = 1
        if action == "create_new":
            count = int(st.number_input("How many", min_value=1, max_value=100, value=1, key=f"liq_prov_count_{side}"))
        submitted = st.button("Provision", icon=":material/add_card:", key=f"liq_prov_submit_{side}")
    if action == "fund_existing":
        names = ", ".join(m.name for m in shortfall.market_makers)
        st.caption(f"Split evenly over the short market makers: {names}.")
    if submitted:
        with db_session() as db:
            done = attempt(
                lambda: provision_market_makers(
                    db,
                    action,
                    shortfall.mm_type,
                    amount,
                    user.id,
                    mm_ids=[m.id for m in shortfall.market_makers] if action == "fund_existing" else None,
                    count=count if action == "create_new" else None,
                    certificate_type=request["cert"],
                )
            )
        if done is not None:
            flash(f"Provisioned {len(done.market_makers)} market maker(s) ({done.ticket_id})")
            for key in [k for k in st.session_state if str(k).startswith("liq_prov_")]:
                del st.session_state[key]
            st.rerun()


def execute(request: dict) -> None:
    with st.status("Placing the liquidity orders…", expanded=False) as status:
        with db_session() as db:
            op = attempt(
                lambda: create_liquidity(
                    db,
                    request["cert"],
                    request["bid"],
                    request["ask"],
                    user.id,
                    notes=request["notes"],
                    idempotency_key=request["key"],
                )
            )
        if op is None:
            status.update(label="Nothing was placed", state="error")
            return
        status.update(label=f"Placed {op.orders_count} orders", state="complete")
    st.session_state[RESULT_KEY] = op
    close_preview()
    flash(f"Liquidity created: {op.orders_count} orders ({op.ticket_id})")
    st.rerun()


@st.dialog("Liquidity preview", icon=":material/water_drop:", width="large", on_dismiss=close_preview)
def preview_dialog(request: dict) -> None:
    with db_session() as db:
        preview = attempt(
            lambda: preview_liquidity_creation(db, request["cert"], request["bid"], request["ask"], user_id=user.id)
        )
    if preview is None:
        return
    with st.container(horizontal=True):
        for label, value in preview_headline(preview):
            st.metric(label, value, border=True)
    st.caption(reference_caption(preview))
    bid_col, ask_col = st.columns(2)
    with bid_col:
        show_side(preview, OrderSide.BUY)
    with ask_col:
        show_side(preview, OrderSide.SELL)
    for problem in preview.problems:
        st.warning(problem, icon=":material/warning:")
    for shortfall in preview.missing_assets:
        st.error(shortfall_text(shortfall), title="Insufficient assets", icon=":material/error:")
        if shortfall.market_makers:
            st.dataframe(
                shortfall_frame(shortfall),
                column_config=shortfall_column_config(),
                hide_index=True,
                key=f"liq_short_{shortfall.side.value}",
                alt="Shortfall per market maker",
            )
        provision_form(request, shortfall)
    cancel, confirm = st.columns(2)
    if cancel.button("Cancel", key="liq_cancel", width="stretch"):
        close_preview()
        st.rerun()
    if confirm.button(
        "Confirm & execute",
        type="primary",
        icon=":material/play_arrow:",
        key="liq_execute",
        disabled=not preview.can_execute,
        width="stretch",
    ):
        execute(request)


def show_result(op: LiquidityOperation) -> None:
    with st.container(border=True, key="liq_result_box"):
        st.success(f"Liquidity created on the {op.certificate_type.value} book.", title="Done", icon=":material/check:")
        with st.container(horizontal=True):
            for label, value in result_lines(op):
                st.metric(label, value)
        if CASH_MARKET is not None:
            st.session_state[market_data.OPEN_ON_KEY] = op.certificate_type.value  # the Cash Market opens on this book
            st.page_link(
                CASH_MARKET.path, label="See the orders on the Cash Market", icon=":material/candlestick_chart:"
            )


st.title("Create liquidity")
st.caption(
    "Rest BID orders from liquidity providers (EUR) and ASK orders from asset holders (certificates) on three "
    "levels around the reference price. Preview first: nothing is placed until you confirm."
)

cert = st.segmented_control("Certificate", ["EUA", "CEA"], default="EUA", required=True, key="liq_cert")
with db_session() as db:
    reference = attempt(lambda: get_market_reference(db, cert, user_id=user.id))
    providers = get_liquidity_providers(db, user_id=user.id)
    holders = get_asset_holders(db, cert, user_id=user.id)
if reference is None:
    st.stop()

st.subheader("Current market")
with st.container(horizontal=True):
    st.metric("Best bid", price_text(reference.best_bid), border=True)
    st.metric("Best ask", price_text(reference.best_ask), border=True)
    st.metric("Mid", price_text(reference.mid), border=True)
    st.metric("Reference price", price_text(reference.reference_price), border=True)
st.caption(reference_caption(reference))
with st.container(horizontal=True):
    st.metric(
        "LP EUR available",
        eur(sum((m.eur_available for m in providers), 0)),
        help=f"{len(providers)} active liquidity provider(s)",
        border=True,
    )
    st.metric(
        f"AH {cert} available",
        units(sum((m.available(cert) for m in holders), 0)),
        help=f"{len(holders)} active asset holder(s) holding {cert}",
        border=True,
    )

st.subheader("Target liquidity")
with st.container(horizontal=True, vertical_alignment="bottom"):
    st.text_input(
        "BID liquidity (EUR)",
        key="liq_bid",
        placeholder="e.g. 100000",
        help="EUR the liquidity providers commit to buy orders; 0 for ASK only.",
    )
    st.text_input(
        "ASK liquidity (EUR)",
        key="liq_ask",
        placeholder="e.g. 50000",
        help="EUR value of the certificates the asset holders offer; 0 for BID only.",
    )
st.text_input("Notes (optional)", key="liq_notes", max_chars=2000)
st.button("Preview", type="primary", icon=":material/preview:", key="liq_preview", on_click=open_preview)

if (result := st.session_state.get(RESULT_KEY)) is not None:
    show_result(result)

st.subheader("Recent operations")
with db_session() as db:
    operations = get_liquidity_operations(db, cert, limit=10, user_id=user.id)
if not operations:
    st.caption(f"No liquidity operations on {cert} yet.")
else:
    st.dataframe(
        operations_frame(operations),
        column_config=operations_column_config(),
        hide_index=True,
        key="liq_operations",
        alt=f"Recent liquidity operations on {cert}",
    )
if OPERATIONS is not None:
    st.page_link(OPERATIONS.path, label="Fills, details and withdrawal on the Operations page", icon=OPERATIONS.icon)

if (request := st.session_state.get(DIALOG_KEY)) is not None:
    preview_dialog(request)
