"""Display formatting: money, whole units, and typed text kept literal under Markdown."""

from decimal import Decimal

import pytest

from ui.format import eur, md_escape, units


@pytest.mark.parametrize(("value", "text"), [(Decimal("1234.5"), "€1,234.50"), (0, "€0.00"), (None, "—")])
def test_euros_show_cents_and_thousands(value, text):
    assert eur(value) == text


def test_units_are_whole_with_thousands():
    assert (units(Decimal("40000")), units(None)) == ("40,000", "—")


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("Atlas Liquidity", "Atlas Liquidity"),
        ("*Bold* _it_", r"\*Bold\* \_it\_"),
        (":red[alert] :material/home:", r"\:red\[alert\] \:material/home\:"),
        ("[x](http://e.vil) $x$ a\\b", r"\[x\]\(http\://e\.vil\) \$x\$ a\\b"),
    ],
)
def test_typed_names_cannot_format_the_page(name, escaped):
    assert md_escape(name) == escaped
