"""The Fund and Withdraw dialogs' body, for any account that holds balances: a market maker or a trader firm.

Which assets a dialog offers and what it says when done is the page's; the form, what it shows of the chosen asset
and where a refusal goes are written once here.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Protocol

import streamlit as st
from sqlalchemy.orm import Session
from streamlit.delta_generator import DeltaGenerator

from core.enums import AssetType
from core.errors import CoreError, InsufficientFunds, ValidationError
from core.models import LedgerEntry
from ui.feedback import attempt
from ui.format import amount_text
from ui.runtime import db_session


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
    it shows); the amount is sent with Enter or the button, and a refusal of it shows right under it, which keeps
    what was typed. Widget keys are ``<prefix>_<kind>_…``."""
    st.markdown(heading)
    asset = st.segmented_control(
        "Asset",
        options=list(assets),
        default=default,
        required=True,
        key=f"{prefix}_{kind}_asset",
        disabled=len(assets) == 1,
    )
    st.caption(balance_caption(account, asset))
    with st.form(f"{prefix}_{kind}_form", border=False):
        amount = st.text_input("Amount", key=f"{prefix}_{kind}_amount", placeholder=amount_placeholder(asset))
        under_amount = st.container()
        sent = st.form_submit_button(button, type="primary", icon=icon, key=f"{prefix}_{kind}_submit", width="stretch")
    if not sent:
        return None
    with db_session() as db:
        return attempt(
            lambda: move(db, account.id, asset, amount, user_id), under=lambda exc: amount_refusal(exc, under_amount)
        )


def amount_refusal(exc: CoreError, under_amount: DeltaGenerator) -> DeltaGenerator | None:
    """Where a fund or withdraw dialog shows a refusal: a malformed amount, or more than is available, under the
    amount; anything else (a permission, an account deactivated meanwhile) under the button."""
    return under_amount if isinstance(exc, ValidationError | InsufficientFunds) else None


def first_available(account: Account, assets: Sequence[AssetType]) -> AssetType:
    """The asset a withdraw dialog opens on: the first the account has any of available."""
    return next((a for a in assets if account.available(a)), assets[0])
