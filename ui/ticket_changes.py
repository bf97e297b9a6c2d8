"""A ticket's before/after in words: "Side: Sell; Level 3; Price: €81.41; Quantity: 2 EUA" for the audit log.

One table, ``FIELDS``, says for every key the stored functions of sql/ write into a ticket's states (create_ticket
and the INSERTs into ticket_logs) how it reads: its label and how its value is written. Amounts read with their unit
when the ticket says which (its asset, its certificate type, its order's side); a user, a trader firm or a market
maker by its name and id, "Trader firm Demo Trading GmbH (#4)", as core read the names with the ticket. A key the
table does not know (an older ticket, a new action) still reads as words: its humanized name and its value. Nothing
here raises on what a state holds: a state is JSON, anything may be there.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.audit import NAMED_KEYS, TicketNames
from core.enums import AssetType, CertificateType, OrderSide
from ui import labels
from ui.format import amount_text, counted, eur, percent, price

LISTED_IDS = 6  # a longer list of ids reads as its first ones and how many more


@dataclass(frozen=True)
class Ticket:
    """What a value reads against: the whole ticket's state (both states merged) for its units, and the names of the
    users, trader firms and market makers it refers to (read with it)."""

    state: Mapping[str, Any]
    names: TicketNames


# a value as words, given its ticket; None: it cannot read this value
Formatter = Callable[[Any, Ticket], str | None]


@dataclass(frozen=True)
class Field:
    label: str
    show: Formatter
    joined: bool = False  # "Level 3", "Market maker #4": the label reads as one with its value, no colon


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _whole(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number == number.to_integral_value() else None


def _money(value: Any, _: Ticket) -> str | None:
    number = _number(value)
    return None if number is None else eur(number)


def _price(value: Any, _: Ticket) -> str | None:
    number = _number(value)
    return None if number is None else price(number)


def _certificate(state: Mapping[str, Any]) -> str | None:
    cert = state.get("certificate_type")
    return cert if isinstance(cert, str) and cert in {c.value for c in CertificateType} else None


def _certificates(value: Any, ticket: Ticket) -> str | None:
    """Whole certificates with their unit: "2 EUA", or "2 certificates" when the ticket names no book."""
    count = _whole(value)
    if count is None:
        return None
    cert = _certificate(ticket.state)
    return f"{count:,} {cert}" if cert else counted(count, "certificate")


def _asset(state: Mapping[str, Any]) -> str | None:
    asset = state.get("asset")
    return asset if isinstance(asset, str) and asset in {a.value for a in AssetType} else None


def _asset_amount(value: Any, ticket: Ticket) -> str | None:
    """An amount of the ticket's asset (a deposit, a withdrawal, a provisioning): €4,000.00 or 4,000 EUA."""
    number, asset = _number(value), _asset(ticket.state)
    if number is None:
        return None
    return amount_text(asset, number) if asset else f"{number:,f}"


def _order_lock(value: Any, ticket: Ticket) -> str | None:
    """What an order holds: euros for a buy, certificates of its book for a sell (a number when the ticket does not
    say which side it is)."""
    number = _number(value)
    if number is None:
        return None
    side = ticket.state.get("side")
    if side == OrderSide.BUY:
        return eur(number)
    if side == OrderSide.SELL:
        return _certificates(value, ticket)
    return f"{number:,f}"


def _count(noun: str | None = None) -> Formatter:
    def show(value: Any, _: Ticket) -> str | None:
        count = _whole(value)
        if count is None:
            return None
        return f"{count:,}" if noun is None else counted(count, noun)

    return show


def named(names: TicketNames, kind: str, ref: int, prefix: str = "") -> str:
    """A user, a trader firm or a market maker the ticket refers to: its name with its id, "Demo Trading GmbH (#4)";
    "#4" (or "user #1", with ``prefix``) when the ticket's read found no name for it."""
    name = names.of(kind, ref)
    return f"{prefix}#{ref}" if name is None else f"{_one_line(name)} (#{ref})"


def _id(prefix: str = "", kind: str | None = None) -> Formatter:
    """An id as the Object column writes one: "#4", or "user #1"; named when it is one of a ``kind`` of row."""

    def show(value: Any, ticket: Ticket) -> str | None:
        number = _whole(value)
        if number is None:
            return None
        return f"{prefix}#{number}" if kind is None else named(ticket.names, kind, number, prefix)

    return show


def _ids(kind: str | None = None) -> Formatter:
    """A list of ids, "#101, #102", its first ones and how many more when long; named when they are of a ``kind``."""

    def show(value: Any, ticket: Ticket) -> str | None:
        ids = [i for i in map(_whole, value) if i is not None] if isinstance(value, list) else []
        if not isinstance(value, list) or len(ids) < len(value):
            return None
        if not ids:
            return "none"
        shown = ", ".join(f"#{i}" if kind is None else named(ticket.names, kind, i) for i in ids[:LISTED_IDS])
        return shown if len(value) <= LISTED_IDS else f"{shown} and {len(value) - LISTED_IDS:,} more"

    return show


def _amounts(value: Any, ticket: Ticket) -> str | None:
    if not isinstance(value, list):
        return None
    shown = [_asset_amount(v, ticket) for v in value]
    return None if None in shown else ", ".join(shown)  # type: ignore[arg-type]


def _balances(value: Any, ticket: Ticket) -> str | None:
    """Initial balances per asset, {"EUR": 250000}: "€250,000.00", "500 CEA, 300 EUA"."""
    if not isinstance(value, Mapping):
        return None
    shown = [_asset_amount(amount, Ticket({"asset": asset}, ticket.names)) for asset, amount in value.items()]
    return None if None in shown else ", ".join(shown) or "none"  # type: ignore[arg-type]


def _yes_no(value: Any, _: Ticket) -> str | None:
    return {True: "Yes", False: "No"}.get(value) if isinstance(value, bool) else None


def _code(value: Any, _: Ticket) -> str | None:
    return labels.humanize(value) if isinstance(value, str) else None


def _side(value: Any, _: Ticket) -> str | None:
    return {"BUY": "Buy", "SELL": "Sell"}.get(value) if isinstance(value, str) else None


def _price_source(value: Any, _: Ticket) -> str | None:
    return labels.price_source(value) if isinstance(value, str) else None


def _percent(value: Any, _: Ticket) -> str | None:
    number = _number(value)
    return None if number is None else percent(number.normalize())


def _volatility(value: Any, _: Ticket) -> str | None:
    number = _number(value)
    return None if number is None else f"σ {percent(number * 100, 3)}"  # as the Create Liquidity preview writes it


def _multiplier(value: Any, _: Ticket) -> str | None:
    number = _number(value)
    return None if number is None else f"×{number.normalize():f}"


def _moment(value: Any, _: Ticket) -> str | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _one_line(text: str) -> str:
    return " ↵ ".join(text.splitlines())


def _text(value: Any, _: Ticket) -> str | None:
    """Typed text (a name, notes, a reason) on the change's one line: its line breaks marked, not taken."""
    return _one_line(value) if isinstance(value, str) else None


PROVISIONING = {"create_new": "New market makers", "fund_existing": "Existing market makers funded"}


def _provisioning(value: Any, _: Ticket) -> str | None:
    return PROVISIONING.get(value) if isinstance(value, str) else None


# every key a ticket's states hold (sql/: create_ticket's callers and the INSERTs into ticket_logs), in the order a
# change reads; a key in no state of an action costs nothing
FIELDS: dict[str, Field] = {
    # what the ticket is about
    "certificate_type": Field("Certificate", _text),
    "asset": Field("Asset", _text),
    "name": Field("Name", _text),
    "mm_type": Field("Type", _code),
    "action": Field("Provisioning", _provisioning),
    # an order (PLACE_ORDER, PLACE_LIQUIDITY_ORDER, CANCEL_ORDER)
    "side": Field("Side", _side),
    "order_type": Field("Order type", _code),
    "level": Field("Level", _count(), joined=True),
    "price": Field("Price", _price),
    "quantity": Field("Quantity", _certificates),
    "filled_quantity": Field("Filled", _certificates),
    "remaining_quantity": Field("Remaining", _certificates),
    "locked_amount": Field("Locked", _order_lock),
    "status": Field("Status", _code),
    # a liquidity operation (CREATE_LIQUIDITY)
    "price_source": Field("Price source", _price_source),
    "reference_price": Field("Reference price", _price),
    "target_bid_liquidity_eur": Field("BID target", _money),
    "target_ask_liquidity_eur": Field("ASK target", _money),
    "orders": Field("Orders", _count()),
    "market_makers": Field("Market makers", _count()),
    "spread_multiplier": Field("Spread", _multiplier),
    "volatility": Field("Volatility", _volatility),
    # what else it is tied to: after what it says, which a narrow column shows first
    "id": Field("Id", _id(), joined=True),
    "liquidity_operation_id": Field("Operation", _id(), joined=True),
    "operation_ticket_id": Field("Operation ticket", _text),
    "market_maker_id": Field("Market maker", _id(kind=NAMED_KEYS["market_maker_id"]), joined=True),
    "policy_id": Field("Policy", _id(), joined=True),
    # a balance (FUND_ACCOUNT, WITHDRAW_ACCOUNT), market makers created or provisioned
    "available": Field("Available", _asset_amount),
    "locked": Field("Locked", _asset_amount),
    "deposited": Field("Deposited", _asset_amount),
    "withdrawn": Field("Withdrawn", _asset_amount),
    "initial_balances": Field("Initial balances", _balances),
    "total": Field("Total", _asset_amount),
    "market_maker_ids": Field("Market makers", _ids(NAMED_KEYS["market_maker_ids"])),
    "amounts": Field("Amounts", _amounts),
    "is_active": Field("Active", _yes_no),
    # a withdrawal of liquidity (WITHDRAW_LIQUIDITY), the kill switch (PAUSE_LIQUIDITY, RESUME_LIQUIDITY)
    "open_orders": Field("Open orders", _ids()),
    "eur_locked": Field("EUR locked", _money),
    "certificates_locked": Field("Certificates locked", _certificates),
    "orders_cancelled": Field("Orders cancelled", _count()),
    "orders_withdrawn": Field("Orders withdrawn", _count()),
    "eur_unlocked": Field("EUR unlocked", _money),
    "certificates_unlocked": Field("Certificates unlocked", _certificates),
    "paused": Field("Paused", _yes_no),
    "paused_by": Field("Paused by", _id("user ", NAMED_KEYS["paused_by"]), joined=True),
    "paused_at": Field("Paused at", _moment),
    "policies_paused": Field("Policies paused", _ids()),
    "policies_resumed": Field("Policies resumed", _ids()),
    "reason": Field("Reason", _text),
    # a liquidity policy (SAVE_LIQUIDITY_POLICY: the policy's row before and after)
    "bid_depth_eur": Field("BID depth", _money),
    "ask_depth_eur": Field("ASK depth", _money),
    "refresh_tolerance_pct": Field("Refresh tolerance", _percent),
    "top_up_below_pct": Field("Top up below", _percent),
    "max_order_age_minutes": Field("Max order age", _count("minute")),
    "price_floor": Field("Price floor", _price),
    "price_ceiling": Field("Price ceiling", _price),
    "dynamic_spread": Field("Dynamic spread", _yes_no),
    "interval_seconds": Field("Runs every", _count("second")),
    "cron": Field("Schedule (cron)", _text),
    "enabled": Field("Enabled", _yes_no),
    "updated_by": Field("Saved by", _id("user ", NAMED_KEYS["updated_by"]), joined=True),
    "created_at": Field("Created at", _moment),
    "updated_at": Field("Saved at", _moment),
    "notes": Field("Notes", _text),
    # users (create_user_account, reset_user_password)
    "username": Field("Username", _text),
    "role": Field("Role", _code),
    "entity_id": Field("Trader firm", _id(kind=NAMED_KEYS["entity_id"]), joined=True),
}


def exact_json(value: Any) -> str:
    """A state, or a value of one, as JSON with its amounts exactly as recorded (250000.00, never 250000.0)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {exact_json(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(exact_json(v) for v in value) + "]"
    return json.dumps(value)  # text, whole numbers, true/false, null


def _plain(value: Any) -> str:
    """A value no field knows, as readable as it goes: Yes/No, a number or text as recorded, else JSON."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list) and len(value) > LISTED_IDS:
        return counted(len(value), "item")
    if isinstance(value, dict | list):
        return exact_json(value)
    return str(value)


def _value(key: str, value: Any, ticket: Ticket) -> str:
    if value is None:
        return "not set"
    field = FIELDS.get(key)
    shown = field.show(value, ticket) if field else None
    return _plain(value) if shown is None else shown


def _label(key: str) -> tuple[str, str]:
    """A key's label and what stands between it and its value."""
    field = FIELDS.get(key)
    if field is None:
        return labels.humanize(key), ": "
    return field.label, " " if field.joined else ": "


def _same(old: Any, new: Any) -> bool:
    """Whether a key kept its value; a signalling NaN (Decimal("sNaN")) refuses to be compared at all, so such values
    are compared as written."""
    try:
        return bool(old == new)
    except InvalidOperation:
        return exact_json(old) == exact_json(new)


def _part(key: str, before: Mapping[str, Any], after: Mapping[str, Any], ticket: Ticket) -> str | None:
    """One key of a change: "Label: old → new" when it changed, "Label: value" when only one state records it
    ("(before)" after it when that is the before), nothing when it did not change or is empty."""
    label, between = _label(key)
    if key in before and key in after:
        if _same(before[key], after[key]):
            return None
        return f"{label}{between}{_value(key, before[key], ticket)} → {_value(key, after[key], ticket)}"
    recorded = after.get(key, before.get(key))
    if recorded is None or recorded in ({}, []):
        return None  # an empty key says nothing: a liquidity operation with no policy, a withdrawal with no reason
    return f"{label}{between}{_value(key, recorded, ticket)}" + ("" if key in after else " (before)")


def describe_change(before: Any, after: Any, names: TicketNames | None = None) -> str:
    """A ticket's before/after as one readable line, its parts in ``FIELDS`` order (any other key after them):
    "Available: €500,111.83 → €499,111.83; Withdrawn: €1,000.00". Unchanged keys are left out. A user, a trader firm
    or a market maker it refers to reads by the name ``names`` (read with the ticket) has for it, with its id."""
    if before is None and after is None:
        return ""
    if not isinstance(before, Mapping | None) or not isinstance(after, Mapping | None):
        if before is None or after is None:
            return _plain(after if before is None else before)
        return f"{_plain(before)} → {_plain(after)}"
    before, after = before or {}, after or {}
    ticket = Ticket({**before, **after}, names or TicketNames())
    order = {key: i for i, key in enumerate(FIELDS)}
    keys = sorted(ticket.state, key=lambda k: order.get(k, len(order)))  # stable: unknown keys keep their order
    parts = (_part(key, before, after, ticket) for key in keys)
    return "; ".join(p for p in parts if p)
