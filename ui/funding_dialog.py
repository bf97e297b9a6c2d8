"""The Fund and Withdraw dialogs' body, for any account that holds balances: a market maker or a trader firm.

Which assets a dialog offers and what it says when done is the page's; the form, what it shows of the chosen asset
and where a refusal goes are written once here.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import streamlit as st
from sqlalchemy.orm import Session
from streamlit.delta_generator import DeltaGenerator

from core.enums import AssetType, TransactionType
from core.errors import CoreError, InsufficientFunds, ValidationError
from core.funding import check_movement
from core.models import LedgerEntry
from ui.dialogs import ASKED, asked_field, escape_closes, give_back, keep_asked, start_with
from ui.feedback import field_error, show_refusal
from ui.format import amount_text, md_escape
from ui.runtime import db_session
from ui.sending import new_token, send_once
from ui.session import signed_in


class Account(Protocol):
    """What the dialogs need of an account: its id, its name and its balances."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    def available(self, asset: AssetType | str) -> Decimal: ...

    def locked(self, asset: AssetType | str) -> Decimal: ...


# core's deposit or withdrawal: (db, account id, asset, amount as typed, acting admin) → its ledger row
Move = Callable[[Session, int, AssetType, str, int], LedgerEntry]
MOVEMENTS = {"fund": TransactionType.DEPOSIT, "withdraw": TransactionType.WITHDRAWAL}  # a dialog's kind
# which account a dialog's key prefix moves funds of: the keyword core's check_movement names it by
ACCOUNT_IDS = {"mm": "market_maker_id", "tf": "entity_id"}


def amount_placeholder(asset: AssetType) -> str:
    return "e.g. 250000.00" if asset is AssetType.EUR else "e.g. 5000 (whole units)"


def withdrawable_assets(account: Account) -> tuple[AssetType, ...]:
    """What the withdraw dialog offers: every asset the account holds any of (what open orders lock included, so
    the dialog can say it is locked)."""
    return tuple(a for a in AssetType if account.available(a) or account.locked(a))


def balance_caption(account: Account, asset: AssetType) -> str:
    """What the fund and withdraw dialogs say of the chosen asset: what is available, and what open orders lock
    (it cannot be withdrawn until they are cancelled or filled)."""
    return (
        f"Available now: {amount_text(asset, account.available(asset))} · "
        f"locked in open orders: {amount_text(asset, account.locked(asset))}"
    )


# the question a confirmation asks, per kind of dialog: the sentence of exactly what Confirm will do
QUESTIONS: dict[str, Callable[[str, str], str]] = {
    "fund": lambda name, amount: f"Fund **{name}** with {amount}?",
    "withdraw": lambda name, amount: f"Withdraw {amount} from **{name}**?",
}


@dataclass(frozen=True)
class Pending:
    """An amount checked by core and waiting for its Confirm: what it will move, from or into which account."""

    token: str  # ui.sending's: a double click on Confirm moves it once
    account_id: int
    asset: AssetType
    amount: Decimal


# what a dialog with a confirmation keeps besides its widgets: the send waiting for Confirm, a refusal for the form,
# what was done, for the dialog's next run, and that Confirm was refused, for the page to be read again (each
# ``<key>_<part>``)
CONFIRMATION_STATE = ("pending", "refused", "done", "reread")


def form_keys(prefix: str, kind: str) -> tuple[str, ...]:
    """Every session-state key of a fund or withdraw dialog (its widgets and its confirmation), for the page to
    empty when the dialog opens: nothing typed or confirmed for one account carries over to the next."""
    return tuple(f"{prefix}_{kind}_{part}" for part in ("asset", "amount", f"amount{ASKED}", *CONFIRMATION_STATE))


def amount_form(
    prefix: str,
    kind: str,
    account: Account,
    heading: str,
    assets: Sequence[AssetType],
    default: AssetType,
    button: str,
    icon: str,
    move: Move,
    user_id: int,
) -> LedgerEntry | None:
    """The body of a fund or withdraw dialog; the ledger row once ``move`` took the amount, else None.

    ``account`` is read again by the caller on every run: a dialog reruns alone, and what it was opened with may
    have moved since (another admin's withdrawal). The asset is chosen outside the form (choosing one redraws what
    it shows); the amount is sent with Enter or the button and checked by core, a refusal right under it (which
    keeps what was typed). An amount that passes moves nothing yet: the form stays, greyed at the amount sent
    (``ui.dialogs.asked_field``), under the sentence of what will happen, and only its Confirm moves it (a typo of
    three zeros is read before it is money). Widget keys are ``<prefix>_<kind>_…`` (``form_keys``)."""
    key = f"{prefix}_{kind}"
    if (done := moved(prefix, kind)) is not None:
        return done
    pending: Pending | None = st.session_state.get(f"{key}_pending")
    if pending is not None and pending.account_id != account.id:
        pending = None
    st.markdown(heading)
    start_with({f"{key}_asset": default, f"{key}_amount": ""})
    asset = st.segmented_control(
        "Asset",
        options=list(assets),
        required=True,
        key=f"{key}_asset",
        disabled=len(assets) == 1 or pending is not None,
    )
    st.caption(balance_caption(account, asset))
    with st.form(f"{key}_form", border=False):
        st.text_input(
            "Amount",
            key=asked_field(f"{key}_amount", pending is not None),
            placeholder=amount_placeholder(asset),
            disabled=pending is not None,
        )
        under_amount = st.container()
        st.form_submit_button(
            button,
            type="primary",
            icon=icon,
            key=f"{key}_submit",
            width="stretch",
            disabled=pending is not None,
            on_click=checked,
            args=(key, MOVEMENTS[kind], ACCOUNT_IDS[prefix], account.id, user_id),
        )
    if (refused := st.session_state.pop(f"{key}_refused", None)) is not None:  # by core, now or at Confirm
        if (where := amount_refusal(refused, under_amount)) is not None:
            field_error(where, refused.message)
        else:
            show_refusal(refused)
    if pending is not None:
        question = QUESTIONS[kind](md_escape(account.name), amount_text(pending.asset, pending.amount))
        confirmation(key, question, confirmed, (key, move, user_id), (f"{key}_amount",))
    return None


def moved(prefix: str, kind: str) -> LedgerEntry | None:
    """The ledger row Confirm's callback moved before this run, for the dialog to say and close (whatever the account
    holds now: a withdrawal of all it had leaves nothing to offer); None when nothing was moved.

    When Confirm was refused instead, the balances moved under the dialog (another admin withdrew, an order locked
    funds, the market maker was deactivated): a dialog reruns alone, so the page behind it still showed them as they
    were. The whole page runs again first, reading them anew, and draws the dialog again with the refusal."""
    if st.session_state.pop(f"{prefix}_{kind}_reread", False):
        st.rerun(scope="app")
    return st.session_state.pop(f"{prefix}_{kind}_done", None)


def nothing_to_withdraw(prefix: str) -> None:
    """The withdraw dialog's body once the account holds nothing any more (taken by another admin, or by orders
    meanwhile): the refusal of the Confirm that found it so, if that is how, and that there is nothing to take."""
    if (refused := st.session_state.pop(f"{prefix}_withdraw_refused", None)) is not None:
        show_refusal(refused)
    st.info("It holds nothing to withdraw any more.")


@signed_in
def checked(key: str, movement: TransactionType, account_kind: str, account_id: int, user_id: int) -> None:
    """The form's callback (Enter or its button), before the dialog's run draws it again: the amount as core reads
    it (for a withdrawal, within what is available now) waits for its Confirm, or core's refusal is kept for the form
    to show. ``account_kind``: the keyword ``check_movement`` names the account by (``ACCOUNT_IDS``)."""
    typed = st.session_state[f"{key}_amount"]
    asset_typed, account = st.session_state[f"{key}_asset"], {account_kind: account_id}
    try:
        with db_session() as db:
            asset, amount = check_movement(db, movement, asset_typed, typed, user_id, **account)
    except CoreError as exc:
        st.session_state[f"{key}_refused"] = exc
        return
    st.session_state[f"{key}_pending"] = Pending(new_token(), account_id, asset, amount)
    keep_asked(f"{key}_amount", typed)  # what the greyed form shows while it asks


def confirmation(key: str, question: str, on_confirm: Callable[..., None], args: tuple, fields: Sequence[str]) -> None:
    """Under a greyed form whose send waits at ``<key>_pending``: the sentence of what Confirm will do (Markdown,
    typed text in it escaped), with Back (to change what was typed: ``fields``, the keys of the form's fields drawn
    greyed) and Confirm (``on_confirm``, a callback). Escape closes the dialog, moving nothing, though the greyed
    field took the focus out of it (``ui.dialogs``)."""
    escape_closes()
    with st.container(border=True):
        st.markdown(question)
        back, confirm = st.columns(2)
        back.button("Back", key=f"{key}_back", width="stretch", on_click=back_to_form, args=(key, fields))
        confirm.button("Confirm", type="primary", key=f"{key}_confirm", width="stretch", on_click=on_confirm, args=args)


def back_to_form(key: str, fields: Sequence[str]) -> None:
    """Back's callback: the form again, its ``fields`` holding what was typed, to change it."""
    st.session_state.pop(f"{key}_pending", None)
    give_back(fields)


@signed_in
def confirmed(key: str, move: Move, user_id: int) -> None:
    """Confirm's callback: move the pending amount, once however many times Confirm was clicked; its ledger row is
    for the dialog's next run, a refusal goes back to the form, which still holds what was typed."""
    pending: Pending | None = st.session_state.pop(f"{key}_pending", None)
    if pending is None:
        return
    try:
        with db_session() as db:
            # the amount as core read it, written out exactly (never an exponent), so Confirm moves what it showed
            entry = send_once(
                pending.token, lambda: move(db, pending.account_id, pending.asset, f"{pending.amount:f}", user_id)
            )
    except CoreError as exc:
        st.session_state[f"{key}_refused"] = exc
        st.session_state[f"{key}_reread"] = True  # what the page shows may be what refused it: see ``moved``
        give_back((f"{key}_amount",))  # the form, holding what was typed
        return
    st.session_state[f"{key}_done"] = entry


def amount_refusal(exc: CoreError, under_amount: DeltaGenerator) -> DeltaGenerator | None:
    """Where a fund or withdraw dialog shows a refusal: a malformed amount, or more than is available, under the
    amount; anything else (a permission, an account deactivated meanwhile) under the button."""
    return under_amount if isinstance(exc, ValidationError | InsufficientFunds) else None


def first_available(account: Account, assets: Sequence[AssetType]) -> AssetType:
    """The asset a withdraw dialog opens on: the first the account has any of available."""
    return next((a for a in assets if account.available(a)), assets[0])
