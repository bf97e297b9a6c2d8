"""Words for the codes the database stores: what a person reads instead of USER, MARKET_REMAINDER or None.

One home for every label, so the Cash Market, Operations and Market Makers pages say the same thing.
"""

from enum import StrEnum

CANCEL_REASONS = {
    "USER": "Cancelled by its owner",
    "WITHDRAWAL": "Liquidity withdrawn",
    "SELF_TRADE": "Met an own order (self-trade prevention)",
    "MARKET_REMAINDER": "Market order: unfilled rest cancelled",
    "DEACTIVATION": "Market maker deactivated",
}
# USER on a market maker's order: a market maker has no traders of its own, and an admin alone cancels its orders
# (core.orders.cancel_order; a firm's orders only its traders), so "its owner" would name the wrong person
CANCELLED_BY_ADMIN = "Cancelled by an admin"
PRICE_SOURCES = {
    "mid": "Mid of bid and ask",
    "last_trade": "Last trade",
    "previous_run": "Previous run",
    "default": "Configured default",
}
# the same, with why that source was chosen (where a reference price is explained)
PRICE_SOURCES_EXPLAINED = {
    "mid": "Mid of best bid and best ask",
    "last_trade": "Last trade (one side of the book is empty)",
    "previous_run": "The policy's previous reference (no bid and ask but its own, and no trade yet)",
    "default": "Configured default price (no bid and ask to take a mid from, and no trade yet)",
}
ACTIONS = {
    "PLACE_LIQUIDITY_ORDER": "Place liquidity order",
    "WITHDRAW_LIQUIDITY": "Withdraw liquidity",
    "CREATE_ENTITY": "Create trader firm",
    "RENAME_ENTITY": "Rename trader firm",
    "CREATE_USER": "Add user",
    "RESET_USER_PASSWORD": "Reset password",
    "CHANGE_PASSWORD": "Change own password",
}


def humanize(code: str | StrEnum | None) -> str:
    """A code as words: PARTIALLY_FILLED → "Partially filled", liquidity_operation → "Liquidity operation"."""
    if code is None or str(code) == "":
        return ""
    words = str(code).replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:]


def cancel_reason(code: str | None, *, market_maker: bool = False, by: str | None = None) -> str:
    """Why an order was cancelled, and by whom when known (``by``, the username orders.cancelled_by names: none for
    the engine's own cancels and for orders cancelled before revision 0035); empty for an order that was not.
    ``market_maker``: the order is a market maker's, whose cancel by a person was an admin's."""
    if code is None:
        return ""
    if code == "USER" and by is not None:
        return f"Cancelled by {by}"
    if market_maker and code == "USER":
        return CANCELLED_BY_ADMIN
    why = CANCEL_REASONS.get(code, humanize(code))
    return why if by is None else f"{why} (by {by})"


def price_source(code: str | None, *, explained: bool = False) -> str:
    """Where a reference price came from; ``explained`` adds why that source was the one."""
    words = PRICE_SOURCES_EXPLAINED if explained else PRICE_SOURCES
    return "" if code is None else words.get(code, humanize(code))


def action(code: str | None) -> str:
    """An audit action: CREATE_MARKET_MAKER → "Create market maker"."""
    return "" if code is None else ACTIONS.get(code, humanize(code))
