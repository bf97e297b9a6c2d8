"""Display formatting for money, quantities and user-entered text (display only; never fed back into calculations)."""

import re
from decimal import Decimal

# Markdown and Streamlit directives (:red[...], :material/x:, $math$) that typed text must not trigger.
# Bare URLs still render as links to themselves (GFM autolinks ignore escapes), which hides nothing.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$])")


def eur(value: Decimal | int | None) -> str:
    return "—" if value is None else f"€{Decimal(value):,.2f}"


def units(value: Decimal | int | None) -> str:
    return "—" if value is None else f"{int(value):,}"


def md_escape(text: str) -> str:
    """Text a user typed (a name), shown through Markdown exactly as typed: no emphasis, links or colours."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
