"""Input parsing: exact money, whole certificates, clear refusals."""

from decimal import Decimal
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.enums import AssetType, MarketMakerType
from core.errors import ValidationError
from core.order_entry import parse_order_quantity
from core.users import parse_username
from core.validation import (
    parse_amount,
    parse_enum,
    parse_eur,
    parse_id,
    parse_name,
    parse_notes,
    parse_price,
    parse_quantity,
)


def test_enums_accept_members_and_plain_strings():
    assert parse_enum(MarketMakerType, "liquidity_provider", "type") is MarketMakerType.LIQUIDITY_PROVIDER
    assert parse_enum(AssetType, AssetType.EUA, "asset") is AssetType.EUA


def test_unknown_enum_values_name_the_allowed_ones():
    with pytest.raises(ValidationError, match="expected one of EUR, CEA, EUA"):
        parse_enum(AssetType, "BTC", "asset type")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", Decimal("10.00")),
        (Decimal("0.01"), Decimal("0.01")),
        (0.1, Decimal("0.10")),
        ("1,000.50", Decimal("1000.50")),
    ],
)
def test_eur_amounts_are_exact_cents(value, expected):
    assert parse_eur(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0", "greater than zero"),
        (-1, "greater than zero"),
        ("NaN", "finite"),
        (float("inf"), "finite"),
        ("2000000000000", "maximum"),
        ("1e3", "type the number in full"),  # a slip of the finger, not €1,000.00
        ("1.001", "2 decimals"),
        ("abc", "must be a number"),
        (None, "required"),
        (True, "required"),
        ("", "Amount is required: enter a number"),  # an empty field: not "must be a number, got ''"
        ("   ", "Amount is required: enter a number"),
        ([1], "must be a number"),
    ],
)
def test_bad_eur_amounts_are_refused_with_the_reason(value, fragment):
    with pytest.raises(ValidationError, match=fragment):
        parse_eur(value)


@pytest.mark.parametrize("typed", ["١٢", "\uff11\uff12", "1_000", "1__0_0"])  # Decimal reads each as 12 or 1000
def test_numbers_in_other_scripts_or_with_underscores_are_refused_as_typed(typed):
    with pytest.raises(ValidationError, match=f"digits 0-9 and a point for decimals, got '{typed}'"):
        parse_eur(typed)


def test_a_leading_euro_sign_is_read_in_a_euro_amount_only():
    assert parse_eur(" €1,250.50 ") == Decimal("1250.50")
    assert parse_amount("€100", AssetType.EUR) == Decimal("100.00")  # the fund and withdraw dialogs refused it
    with pytest.raises(ValidationError, match="counts CEA certificates, not euros"):
        parse_amount("€100", AssetType.CEA)


@pytest.mark.parametrize("typed", ["€10", " € 10 ", "10 €", "10€"])
def test_a_euro_sign_in_a_number_of_certificates_is_refused_saying_to_type_the_number_alone(typed):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, AssetType.EUA, "Quantity")

    assert refused.value.message == (
        f"Quantity counts EUA certificates, not euros: type the number without €, got '{typed.strip()}'"
    )


@pytest.mark.parametrize(("typed", "value"), [("81.17 €", Decimal("81.17")), ("1,250€", Decimal("1250"))])
def test_a_euro_amount_may_end_with_the_euro_sign_as_much_of_europe_writes_it(typed, value):
    assert parse_eur(typed, "Price") == value


@pytest.mark.parametrize("typed", ["€", " € "])
def test_a_euro_sign_alone_is_refused_as_no_number_not_as_an_empty_field(typed):
    with pytest.raises(ValidationError) as refused:
        parse_eur(typed)

    assert refused.value.message == f"Amount must be a number, got {typed.strip()!r}"  # the field is not empty


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1 000", "type 1000 or 1,000, without spaces, got '1 000'"),
        (" 12 500.50 ", "type 12500.50 or 12,500.50, without spaces, got '12 500.50'"),
        ("1\u00a0000", "type 1000 or 1,000, without spaces, got '1 000'"),  # a no-break space, quoted as it looks
        ("1\u202f000", "type 1000 or 1,000, without spaces, got '1 000'"),  # the narrow one of a French locale
        ("1 5", "type the number without spaces, got '1 5'"),  # two numbers, never read as 15
        ("12 50", "type the number without spaces, got '12 50'"),  # no thousands grouped: nothing to suggest
    ],
)
@pytest.mark.parametrize("asset", [AssetType.EUR, AssetType.EUA], ids=["euros", "certificates"])
def test_a_number_with_spaces_in_it_is_refused_saying_what_to_type_instead(typed, message, asset):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, asset, "Quantity")

    assert refused.value.message == f"Quantity: {message}"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1 000", "Quantity: type 1000 or 1,000, without spaces, got '1 000'"),
        ("€10", "Quantity counts CEA certificates, not euros: type the number without €, got '€10'"),
    ],
)
def test_the_cash_market_quantity_says_what_to_type_instead_of_a_spaced_number_or_a_euro_amount(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_order_quantity(typed, "CEA")

    assert refused.value.message == message


@pytest.mark.parametrize("typed", ["ten grand", "1 000 EUA"])
def test_words_with_spaces_are_no_number_with_or_without_them(typed):
    with pytest.raises(ValidationError) as refused:
        parse_eur(typed)

    assert refused.value.message == f"Amount must be a number, got '{typed}'"


@pytest.mark.parametrize(("typed", "value"), [("+5", 5), ("5.", 5), (" +1,000 ", 1000), ("5.000", 5)])
def test_a_plus_sign_or_a_trailing_point_is_read_in_a_number_of_certificates(typed, value):
    assert parse_quantity(typed, "EUA") == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (".5", "Quantity: EUA certificates are whole units, got .5"),
        ("+.5", "Quantity: EUA certificates are whole units, got +.5"),
        ("1e3", "Quantity: type the number in full, like 1000 (no exponent), got '1e3'"),
    ],
)
def test_a_fraction_or_an_exponent_in_a_number_of_certificates_is_refused_with_its_reason(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, AssetType.EUA, "Quantity")

    assert refused.value.message == message


@pytest.mark.parametrize("cert", ["EUA", "CEA"])
def test_a_refused_quantity_names_the_certificates_of_its_own_book(cert):
    with pytest.raises(ValidationError, match=f"Quantity: {cert} certificates are whole units"):
        parse_quantity("2.5", cert)


def test_zero_is_accepted_only_where_allowed():
    assert parse_eur("0", allow_zero=True) == Decimal("0.00")


def test_certificates_are_whole_units():
    assert parse_amount("7", AssetType.CEA) == Decimal(7)
    assert parse_quantity(Decimal("3.0"), "CEA") == 3
    with pytest.raises(ValidationError, match="whole units"):
        parse_amount("7.5", AssetType.EUA)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2))
def test_every_two_decimal_amount_round_trips_exactly(value):
    assert parse_eur(str(value)) == value


@pytest.mark.parametrize("value", [0, -3, "x", 1.0, True, "1; DROP TABLE users", "²", "-5", "000"])
def test_ids_are_positive_integers(value):  # "²" is a digit to str.isdigit and no number to int()
    with pytest.raises(ValidationError, match="positive integer id"):
        parse_id(value, "Market maker id")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2**63, "9223372036854775808"),
        (str(2**63), "9223372036854775808"),
        (" 99999999999999999999999 ", "99999999999999999999999"),
        ("9" * 5_000, "999999999999999999999999999999… (5,000 characters)"),  # int() takes at most 4,300 digits
    ],
    ids=["int", "text", "padded text", "long paste"],
)
def test_an_id_past_the_largest_bigint_is_refused_as_too_large_not_as_no_id(value, shown):
    with pytest.raises(ValidationError) as refused:
        parse_id(value, "Object id")

    assert refused.value.message == f"Object id {shown} is too large: ids go up to 9,223,372,036,854,775,807"


@pytest.mark.parametrize(("typed", "number"), [(str(2**63 - 1), 2**63 - 1), (" 0042 ", 42), ("0" * 30 + "7", 7)])
def test_the_largest_bigint_and_leading_zeros_are_ids(typed, number):
    assert parse_id(typed, "Object id") == number


def test_names_are_trimmed_and_bounded():
    assert parse_name("  Ωmega 🚀 ", "Name") == "Ωmega 🚀"
    with pytest.raises(ValidationError, match="at most 200"):
        parse_name("x" * 201, "Name")
    with pytest.raises(ValidationError, match="required"):
        parse_name("   ", "Name")
    with pytest.raises(ValidationError, match="control characters"):
        parse_name("a\x00b", "Name")


@pytest.mark.parametrize(
    ("parse", "message"),
    [
        (lambda: parse_name("x" * 5_000, "Trader firm name"), "Trader firm name: at most 200 characters, got 5,000"),
        (lambda: parse_notes("x" * 5_000, 2_000), "Notes: at most 2,000 characters, got 5,000"),
    ],
)
def test_text_past_its_limit_is_refused_with_both_counts_grouped_in_one_wording(parse, message):
    with pytest.raises(ValidationError) as refused:
        parse()

    assert refused.value.message == message


@pytest.mark.parametrize("typed", ["Padded  Firm", "Padded\u00a0Firm", " Padded \u2003 Firm "])
def test_a_name_reads_as_it_looks_every_run_of_spaces_one_space(typed):
    assert parse_name(typed, "Name") == "Padded Firm"


def test_notes_are_bounded():
    assert parse_notes("  ", 2000) is None
    with pytest.raises(ValidationError, match="at most 2,000"):
        parse_notes("n" * 2001, 2000)


@pytest.mark.parametrize("typed", ["14,03", "1,5", "1,25,0", "0,01"])
def test_a_decimal_comma_is_refused_rather_than_read_as_a_thousands_separator(typed):
    with pytest.raises(ValidationError, match="use a point for decimals"):
        parse_eur(typed, "Amount")


@pytest.mark.parametrize(("typed", "value"), [("1,250", Decimal("1250")), ("1,250,000.50", Decimal("1250000.50"))])
def test_commas_grouping_thousands_are_read_as_such(typed, value):
    assert parse_eur(typed, "Amount") == value


@pytest.mark.parametrize(("typed", "value"), [("€250,000", Decimal("250000")), (" € 81.17 ", Decimal("81.17"))])
def test_a_euro_amount_may_start_with_the_euro_sign_as_the_price_in_the_order_entry_may(typed, value):
    assert parse_eur(typed, "Your amount") == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2000000000000", "Amount 2000000000000 is above the maximum"),
        ("2,000,000,000,000", "Amount 2,000,000,000,000 is above the maximum"),  # not 2E+12
        ("-0.00", "Amount must be greater than zero, got -0.00"),  # not -0
        (" 10.001 ", "Amount: EUR amounts have at most 2 decimals (cents), got 10.001"),
    ],
)
def test_a_refusal_quotes_the_amount_as_it_was_typed(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_eur(typed)

    assert refused.value.message.startswith(message)


@pytest.mark.parametrize(
    ("parse", "typed", "message"),
    [
        (parse_eur, "9" * 100_000, "Amount 999999999999999999999999999999… (100,000 characters) is above the maximum"),
        (parse_eur, "x" * 5_000, "Amount must be a number, got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (5,000 characters)'"),
        (parse_eur, "abc", "Amount must be a number, got 'abc'"),  # short: quoted whole
        (partial(parse_id, what="Object id"), "7" * 5_000,
         "Object id 777777777777777777777777777777… (5,000 characters) is too large"),
    ],
)  # fmt: skip
def test_a_refusal_quotes_a_long_paste_by_its_start_and_its_length(parse, typed, message):
    with pytest.raises(ValidationError) as refused:
        parse(typed)

    assert refused.value.message.startswith(message) and len(refused.value.message) < 200


@pytest.mark.parametrize("typed", ["j.doe", "A1_b-2", "abc", " ann.lee "])
def test_a_new_username_starting_and_ending_with_a_letter_or_digit_is_kept_trimmed(typed):
    assert parse_username(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["admin.", ".admin", "-trader-", "__x", "ab_"])
def test_a_new_username_starting_or_ending_with_a_sign_is_refused_as_a_look_alike_in_waiting(typed):
    with pytest.raises(ValidationError, match="starts and ends with a letter or a digit"):
        parse_username(typed)


def test_a_price_above_the_maximum_is_refused_as_a_price_and_an_amount_as_one_operations():
    with pytest.raises(ValidationError) as price:
        parse_price("€2,000,000,000,000")
    with pytest.raises(ValidationError) as amount:
        parse_eur("2,000,000,000,000")

    assert price.value.message == "Price 2,000,000,000,000 is above the maximum price of €1,000,000,000,000"
    assert amount.value.message.endswith("is above the maximum of €1,000,000,000,000 accepted in one operation")
    assert parse_price(" 81.17 € ") == Decimal("81.17")
