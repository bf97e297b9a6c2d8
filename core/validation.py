"""Input parsing shared by every core function: turn what a caller passes into exact, checked values.

Each parser raises ``ValidationError`` with a message naming the field and the rule it broke.
Money arrives as Decimal, int or str (floats are accepted only through their shortest repr, so
``0.1`` means 0.1, never 0.1000000000000000055...).
"""

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import ParamSpec, TypeVar

from core.enums import AssetType
from core.errors import InvalidFields, ValidationError
from core.sql_files import sql_constant
from core.wording import a_or_an, counted, listed

E = TypeVar("E", bound=StrEnum)
P = ParamSpec("P")
T = TypeVar("T")

EUR_QUANTUM = Decimal("0.01")
_ID_TEXT = re.compile(r"[0-9]+")  # ASCII digits only: "²" is a digit to str.isdigit and no number to int()
ID_MAX = 2**63 - 1  # a bigint, the type of every id column
# digits and commas with two points or more ("1,000.5.5"): a number typed with one point too many
_POINTED_NUMBER = re.compile(r"[+-]?(?=[\d,.]*\d)[\d,]*(\.[\d,]*){2,}")
# the largest amount a person may ask for in one action: SQL's max_amount(), the one source, which the stored
# functions refuse past too (amount_above_maximum)
MAX_AMOUNT: Decimal = sql_constant("max_amount.sql")
# thousands grouped with commas ("1,250" or "1,250.50"); any other comma is a decimal comma, refused
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
# a number in exponent notation ("1e3", "2.5E-2"): Decimal reads it, a desk never types it on purpose
_EXPONENT_NUMBER = re.compile(r"[+-]?(?=\.?\d)[\d,]*(\.\d*)?[eE][+-]?\d+")  # no nested repeats: linear on 10⁵ digits
# thousands grouped with spaces ("1 000", "12 500.50", a no-break space too): what to type instead can be said
_SPACED_NUMBER = re.compile(r"[+-]?\d{1,3}(\s\d{3})+(\.\d*)?")
# thousands grouped with points ("1.000", "12.500", "1.000.000"), as much of Europe writes them: here a point is the
# decimal point, so "1.000" would be read as 1 by a person who meant a thousand
_DOT_GROUPED_NUMBER = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")
# a number as much of Europe writes it: points grouping thousands, a decimal comma ("1.000,50", "81.170,00")
_EUROPEAN_NUMBER = re.compile(r"[+-]?\d{1,3}(\.\d{3})+,\d+")
# digits with points and commas in any other order ("0.5,0", "1,2.3,4"): a number, written no way that is read here
_MIXED_MARKS = re.compile(r"[+-]?[\d.,]*\d[\d.,]*")
# what is left of a number once its spaces go: digits, commas, a point, an exponent ("ten grand" is no number)
_NUMBER_CHARACTERS = re.compile(r"[+-]?(?=[.,]*\d)[\d,]*(\.\d*)?([eE][+-]?\d+)?")
EURO_SIGN = "€"
# a word of a name: a run of letters and the marks on them ("Desk" in "Desk-Trading GmbH")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# the first word of a letter's Unicode name that is not its script: such letters belong to any script (Common)
_NO_SCRIPT = frozenset({"MODIFIER", "VERTICAL", "CARON", "VEDIC", "TURNED", "ROMAN", "MASU", "KATAKANA-HIRAGANA"})
# the script of letters whose name does not start with it
_SCRIPT_OF = {"CJK": "Han", "IDEOGRAPHIC": "Han", "HENTAIGANA": "Hiragana"}
# scripts written together in one word in East Asia, and with Latin ("LINEのスタンプ", "Sony株式会社"): Unicode TR39's
# "Highly Restrictive" level allows Latin with Han and kana, with Han and Bopomofo, with Han and Hangul
_EAST_ASIAN = frozenset({"Latin", "Han", "Hiragana", "Katakana", "Bopomofo", "Hangul"})
# characters NFKC changes that are nonetheless how their language is typed: Thai and Lao AM (the vowel of "จำกัด")
_TYPED_AS_IS = frozenset("\u0e33\u0eb3")
# zero-width non-joiner and joiner: how Persian and the Indic scripts spell some words
_JOINERS = frozenset("\u200c\u200d")
# the bidirectional embeddings, overrides and isolates: the text after one shows reordered, an override's backwards
# ("evil" read "live"); in free text, where a zero-width space hides nothing, these alone change what is read
_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# drawn as nothing, though no space and no format character: the Hangul fillers and the braille blank
_DRAWN_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """Whether ``text`` shows as nothing: only spaces, invisible formatting characters (a zero-width space U+200B, a
    byte order mark, a left-to-right mark: category Cf) and fillers drawn blank (U+3164, U+2800). A lone zero-width
    space pasted as a reason or a name is no reason and no name, and would show as an empty one."""
    return all(c.isspace() or c in _DRAWN_BLANK or unicodedata.category(c) == "Cf" for c in text)


def parse_enum(enum_cls: type[E], value: object, what: str) -> E:
    """Accept a member or its plain string value (``"EUR"``), case-insensitively."""
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        try:
            return enum_cls(value.strip().upper())
        except ValueError:
            pass
    allowed = ", ".join(m.value for m in enum_cls)
    raise ValidationError(f"Unknown {what} {value!r}: expected one of {allowed}", field=what)


def echoed(value: object, limit: int = 40) -> str:
    """What was typed, to quote in a refusal: whole when short, else its start and how long it was (a pasted
    100,000-digit number must not become a 100,000-character message)."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 10]}… ({len(text):,} characters)"


def too_long(what: str, max_length: int, length: int) -> str:
    """The one refusal of text longer than its limit, both counts with their digits grouped, as every count in a
    refusal is: "Trader firm name: at most 200 characters, got 5,000"."""
    return f"{what}: at most {max_length:,} characters, got {length:,}"


def echoed_number(value: object, number: Decimal) -> str:
    """A number as it was typed, to quote in a refusal: "1e30", not "1E+30" (and "0e5", not "0E+5")."""
    return echoed(value.strip() if isinstance(value, str) else number)


# an amount above the maximum with more digits before its point than this is quoted by its length, not digit by digit
# (the maximum has 13: a number three orders past it is still quoted as typed, as SQL's amount_above_maximum says it)
OVERSIZED_DIGITS = 16


def above_maximum(what: str, value: object, number: Decimal, maximum: str) -> str:
    """The refusal of an amount above the maximum (``maximum`` says which: "the maximum price of €1,000,000,000,000"),
    quoting it as typed while that reads at a glance ("Price 2000000000000 is above …"), else by its length ("Price
    is a 30-digit number, above …"): thirty digits echoed in full beside the maximum were read by no one, and a person
    who pasted them needs to hear only that they are far too many."""
    digits = number.adjusted() + 1  # before the point (the number is above the maximum, so at least 1)
    typed = echoed_number(value, number)
    if digits <= OVERSIZED_DIGITS and len(typed) <= OVERSIZED_DIGITS + 8:  # room for commas and cents
        return f"{what} {typed} is above {maximum}"
    return f"{what} is a {digits:,}-digit number, above {maximum}"


def parse_decimal(value: object, what: str, whole: str | None = None) -> Decimal:
    """A finite Decimal from Decimal, int, str or float; anything else is refused. ``whole`` says, for a number of
    whole units, that it is one ("EUA certificates are whole units"): a comma in it is then never advised to be a
    point ("10,5" certificates was told to "use a point for decimals", and 10.5 was refused next)."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"{what} is required and must be a number", field=what)
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, Decimal | int):
            number = Decimal(value)
        elif isinstance(value, str):
            typed = value.strip()
            if not typed:
                raise ValidationError(f"{what} is required: enter a number", field=what)
            refuse_invisible(typed, what, "number")  # "\u200b12", pasted from a web page or a chat
            if "_" in typed or any(c.isdigit() and not c.isascii() for c in typed):
                # Decimal reads "١٢" as 12 and "1_0_0" as 100: a desk's numbers are the digits 0-9, as they are echoed
                # a number of whole units has no decimals to mark: "a point for decimals" under Quantity invited one
                marks = "" if whole is not None else " and a point for decimals"
                raise ValidationError(
                    f"{what}: type the number with the digits 0-9{marks}, got {echoed(value)!r}", field=what
                )
            if (spaced := _spaced_refusal(typed, what)) is not None:
                raise ValidationError(spaced, field=what)
            if _EXPONENT_NUMBER.fullmatch(typed):
                # "1e3" is a slip of the finger on a desk, not €1,000.00: a number is typed in full
                raise ValidationError(
                    f"{what}: type the number in full, like 1000 (no exponent), got {echoed(value)!r}", field=what
                )
            if typed.count(".") > 1 and _POINTED_NUMBER.fullmatch(typed) and not _EUROPEAN_NUMBER.fullmatch(typed):
                # "1,000.5.5": the comma rule below told to "use a point for decimals", to a number with two
                raise ValidationError(
                    f"{what} has more than one decimal point, got {echoed(value.strip())!r}", field=what
                )
            grouped = "," in typed and _GROUPED_NUMBER.fullmatch(typed) is not None
            if "," in typed and not grouped and (refusal := _comma_refusal(typed, what, whole)) is not None:
                raise ValidationError(refusal, field=what)
            # commas are dropped only where they group thousands ("1,250.50"): anywhere else ("1.000,00" was read
            # as 1) Decimal refuses them below, as text that is no number
            number = Decimal(typed.replace(",", "") if grouped else typed)
        else:
            raise ValidationError(f"{what} must be a number, got {type(value).__name__}", field=what)
    except InvalidOperation:
        raise ValidationError(f"{what} must be a number, got {echoed(value)!r}", field=what) from None
    if not number.is_finite():
        raise ValidationError(f"{what} must be a finite number, got {echoed(value)}", field=what)
    return number


def _comma_refusal(typed: str, what: str, whole: str | None) -> str | None:
    """Why a number with a comma that groups no thousands is refused, and what to type instead; None for text that
    is no number whatever its commas ("375,180.13x"), refused as such. "14,03" must never become 1403, nor "1.000,00"
    (a thousand, as much of Europe writes it) 1: here a point marks decimals and a comma only groups thousands."""
    if _EUROPEAN_NUMBER.fullmatch(typed):
        meant = Decimal(typed.replace(".", "").replace(",", "."))
        if whole is not None and meant == meant.to_integral_value():
            meant = meant.to_integral_value()  # "1.000,00" certificates: type 1000, not 1000.00
        said = f"{what}: {echoed(typed)!r} is {meant} as much of Europe writes it, where a comma marks decimals"
        if whole is not None and meant != meant.to_integral_value():
            return f"{said}; {whole}"
        return f"{said}; here a point does and a comma only groups thousands: type {meant} or {meant:,}"
    if _NUMBER_CHARACTERS.fullmatch(typed):
        if whole is not None:
            return f"{what}: {whole} (a comma only groups thousands, like 1,000), got {echoed(typed)!r}"
        return f"{what}: use a point for decimals, like 14.03 (a comma only groups thousands)"
    if _MIXED_MARKS.fullmatch(typed):
        return (
            f"{what}: a comma cannot come after the decimal point, got {echoed(typed)!r}: a point marks decimals and "
            "a comma only groups thousands, like 1,250.50"
        )
    return None


def _spaced_refusal(typed: str, what: str) -> str | None:
    """Why a number with spaces in it is refused, and what to type instead; None when the text has no space, or is no
    number without them either ("ten grand"). "1 000" is a thousand as much of Europe writes it, but a space also
    parts two numbers ("1 5"): a desk types one number, digits together, with commas alone grouping thousands
    ("1,000"), so no space is read as one (nor dropped: "1 5" is not 15)."""
    if not any(c.isspace() for c in typed) or not _NUMBER_CHARACTERS.fullmatch("".join(typed.split())):
        return None
    if len(typed) <= 30 and _SPACED_NUMBER.fullmatch(typed):
        parts = typed.split()
        shown = " ".join(parts)  # a no-break space quoted as the space it looks like, not as "\xa0"
        return f"{what}: type {''.join(parts)} or {','.join(parts)}, without spaces, got '{shown}'"
    return f"{what}: type the number without spaces, got '{echoed(' '.join(typed.split()))}'"


def parse_amount(value: object, asset: AssetType, what: str = "Amount", allow_zero: bool = False) -> Decimal:
    """A positive (or, if allowed, zero) amount of ``asset``: EUR with at most 2 decimals (a € before or after,
    "€250,000"), certificates in whole units; never above the configured maximum."""
    if asset is AssetType.EUR:
        value = without_euro_sign(value)
    elif isinstance(value, str) and EURO_SIGN in value:
        # "€10" in a number of certificates is a price typed in the wrong field, or a slip: never read as 10
        raise ValidationError(
            f"{what} counts {asset} certificates, not euros: type the number without €, got {echoed(value.strip())!r}",
            field=what,
        )
    refuse_dot_grouped(value, what, None if asset is AssetType.EUR else asset.value)
    number = parse_decimal(value, what, None if asset is AssetType.EUR else f"{asset} certificates are whole units")
    typed = echoed_number(value, number)
    if number < 0 or (number == 0 and not allow_zero):
        raise ValidationError(
            f"{what} must be {'zero or more' if allow_zero else 'greater than zero'}, got {typed}", field=what
        )
    limit = MAX_AMOUNT
    if number > limit:
        maximum = f"€{limit:,}" if asset is AssetType.EUR else f"{limit:,}"
        raise ValidationError(
            above_maximum(what, value, number, f"the maximum of {maximum} accepted in one operation"), field=what
        )
    if asset is AssetType.EUR:
        if number != number.quantize(EUR_QUANTUM):
            raise ValidationError(f"{what}: EUR amounts have at most 2 decimals (cents), got {typed}", field=what)
        return number.quantize(EUR_QUANTUM)
    if number != number.to_integral_value():
        raise ValidationError(f"{what}: {asset} certificates are whole units, got {typed}", field=what)
    return number.quantize(Decimal(1))


def refuse_dot_grouped(value: object, what: str, whole: str | None = None) -> None:
    """Refuse a number typed with points grouping its thousands ("1.000"): a point is the decimal point here, and
    "1.000" reads as 1 to this app and as a thousand in much of Europe, so neither reading is taken; the refusal says
    both, in one wording for euros and for whole ``whole`` units (certificates, minutes). Where only the thousands can
    be meant ("1.000.000"; "1.500" of whole units) it says that one. "10.001" euros is left to the refusal of a third
    decimal, as no reading of it is taken. Fields whose 3 decimals are real (percentages) never call it."""
    typed = value.strip() if isinstance(value, str) else None
    if typed is None or not _DOT_GROUPED_NUMBER.fullmatch(typed):
        return
    grouped = int(typed.replace(".", ""))
    instead = f"type {grouped} or {grouped:,}"
    here = Decimal(typed) if typed.count(".") == 1 else None
    if here is not None and whole is None and here != here.quantize(EUR_QUANTUM):
        return  # "10.001" is no amount of cents either: refused as such, never read as either number
    if here is None or (whole is not None and here != here.to_integral_value()):
        # "1.000.000", or "1.500" certificates: no reading but the thousands
        raise ValidationError(f'{what}: "{typed}" reads as {grouped} in much of Europe: {instead}', field=what)
    if whole is None:
        mine = f"{here:.2f} for €{here:,.2f}"
    else:  # a unit that is a plural noun ("minutes") is one in the singular: "1 for 1 minute", "1 for 1 EUA"
        mine = f"{int(here)} for {counted(int(here), whole.removesuffix('s'), whole)}"
    raise ValidationError(
        f'{what}: "{typed}" reads as {grouped} in much of Europe and as {here.normalize():f} here: {instead} '
        f"(or {mine})",
        field=what,
    )


def without_euro_sign(value: object) -> object:
    """A euro figure as a person types it: a € before it ("€250,000") or after it ("81.17 €", as much of Europe
    writes a price) goes; anything else is left to the parser. A € alone stays, for the parser to refuse as no
    number: gone, it left an empty text, refused as a field left empty ("Amount is required") when it is not."""
    if not isinstance(value, str):
        return value
    typed = value.strip()
    return (typed[1:] if typed.startswith(EURO_SIGN) else typed.removesuffix(EURO_SIGN)).strip() or typed


def parse_eur(value: object, what: str = "Amount", allow_zero: bool = False) -> Decimal:
    """An amount of euros as typed, a leading € allowed ("€250,000")."""
    return parse_amount(value, AssetType.EUR, what, allow_zero)


def parse_price(value: object, what: str = "Price") -> Decimal:
    """A price in euros as typed (a € before or after it), by the rules of an amount of EUR; above the maximum it is
    refused as a price ("Price 2000000000000 is above the maximum price of €1,000,000,000,000"): an amount's refusal
    said "accepted in one operation", which a price is not."""
    typed = without_euro_sign(value)
    number = parse_decimal(typed, what)
    limit = MAX_AMOUNT
    if number > limit:
        raise ValidationError(above_maximum(what, typed, number, f"the maximum price of €{limit:,}"), field=what)
    return parse_eur(typed, what)


def parse_quantity(value: object, certificate_type: str, what: str = "Quantity") -> int:
    """A whole number of certificates of ``certificate_type`` ("EUA", "CEA"), at least 1; a refusal names them."""
    return int(parse_amount(value, AssetType(certificate_type), what))


def parse_whole_number(value: object, what: str, low: int, high: int, unit: str) -> int:
    """A whole number of ``unit`` (minutes, runs, market makers) from ``low`` to ``high``, as typed: "1.000" minutes is
    a thousand to much of Europe, not the 1 the point would make it, and is refused saying so."""
    refuse_dot_grouped(value, what, unit)
    number = parse_decimal(value, what, f"a whole number of {unit}")
    if number != number.to_integral_value() or not low <= number <= high:
        typed = echoed_number(value, number)
        raise ValidationError(f"{what} is a whole number of {unit} from {low:,} to {high:,}, got {typed}", field=what)
    return int(number)


def parse_id(value: object, what: str) -> int:
    """A database id: a positive integer (ints or digit strings only), at most ``ID_MAX``. A number past that is
    refused as too large, not as no id: it is one, just beyond any id the database can hold."""
    refused = ValidationError(f"{what} must be a positive integer id, got {echoed(value)!r}", field=what)
    if isinstance(value, bool):
        raise refused
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID_TEXT.fullmatch(value.strip()):
        digits = value.strip().lstrip("0") or "0"
        # int() refuses more than 4,300 digits: a longer paste is too large all the same
        number = ID_MAX + 1 if len(digits) > len(str(ID_MAX)) else int(digits)
    else:
        raise refused
    if number > ID_MAX:
        raise ValidationError(
            f"{what} {echoed(value.strip() if isinstance(value, str) else value)} is too large: "
            f"ids go up to {ID_MAX:,}",
            field=what,
        )
    if number < 1:
        raise refused
    return number


# the control characters a name shows as a space or a new line, by what a person calls them
WHITE_CONTROLS = {"\t": "a tab", "\n": "a line break", "\r": "a line break", "\x0b": "a line break"}


def parse_name(value: object, what: str, max_length: int = 200) -> str:
    """A name as people read it: every run of spaces (a no-break space too) one space, so "Padded  Firm" and
    "Padded\u00a0Firm" are the "Padded Firm" they look like, and refused as its duplicate, never a second one."""
    if not isinstance(value, str) or is_blank(value):
        raise ValidationError(f"{what} is required", field=what)
    if control := [c for c in value.strip() if unicodedata.category(c) == "Cc"]:  # DEL, U+0080-U+009F: name_fault's
        # a tab or a line break looks like a space, as a paste from a spreadsheet brings it: named, never "control"
        if (seen := WHITE_CONTROLS.get(control[0])) is not None:
            raise ValidationError(f"{what} cannot contain {seen}, as pasted text can bring: type a space", field=what)
        raise ValidationError(f"{what} cannot contain control characters", field=what)
    # a zero-width space, or a right-to-left override that shows the name backwards: "Alpha\u200bBeta" reads as
    # "AlphaBeta" and would be a second firm looking like the first; pasted text brings them along unseen
    refuse_invisible(value, what, "name")
    # composed as one character where Unicode writes one ("é", not "e" and a combining accent): the same text, so a
    # name typed on a keyboard that sends the accent apart is the name typed on any other, never a second one
    name = unicodedata.normalize("NFC", " ".join(value.split()))
    if len(name) > max_length:
        raise ValidationError(too_long(what, max_length, len(name)), field=what)
    if (odd := compatibility_character(name)) is not None:
        character, plain = odd
        # "Demo Trading GmbH" with a mathematical bold D (U+1D403) or a fullwidth D (U+FF24) reads as the firm: a
        # second one reading as the first, in letters of one script, so the mixed-script test below cannot see it
        raise ValidationError(
            f'{what} "{echoed(name)}": {character!r} is {described(character)}, not a plain {plain!r}: '
            f'type "{echoed(" ".join(unicodedata.normalize("NFKC", name).split()))}"',
            field=what,
        )
    if (mixed := mixed_script_word(name)) is not None:
        word, scripts = mixed
        # "Demo" with a Cyrillic e (U+0435) looks like "Demo": a second firm reading as the first, never wanted
        raise ValidationError(
            f'{what} "{echoed(name)}" mixes {listed(scripts)} letters in "{echoed(word)}": '
            "type the word in one alphabet",
            field=what,
        )
    return name


def refuse_invisible(typed: str, what: str, thing: str) -> None:
    """Refuse ``typed`` if it holds an invisible formatting character (``invisible_character``), naming it: it cannot
    be seen to be deleted, so the refusal says what it is."""
    if (hidden := invisible_character(typed)) is not None:
        raise ValidationError(
            f"{what} contains an invisible character (U+{ord(hidden):04X} {unicodedata.name(hidden, 'FORMAT')}), "
            f"as pasted text can: type the {thing} without it",
            field=what,
        )


def invisible_character(name: str) -> str | None:
    """The first invisible formatting character of ``name`` (Unicode category Cf: a zero-width space, a
    right-to-left override, a soft hyphen), or None. The zero-width (non-)joiners are spelling, not disguise, between
    two letters of a script that writes with them (Persian, Devanagari, Malayalam): TR31's rule, read
    here as "neither neighbour is Latin or no letter", so one between Latin letters is still refused."""
    for i, character in enumerate(name):
        if unicodedata.category(character) != "Cf":
            continue
        if character in _JOINERS:
            # the letters either side, a virama or vowel sign before it read as the letter it sits on
            before = next((c for c in reversed(name[:i]) if not unicodedata.category(c).startswith("M")), "")
            scripts = {letter_script(before) if before else None, letter_script(name[i + 1 : i + 2] or " ")}
            if None not in scripts and "Latin" not in scripts:
                continue
        return character
    return None


def compatibility_character(name: str) -> tuple[str, str] | None:
    """The first character of ``name`` that Unicode keeps only as a compatibility form of other text (NFKC changes
    it), with that text: "D" for a mathematical bold D (U+1D403) or a fullwidth D (U+FF24), "fi" for the ligature
    (U+FB01), "2" for a subscript 2, "TM" for the trade mark sign; None when there is none. ``name`` is composed
    (NFC) already: a letter and its accent typed apart are no compatibility form. Thai and Lao AM are exempt: NFKC
    splits them, but they are the vowel those keyboards type ("จำกัด", limited)."""
    for character in name:
        if character not in _TYPED_AS_IS and (plain := unicodedata.normalize("NFKC", character)) != character:
            return character, plain
    return None


def described(character: str) -> str:
    """A character by its Unicode name, as a sentence says it: "a mathematical bold capital D", "a Latin small
    ligature fi", "an ideographic telegraph symbol for january"."""
    words = unicodedata.name(character, "compatibility character").lower().split()
    # the letter a name ends with keeps its case: "capital D", "small d"
    if "capital" in words and len(words[-1]) == 1:
        words[-1] = words[-1].upper()
    # and its script is a proper noun: "a fullwidth Latin capital letter A", "a Roman numeral nine", "a CJK ideograph"
    proper = {(letter_script(character) or "latin").lower(), "roman"}
    words = [w.upper() if w == "cjk" else w.title() if w in proper else w for w in words]
    return a_or_an(" ".join(words))


@functools.lru_cache(maxsize=8192)  # parse_name looks up each letter of a name in Unicode's tables; names share letters
def letter_script(letter: str) -> str | None:
    """The script a letter is written in, as its Unicode name says ("Latin" for "é" and for a fullwidth A,
    "Cyrillic" for "ж", "Han" for "北"); None for a letter of every script (the modifier letter apostrophe) and for
    no letter. Read from the name of its compatibility decomposition's first letter, so a mathematical bold A or the
    Kelvin sign is the Latin letter it is drawn as."""
    if not unicodedata.category(letter).startswith("L"):
        return None
    base = next((c for c in unicodedata.normalize("NFKD", letter) if unicodedata.category(c).startswith("L")), letter)
    first = unicodedata.name(base, "").split(" ", 1)[0]
    if not first or first in _NO_SCRIPT:
        return None
    return _SCRIPT_OF.get(first, first.title())


def mixed_script_word(name: str) -> tuple[str, list[str]] | None:
    """The first word of ``name`` whose letters come from scripts never written together in one word, with those
    scripts in the order they appear: ("Demo" with a Cyrillic e, ["Latin", "Cyrillic"]). Unicode TR39's mixed-script
    test, word by word, East Asian scripts and Latin together allowed. None when every word keeps to one script, so a
    name may be Cyrillic ("Газпром"), Chinese ("北京碳排放权交易所") or both in two words ("Газпром Trading")."""
    for match in _WORD.finditer(name):
        scripts = list(dict.fromkeys(s for s in map(letter_script, match.group()) if s is not None))
        if len(scripts) > 1 and not _EAST_ASIAN.issuperset(scripts):
            return match.group(), scripts
    return None


def parse_notes(value: object, max_length: int, what: str = "Notes") -> str | None:
    """Free text a person attaches to an action, at most ``max_length`` characters (the caller reads the limit
    from SQL's ``notes_max_length()``, the one the table CHECKs use), without a character that shows the text after
    it in another order than typed (``_REORDERING``); blank (``is_blank``: nothing that shows) is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text", field=what)
    if is_blank(value):  # a zero-width space alone would be kept and shown as an empty note
        return None
    if len(value) > max_length:
        raise ValidationError(too_long(what, max_length, len(value)), field=what)
    if "\x00" in value:
        raise ValidationError(f"{what} cannot contain NUL characters", field=what)
    if (hidden := next((c for c in value if c in _REORDERING), None)) is not None:
        # shown to every admin and analyst (a kill switch's reason in red on every page): read as typed, or not at all
        raise ValidationError(
            f"{what}: an invisible character (U+{ord(hidden):04X} {unicodedata.name(hidden)}), as pasted text can "
            "bring, shows the text after it reordered: type it without it",
            field=what,
        )
    return value.strip()


def parse_moment(value: object, what: str) -> datetime:
    """A point in time with its time zone (a naive datetime could mean any zone, so it is refused)."""
    if value is None:
        raise ValidationError(f"{what} is required: choose a date and time", field=what)
    if not isinstance(value, datetime):
        raise ValidationError(f"{what} must be a date and time, got {value!r}", field=what)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(f"{what} needs a time zone (e.g. UTC), got {value.isoformat()}", field=what)
    return value


def parse_period(start: object, end: object) -> tuple[datetime, datetime]:
    """A period [start, end], both inclusive, that does not run backwards."""
    first, last = parse_moment(start, "The period's start"), parse_moment(end, "The period's end")
    if first > last:
        raise ValidationError(
            f"The period starts ({first.astimezone(UTC):%Y-%m-%d %H:%M} UTC) after it ends "
            f"({last.astimezone(UTC):%Y-%m-%d %H:%M} UTC): choose an end after the start"
        )
    return first, last


class FieldFaults:
    """The refusals of one input's fields, collected so a caller hears every fault at once, each with its field
    (``InvalidFields``), instead of the first alone: a form shows each under the field that was typed."""

    def __init__(self) -> None:
        self.faults: dict[str, str] = {}

    def parse(self, field: str, parser: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """What ``parser`` makes of the field, or None with its refusal kept under ``field``."""
        try:
            return parser(*args, **kwargs)
        except ValidationError as exc:
            self.refuse(field, exc.message)
            return None

    def refuse(self, field: str, message: str) -> None:
        self.faults.setdefault(field, message)  # a field's first fault is the one to fix first

    def ok(self, *fields: str) -> bool:
        """None of ``fields`` was refused: a rule across them can be checked."""
        return not any(field in self.faults for field in fields)

    def raise_any(self) -> None:
        if self.faults:
            raise InvalidFields(self.faults)
