"""Display formatting: money, whole units, and typed text kept literal under Markdown."""

from decimal import Decimal

import pytest

from ui import labels
from ui.format import clipped, eur, md_escape, md_escape_lines, percent, price, signed_amount_text, units


@pytest.mark.parametrize(("value", "text"), [(Decimal("1234.5"), "€1,234.50"), (0, "€0.00"), (None, "—")])
def test_euros_show_cents_and_thousands(value, text):
    assert eur(value) == text


def test_units_are_whole_with_thousands():
    assert (units(Decimal("40000")), units(None)) == ("40,000", "—")


@pytest.mark.parametrize(
    ("asset", "change", "text"),
    [
        ("EUR", Decimal("-1000.00"), "-€1,000.00"),  # the sign before the unit, as "-1.25 %" before its number
        ("EUR", Decimal("0.01"), "+€0.01"),
        ("CEA", Decimal("-150"), "-150 CEA"),
        ("EUA", Decimal("2500"), "+2,500 EUA"),
        ("EUR", Decimal(0), "€0.00"),
    ],
)
def test_an_amount_that_moved_says_its_direction_with_its_sign(asset, change, text):
    assert signed_amount_text(asset, change) == text


@pytest.mark.parametrize(
    ("value", "places", "signed", "text"),
    [
        (Decimal("0.70"), None, False, "0.70 %"),  # the digits the value has
        (Decimal("2"), None, False, "2 %"),
        (Decimal("1234.5"), None, False, "1,234.5 %"),
        (Decimal("16.63"), 1, False, "16.6 %"),
        (Decimal("1.25"), 2, True, "+1.25 %"),
        (Decimal("-1.25"), 2, True, "-1.25 %"),
        (Decimal("0"), 1, False, "0.0 %"),
        (Decimal("81.58") / Decimal("199614.84") * 100, 1, False, "< 0.1 %"),  # traded, but too little to round up
        (Decimal("-0.004"), 2, False, "> -0.01 %"),
        (0.5, 0, False, "< 1 %"),
        (None, 1, False, "—"),
    ],
)
def test_percentages_are_written_one_way_and_a_sliver_is_never_zero(value, places, signed, text):
    assert percent(value, places, signed=signed) == text


ZW = "\u200b"  # the invisible break md_escape puts where an autolink would start
WJ = "\u2060"  # the invisible joiner md_escape puts inside what Streamlit would make a dash or an arrow


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("Atlas Liquidity", "Atlas Liquidity"),
        ("*Bold* _it_", r"\*Bold\* \_it\_"),
        (":red[alert] :material/home:", rf"\:{ZW}red\[alert\] \:{ZW}material/home\:"),
        ("Amount: EUR amounts", r"Amount\: EUR amounts"),  # nothing starts at a colon before a space: no break
        ("at 22:41:56 UTC", r"at 22\:41\:56 UTC"),  # a time is copied without invisible characters
        (":100: :1st_place_medal: :8ball:", rf"\:{ZW}100\: \:{ZW}1st\_place\_medal\: \:{ZW}8ball\:"),
        ("[x](http://e.vil) $x$ a\\b", rf"\[x\]\(http\:{ZW}//e\.vil\) \$x\$ a\\b"),
        ("www.example.invalid", rf"www{ZW}\.example\.invalid"),
        ("ceo@example.invalid", rf"ceo@{ZW}example\.invalid"),
        ("x'; DROP TABLE x; -- y", rf"x'; DROP TABLE x; \-{WJ}\- y"),  # Streamlit showed "x; — y"
        ("a -> b <- c <-> d", rf"a \-{WJ}\> b \<{WJ}\- c \<{WJ}\-\> d"),
        ("1 >= 2 <= 3 ~= 4", rf"1 \>{WJ}= 2 \<{WJ}= 3 \~{WJ}= 4"),
        ("x--y a->b", r"x\-\-y a\-\>b"),  # only between spaces does Streamlit replace them
    ],
)
def test_typed_names_cannot_format_the_page(name, escaped):
    assert md_escape(name) == escaped


def test_a_note_of_several_lines_keeps_each_line_escaped_and_each_break_as_a_hard_break():
    typed = "# Not a title\r\n* not a bullet\n\n1. not a list"

    assert md_escape_lines(typed) == "\\# Not a title  \n\\* not a bullet  \n  \n1\\. not a list"


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("81.0000"), "€81.00"), (Decimal("80.0050"), "€80.005"), (Decimal("14"), "€14.00"), (None, "—")],
)
def test_prices_show_cents_and_more_decimals_only_where_they_are(value, text):
    assert price(value) == text


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (labels.cancel_reason("USER"), "Cancelled by its owner"),
        (labels.cancel_reason("USER", market_maker=True), "Cancelled by an admin"),  # a market maker has no traders
        (labels.cancel_reason("WITHDRAWAL", market_maker=True), "Liquidity withdrawn"),
        (labels.cancel_reason("MARKET_REMAINDER"), "Market order: unfilled rest cancelled"),
        (labels.cancel_reason(None), ""),
        (labels.price_source("last_trade"), "Last trade"),
        (labels.action("CREATE_LIQUIDITY"), "Create liquidity"),
        (labels.action("CREATE_ENTITY"), "Create trader firm"),
        (labels.action("CREATE_USER"), "Add user"),
        (labels.action("DEACTIVATE_USER"), "Deactivate user"),
        (labels.action("RESET_USER_PASSWORD"), "Reset password"),
        (labels.humanize("PARTIALLY_FILLED"), "Partially filled"),
        (labels.humanize(None), ""),
    ],
)
def test_codes_read_as_words(code, text):
    assert code == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Feed stale", "Feed stale"),
        ("Feed stale since the open, investigating", "Feed stale since…"),
        ("x" * 30, "x" * 19 + "…"),
    ],
)
def test_a_clipped_text_is_whole_when_short_else_cut_at_a_word_with_an_ellipsis(text, shown):
    assert clipped(text, 20) == shown
