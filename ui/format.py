"""Display formatting for money, quantities and user-entered text (display only; never fed back into calculations)."""

import re
from decimal import Decimal

# Markdown and Streamlit directives (:red[...], :material/x:, $math$) that typed text must not trigger.
# Bare URLs still render as links to themselves (GFM autolinks ignore escapes), which hides nothing.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$])")


def eur(value: Decimal | int | None) -> str:
    return "—" if value is None else f"€{Decimal(value):,.2f}"


def price(value: Decimal | int | None) -> str:
    """A price: cents as usual (€81.00), more decimals only where the value has them (a mid of €80.005),
    never padding zeros (no €81.0000)."""
    if value is None:
        return "—"
    exact = Decimal(value).normalize()
    places = max(2, -exact.as_tuple().exponent) if isinstance(exact.as_tuple().exponent, int) else 2
    return f"€{Decimal(value):,.{places}f}"


def units(value: Decimal | int | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def md_escape(text: str) -> str:
    """Text a user typed (a name), shown through Markdown exactly as typed: no emphasis, links or colours."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
