"""Display formatting for money and quantities (display only; never fed back into calculations)."""

from decimal import Decimal


def eur(value: Decimal | int | None) -> str:
    return "—" if value is None else f"€{Decimal(value):,.2f}"


def units(value: Decimal | int | None) -> str:
    return "—" if value is None else f"{int(value):,}"
