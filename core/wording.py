"""Counts, percentages and amounts in sentences, written once for core and ui: "1 order", "12 orders", "2 policies",
never "order(s)"; "0.70 %"; "€1,000.50", "500 CEA". (Sentences written by SQL, as refusals of stored functions, change
with their function's migration.)"""

from collections.abc import Sequence
from decimal import Decimal

from core.enums import AssetType


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun: the noun for one, else ``plural`` (by default the noun and an s); thousands grouped."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"


# letters whose names start with a vowel sound ("an EUA", "an MM", "an X"): an initialism takes "an" after these
_AN_LETTERS = frozenset("AEFHILMNORSX")


def a_or_an(word: str) -> str:
    """The word after its indefinite article: "an EUA" (initials are read letter by letter, E as "ee"), "a CEA",
    "a BID", "an Arabic letter", "a Cyrillic letter"; never "a EUA"."""
    first = word.split(" ", 1)[0]
    initials = first.isupper() and len(first) <= 4  # "EUA", "BID": no word of capitals is read as a word here
    vowel_sound = first[:1] in _AN_LETTERS if initials else first[:1].lower() in "aeiou"
    return f"{'an' if vowel_sound else 'a'} {word}"


def listed(items: Sequence[str]) -> str:
    """Items in a sentence: "Latin", "Latin and Cyrillic", "analysts, traders and admins"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def percent(value: Decimal | float | None, places: int | None = None, *, signed: bool = False) -> str:
    """A percentage as the app writes one, with a space before the sign as in every sentence core writes: "0.70 %",
    "2 %", "+1.25 %". ``places`` rounds; None keeps the digits the value has. A share that is not zero but rounds to
    zero reads "< 0.1 %", never "0.0 %" (€81.58 traded of €199,614.84 deployed)."""
    if value is None:
        return "—"
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    sign = "+" if signed else ""
    if places is None:
        return f"{number:{sign},f} %"
    step = Decimal(1).scaleb(-places)
    if number and not number.quantize(step):
        return f"< {step} %" if number > 0 else f"> -{step} %"
    return f"{number:{sign},.{places}f} %"


def figure(asset: AssetType | str, value: Decimal | int) -> str:
    """An amount's number, thousands grouped, without its unit: "1,000.50" of EUR (to the cent), "5,000" of
    certificates (whole units). What a field the app prefills with an amount shows: it reads as the app writes
    amounts everywhere, and ``core.validation.parse_amount`` reads it back as it is."""
    return f"{Decimal(value):,.2f}" if AssetType(asset) is AssetType.EUR else f"{int(value):,}"


def eur(value: Decimal | int | None) -> str:
    """Euros to the cent with thousands grouped: "€1,000.50" ("—" for none)."""
    return "—" if value is None else f"€{figure(AssetType.EUR, value)}"


def amount_text(asset: AssetType | str, value: Decimal | int) -> str:
    """An amount with its unit: "€1,000.50" of EUR, "500 CEA" of certificates (whole units)."""
    kind = AssetType(asset)
    return eur(value) if kind is AssetType.EUR else f"{figure(kind, value)} {kind.value}"
