"""Input parsing: exact money, whole certificates, clear refusals."""

import re
import unicodedata
from decimal import Decimal
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.enums import AssetType, MarketMakerType
from core.errors import ValidationError
from core.market_quality import parse_presence_target
from core.order_entry import parse_order_quantity
from core.users import USERNAME_RULE, parse_username
from core.validation import (
    parse_amount,
    parse_decimal,
    parse_enum,
    parse_eur,
    parse_id,
    parse_name,
    parse_notes,
    parse_price,
    parse_quantity,
    parse_whole_number,
    refuse_dot_grouped,
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


@pytest.mark.parametrize("typed", ["\uff11\uff10", "1_000"])
def test_a_quantity_in_other_digits_or_with_underscores_is_refused_without_a_word_of_decimals(typed):
    with pytest.raises(ValidationError) as refused:
        parse_quantity(typed, "EUA")

    # certificates are whole: "and a point for decimals" invited a 10.5 refused next
    assert refused.value.message == f"Quantity: type the number with the digits 0-9, got {typed!r}"


@pytest.mark.parametrize(
    ("typed", "hidden"), [("\u200b12", "U+200B ZERO WIDTH SPACE"), ("1,000\u2060", "U+2060 WORD JOINER")]
)
def test_a_number_pasted_with_an_invisible_character_is_refused_naming_it(typed, hidden):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, AssetType.CEA, "Quantity")

    assert refused.value.message == (
        f"Quantity contains an invisible character ({hidden}), as pasted text can: type the number without it"
    )
    assert refused.value.field == "Quantity"


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


@pytest.mark.parametrize(("typed", "value"), [("+5", 5), ("5.", 5), (" +1,000 ", 1000), ("5.00", 5)])
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
    assert parse_name("  Ωμέγα 🚀 ", "Name") == "Ωμέγα 🚀"
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


@pytest.mark.parametrize(
    ("typed", "hidden"),
    [
        ("Alpha\u200bBeta", "U+200B ZERO WIDTH SPACE"),  # reads as "AlphaBeta": a second firm looking like the first
        ("\ufeffNordic Carbon AB", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),  # a byte-order mark, pasted from a file
        ("Atlas \u202eytidiuqiL", "U+202E RIGHT-TO-LEFT OVERRIDE"),  # shown as "Atlas Liquidity"
        ("Cedar\u00adCarbon", "U+00AD SOFT HYPHEN"),
        ("Alpha\u200cBeta", "U+200C ZERO WIDTH NON-JOINER"),  # a joiner between Latin letters spells nothing
        ("\u0645\u06cc\u200d", "U+200D ZERO WIDTH JOINER"),  # ...nor at a name's end
    ],
)
def test_a_name_holding_an_invisible_character_is_refused_naming_it(typed, hidden):
    with pytest.raises(ValidationError) as refused:
        parse_name(typed, "Firm name")

    assert refused.value.message == (
        f"Firm name contains an invisible character ({hidden}), as pasted text can: type the name without it"
    )
    assert refused.value.field == "Firm name"


@pytest.mark.parametrize(
    "typed",
    [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Trading",  # Persian "I want": the non-joiner is spelling
        "\u0915\u094d\u200d\u0937 Carbon",  # Devanagari: a joiner shapes the conjunct
    ],
)
def test_a_zero_width_joiner_between_letters_of_a_script_that_spells_with_it_is_kept(typed):
    assert parse_name(typed, "Firm name") == typed


@pytest.mark.parametrize("typed", ["Padded  Firm", "Padded\u00a0Firm", " Padded \u2003 Firm "])
def test_a_name_reads_as_it_looks_every_run_of_spaces_one_space(typed):
    assert parse_name(typed, "Name") == "Padded Firm"


@pytest.mark.parametrize(
    ("typed", "word", "scripts"),
    [
        ("D\u0435mo Trading GmbH", "D\u0435mo", "Latin and Cyrillic"),  # a Cyrillic e
        ("\u0410tlas Liquidity", "\u0410tlas", "Cyrillic and Latin"),  # a Cyrillic A
        ("Ωmega Capital", "Ωmega", "Greek and Latin"),
        ("Carbon Tr\u0430d\u0435-Desk", "Tr\u0430d\u0435", "Latin and Cyrillic"),  # a hyphen parts two words
        ("A\u0392\u0421 Group", "A\u0392\u0421", "Latin, Greek and Cyrillic"),
        ("Москва北京", "Москва北京", "Cyrillic and Han"),
    ],
)
def test_a_name_with_a_word_mixing_alphabets_is_refused_naming_the_word_and_its_scripts(typed, word, scripts):
    with pytest.raises(ValidationError) as refused:
        parse_name(typed, "Firm name")

    assert refused.value.message == (
        f'Firm name "{typed}" mixes {scripts} letters in "{word}": type the word in one alphabet'
    )
    assert refused.value.field == "Firm name"


@pytest.mark.parametrize(
    "typed",
    [
        "北京碳排放权交易所",  # Han
        "Газпром Трейдинг",  # Cyrillic throughout
        "Газпром Trading",  # one script in each word
        "Sony株式会社",  # Latin and Han: TR39's Highly Restrictive allows it
        "LINEのスタンプ",  # Latin, Hiragana, Katakana
        "삼성Carbon",  # Hangul and Latin
        "Ωμέγα Capital",
        "Café Zürich AG",  # accents are Latin letters
        "O'Neil & Co. 2",  # punctuation and digits belong to no script
        "บริษัท ปตท. จำกัด",  # Thai AM, which NFKC splits, is how Thai is typed
    ],
)
def test_a_name_keeping_each_word_in_one_alphabet_or_in_east_asian_scripts_is_accepted(typed):
    assert parse_name(typed, "Firm name") == typed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "\U0001d403emo Trading GmbH",
            "'\U0001d403' is a mathematical bold capital D, not a plain 'D': type \"Demo Trading GmbH\"",
        ),
        (
            "\uff24emo Trading GmbH",
            "'\uff24' is a fullwidth Latin capital letter D, not a plain 'D': type \"Demo Trading GmbH\"",
        ),
        ("Pro\ufb01t Carbon", "'\ufb01' is a Latin small ligature fi, not a plain 'fi': type \"Profit Carbon\""),
        ("CO\u2082 Partners", "'\u2082' is a subscript two, not a plain '2': type \"CO2 Partners\""),
        ("\u2168 Allowances", "'\u2168' is a Roman numeral nine, not a plain 'IX': type \"IX Allowances\""),
    ],
)
def test_a_name_with_a_compatibility_character_is_refused_naming_it_and_what_it_stands_for(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_name(typed, "Firm name")

    assert refused.value.message == f'Firm name "{typed}": {message}'
    assert refused.value.field == "Firm name"


# every character NFKC changes in the first three planes (letters, symbols, CJK), but spaces (a name's run of spaces is
# one space), those NFC composes already, and Thai and Lao AM (typed as they are)
_COMPATIBILITY_CHARACTERS = [
    c
    for c in map(chr, range(0x30000))
    if unicodedata.normalize("NFKC", c) != c
    and unicodedata.normalize("NFC", c) == c
    and not c.isspace()
    and c not in "\u0e33\u0eb3"
    and not 0xD800 <= ord(c) <= 0xDFFF
]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=20), st.data())
def test_one_compatibility_character_anywhere_in_a_name_is_always_caught(word, data):
    at = data.draw(st.integers(0, len(word)))
    odd = data.draw(st.sampled_from(_COMPATIBILITY_CHARACTERS))

    with pytest.raises(ValidationError) as refused:
        parse_name(f"{word[:at]}{odd}{word[at:]} GmbH", "Firm name")

    assert f"{odd!r} is " in refused.value.message and ", not a plain " in refused.value.message


def test_a_name_typed_with_its_accent_apart_is_kept_as_the_one_letter_it_reads_as():
    assert parse_name("Cafe\u0301 Zu\u0308rich AG", "Firm name") == "Caf\u00e9 Z\u00fcrich AG"


_LATIN_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÄÖÜäöüßéè", min_size=1, max_size=12)
_CYRILLIC_WORDS = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗ", min_size=1, max_size=12)
_GREEK_WORDS = st.text(alphabet="αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΩ", min_size=1, max_size=12)


@given(st.lists(st.one_of(_LATIN_WORDS, _CYRILLIC_WORDS, _GREEK_WORDS), min_size=1, max_size=6))
def test_a_name_whose_every_word_keeps_to_one_alphabet_is_accepted_whatever_the_alphabets(words):
    assert parse_name(" ".join(words), "Firm name") == " ".join(words)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=20), st.data())
def test_one_cyrillic_look_alike_in_a_latin_word_is_always_caught(word, data):
    at = data.draw(st.integers(0, len(word)))
    spoofed = word[:at] + data.draw(st.sampled_from("\u0430\u0435\u043e\u0440\u0441\u0410\u0415\u041e")) + word[at:]

    with pytest.raises(ValidationError, match="mixes"):
        parse_name(f"{spoofed} GmbH", "Firm name")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "1.000",
            'Amount: "1.000" reads as 1000 in much of Europe and as 1 here: type 1000 or 1,000 (or 1.00 for €1.00)',
        ),
        (
            " €12.500 ",
            'Amount: "12.500" reads as 12500 in much of Europe and as 12.5 here: type 12500 or 12,500 '
            "(or 12.50 for €12.50)",
        ),
        ("1.000.000", 'Amount: "1.000.000" reads as 1000000 in much of Europe: type 1000000 or 1,000,000'),
    ],
)
def test_euros_typed_with_points_grouping_thousands_are_refused_as_ambiguous_saying_both_readings(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_eur(typed)

    assert refused.value.message == message
    assert refused.value.field == "Amount"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "1.000",
            'Quantity: "1.000" reads as 1000 in much of Europe and as 1 here: type 1000 or 1,000 (or 1 for 1 EUA)',
        ),
        ("2.500", 'Quantity: "2.500" reads as 2500 in much of Europe: type 2500 or 2,500'),  # 2.5 is no certificates
        ("1.000.000", 'Quantity: "1.000.000" reads as 1000000 in much of Europe: type 1000000 or 1,000,000'),
    ],
)
def test_certificates_typed_with_points_grouping_thousands_are_refused_in_the_words_of_euros(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_quantity(typed, "EUA")

    assert refused.value.message == message


@pytest.mark.parametrize(
    ("typed", "unit", "reading"),
    [
        ("1.000", "minutes", "(or 1 for 1 minute)"),
        ("2.000", "minutes", "(or 2 for 2 minutes)"),
        ("1.000", "EUA", "(or 1 for 1 EUA)"),
    ],
)
def test_a_point_grouped_count_of_one_minute_is_offered_as_1_minute_not_1_minutes(typed, unit, reading):
    with pytest.raises(ValidationError) as refused:
        refuse_dot_grouped(typed, "Max age (min)", unit)

    assert refused.value.message.endswith(reading)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1.00", Decimal("1.00")), ("0.500", Decimal("0.50")), ("1,000", Decimal("1000.00")), ("1000.000", Decimal(1000))],
)
def test_euros_with_a_point_that_groups_no_thousands_are_read_as_decimals(typed, amount):
    assert parse_eur(typed) == amount


@given(st.integers(1, 999), st.lists(st.integers(0, 999), min_size=1, max_size=3))
def test_every_number_written_with_points_grouping_thousands_is_refused_never_read(head, groups):
    typed = ".".join([str(head), *(f"{g:03d}" for g in groups)])

    with pytest.raises(ValidationError, match="in much of Europe"):
        parse_quantity(typed, "CEA")
    with pytest.raises(ValidationError, match="much of Europe" if len(groups) > 1 or groups[0] % 10 == 0 else "cents"):
        parse_eur(typed)  # "10.001" has a third decimal, refused as such


def test_a_required_presence_keeps_its_three_decimals_a_point_there_groups_no_thousands():
    assert parse_presence_target("12.500") == Decimal("12.5")


@pytest.mark.parametrize("typed", ["70.555", "0.001", "99.999"])
def test_a_required_presence_with_more_decimals_than_the_scorecard_writes_is_refused(typed):
    # against 70.555 % a market maker present 70.5556 % passed while its row read "70.55 %", cut to 2 decimals
    with pytest.raises(ValidationError, match=f"at most 2 decimals, as the scorecard writes a presence, got {typed}"):
        parse_presence_target(typed)


def test_a_required_presence_to_the_scorecards_two_decimals_is_taken():
    assert parse_presence_target("70.55") == Decimal("70.55")
    assert parse_presence_target("70.550") == Decimal("70.55")  # a zero typed after them adds no decimal


@pytest.mark.parametrize("typed", ["-0", "-0.0", "-0.00"])
def test_a_required_presence_of_minus_zero_is_zero_never_said_as_minus_zero(typed):
    presence = parse_presence_target(typed)

    assert presence == 0
    assert not str(presence).startswith("-")  # the scorecard read "meet the obligation of -0 % presence"


BLANK_TO_THE_EYE = [
    "\u200b",  # a zero-width space, pasted alone
    " \u200b\ufeff ",  # with a byte order mark and spaces
    "\u2060\u200e",  # a word joiner, a left-to-right mark
    "\u3164",  # the Hangul filler
    "\u2800",  # the braille blank
]


@pytest.mark.parametrize("typed", BLANK_TO_THE_EYE)
def test_notes_of_spaces_and_invisible_characters_alone_are_blank_not_an_empty_looking_note(typed):
    assert parse_notes(typed, 2000) is None


@pytest.mark.parametrize("typed", BLANK_TO_THE_EYE)
def test_a_name_of_spaces_and_invisible_characters_alone_is_asked_for_as_required(typed):
    with pytest.raises(ValidationError) as refused:
        parse_name(typed, "Firm name")

    assert refused.value.message == "Firm name is required"


@pytest.mark.parametrize("typed", BLANK_TO_THE_EYE)
def test_a_username_of_spaces_and_invisible_characters_alone_is_asked_for_as_required(typed):
    with pytest.raises(ValidationError) as refused:
        parse_username(typed)

    assert refused.value.message == "Username is required"


def test_notes_with_words_keep_them_invisible_characters_among_them_do_not_blank_them():
    assert parse_notes(" Feed\u200bfrozen ", 2000) == "Feed\u200bfrozen"


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Feed frozen, \u202eevil", "U+202E RIGHT-TO-LEFT OVERRIDE"),  # shown as "Feed frozen, live"
        ("Feed \u2067frozen\u2069", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ],
)
def test_notes_holding_a_character_that_shows_the_rest_reordered_are_refused_naming_it(typed, named):
    with pytest.raises(ValidationError) as refused:
        parse_notes(typed, 2000, "The reason")

    assert refused.value.message == (
        f"The reason: an invisible character ({named}), as pasted text can bring, shows the text after it reordered: "
        "type it without it"
    )
    assert refused.value.field == "The reason"


def test_notes_are_bounded():
    assert parse_notes("  ", 2000) is None
    with pytest.raises(ValidationError, match="at most 2,000"):
        parse_notes("n" * 2001, 2000)


@pytest.mark.parametrize("typed", ["14,03", "1,5", "1,25,0", "0,01"])
def test_a_decimal_comma_is_refused_rather_than_read_as_a_thousands_separator(typed):
    with pytest.raises(ValidationError, match="use a point for decimals"):
        parse_eur(typed, "Amount")


@pytest.mark.parametrize(
    ("parse", "typed", "message"),
    [
        (
            parse_eur,
            "1.000,50",
            "Amount: '1.000,50' is 1000.50 as much of Europe writes it, where a comma marks decimals; here a point "
            "does and a comma only groups thousands: type 1000.50 or 1,000.50",
        ),
        (
            parse_eur,
            "1.000.000,25",  # not "more than one decimal point": it has none, as it was meant
            "Amount: '1.000.000,25' is 1000000.25 as much of Europe writes it, where a comma marks decimals; here a "
            "point does and a comma only groups thousands: type 1000000.25 or 1,000,000.25",
        ),
        (
            partial(parse_quantity, certificate_type="EUA", what="Amount"),
            "1.000,00",  # was read as 1 certificate, and sent
            "Amount: '1.000,00' is 1000 as much of Europe writes it, where a comma marks decimals; here a point does "
            "and a comma only groups thousands: type 1000 or 1,000",
        ),
        (
            partial(parse_quantity, certificate_type="EUA", what="Amount"),
            "1.000,5",
            "Amount: '1.000,5' is 1000.5 as much of Europe writes it, where a comma marks decimals; EUA certificates "
            "are whole units",
        ),
        (
            parse_eur,
            "0.5,0",
            "Amount: a comma cannot come after the decimal point, got '0.5,0': a point marks decimals and a comma only "
            "groups thousands, like 1,250.50",
        ),
    ],
)
def test_a_comma_after_the_decimal_point_is_refused_never_dropped(parse, typed, message):
    # "1.000,00" read as 1 and "81.170,00" as 81.17: the comma after the point was dropped, unsaid
    with pytest.raises(ValidationError) as refused:
        parse(typed, what="Amount") if parse is parse_eur else parse(typed)

    assert refused.value.message == message


@given(st.text(alphabet="0123456789.,", min_size=1, max_size=12))
def test_a_comma_is_read_only_where_it_groups_thousands_and_then_only_dropped(typed):
    try:
        number = parse_decimal(typed, "Amount")
    except ValidationError:
        return
    grouping = re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d*)?", typed)
    assert "," not in typed or grouping, typed
    assert number == Decimal(typed.replace(",", ""))


@pytest.mark.parametrize("typed", ["375,180.13x", "1,000abc", "x1,5"])
def test_text_with_a_comma_that_is_no_number_at_all_is_refused_as_no_number_not_told_where_the_point_goes(typed):
    with pytest.raises(ValidationError, match=f"must be a number, got '{typed}'"):
        parse_eur(typed, "Amount")


@pytest.mark.parametrize(
    ("parse", "said"),
    [
        (lambda typed: parse_quantity(typed, "CEA"), "Quantity: CEA certificates are whole units"),
        (
            lambda typed: parse_whole_number(typed, "Max age (min)", 1, 10_080, "minutes"),
            "Max age (min): a whole number of minutes",
        ),
    ],
)
def test_a_comma_in_a_number_of_whole_units_is_never_advised_to_be_a_decimal_point(parse, said):
    with pytest.raises(ValidationError) as refused:
        parse("10,5")

    assert refused.value.message == f"{said} (a comma only groups thousands, like 1,000), got '10,5'"


@pytest.mark.parametrize("typed", ["1,000.5.5", "10.5.5", "1..5", "-1.2.3"])
def test_a_number_with_two_decimal_points_is_refused_saying_so_not_told_to_use_a_point(typed):
    with pytest.raises(ValidationError) as refused:
        parse_eur(typed, "Amount")

    assert refused.value.message == f"Amount has more than one decimal point, got '{typed}'"  # "use a point for…"


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
        (parse_eur, "9" * 100_000, "Amount is a 100,000-digit number, above the maximum"),
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


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("\u0430dmin", "'\u0430' is a Cyrillic letter, not a Latin one"),  # it reads "admin"
        ("\u03bfperator", "'\u03bf' is a Greek letter, not a Latin one"),
        ("\u0627dmin", "'\u0627' is an Arabic letter, not a Latin one"),  # never "a Arabic letter"
        ("ren\u00e9.m", "'\u00e9' is not one (a-z without accents)"),
        ("j doe", "a space is not one"),
        ("a%b", "'%' is not one"),
        ("j\tdoe", "a tab is not one"),
        # invisible: named, never shown as '\u200b', which says nothing to an admin
        ("j\u200bdoe", "U+200B ZERO WIDTH SPACE, an invisible character as pasted text can bring, is not one"),
        ("j\u202edoe", "U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character as pasted text can bring, is not one"),
        ("j\x85doe", "U+0085 CONTROL, an invisible character as pasted text can bring, is not one"),
        # no accent to take off: said as a name's compatibility character is
        ("\ufb01sher", "'\ufb01' is a Latin small ligature fi, not a plain 'fi'"),
        ("\uff4a.doe", "'\uff4a' is a fullwidth Latin small letter j, not a plain 'j'"),
    ],
)
def test_a_username_with_a_character_outside_latin_a_z_digits_and_signs_is_refused_naming_it(typed, why):
    with pytest.raises(ValidationError) as refused:
        parse_username(typed)

    assert refused.value.message == f"Username: {USERNAME_RULE}: {why}, got {typed!r}"
    assert "only Latin letters a-z" in USERNAME_RULE


def test_a_username_of_the_wrong_length_is_refused_with_the_rule_alone():
    with pytest.raises(ValidationError) as refused:
        parse_username("ab")

    assert refused.value.message == f"Username: {USERNAME_RULE}, got 'ab'"


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


@pytest.mark.parametrize(
    ("parse", "typed", "message"),
    [
        (parse_price, "1" * 30, "Price is a 30-digit number, above the maximum price of €1,000,000,000,000"),
        (partial(parse_quantity, certificate_type="EUA"), "9" * 30,
         "Quantity is a 30-digit number, above the maximum of 1,000,000,000,000 accepted in one operation"),
        (parse_eur, "123,456,789,012,345,678,901", "Amount is a 21-digit number, above the maximum of "
         "€1,000,000,000,000 accepted in one operation"),
        (parse_price, "0" * 20 + "2000000000000", "Price is a 13-digit number, above the maximum price of "
         "€1,000,000,000,000"),  # its zeros are no digits of it
        (parse_price, "2000000000000.5", "Price 2000000000000.5 is above the maximum price of €1,000,000,000,000"),
    ],
)  # fmt: skip
def test_an_amount_far_above_the_maximum_is_quoted_by_its_number_of_digits_not_digit_by_digit(parse, typed, message):
    with pytest.raises(ValidationError) as refused:
        parse(typed)

    assert refused.value.message == message
