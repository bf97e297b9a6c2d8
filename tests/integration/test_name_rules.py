"""Names a person types (a trader firm's, a market maker's) are refused by the database for the characters core
refuses (revision 0024's name_fault): control characters, invisible formatting characters (zero-width, bidi
controls), compatibility characters. Core checks first, to say it under the field; these tests prove both refuse the
same characters, and that a stored function called directly with such a name refuses it and changes nothing."""

import sys
import unicodedata

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.entities import create_entity
from core.errors import ValidationError
from core.validation import parse_name
from tests.helpers import snapshot

# every character Python's Unicode tables know (PostgreSQL's may be newer: a character assigned since is judged by
# them alone), but surrogates, which no text holds
KNOWN = [chr(c) for c in range(1, sys.maxunicode + 1) if unicodedata.category(chr(c)) not in ("Cn", "Cs")]


def sent(name: str) -> str | None:
    """The name core sends the stored function: as parse_name reads it (spaces collapsed, composed); None when core
    refuses it."""
    try:
        return parse_name(name, "Name")
    except ValidationError:
        return None


def python_refuses(name: str) -> bool:
    return sent(name) is None


def sql_refuses(db, names: list[str]) -> list[bool]:
    rows = db.execute(
        text(
            "SELECT name_fault('Name', n) IS NOT NULL FROM unnest(CAST(:names AS text[])) WITH ORDINALITY t(n, i) "
            "ORDER BY i"
        ),
        {"names": names},
    ).scalars()
    return list(rows)


def disagreements(db, names: list[str]) -> list[str]:
    """The names one side refuses and the other does not: core's refusal judged on the name as typed, the
    database's on the name core would send it (or, when core refuses it, on the name as typed)."""
    as_sent = [sent(n) for n in names]
    verdicts = [s is None for s in as_sent]
    judged = [n if s is None else s for n, s in zip(names, as_sent, strict=True)]
    return [
        f"U+{ord(c):04X} in {n!r}: core {'refuses' if p else 'accepts'}, SQL {'refuses' if s else 'accepts'}"
        for n, p, s, c in zip(names, verdicts, sql_refuses(db, judged), names, strict=True)
        if p != s
        for c in [next((ch for ch in n if not ch.isascii()), " ")]
    ]


def test_core_and_the_database_refuse_the_same_characters_in_a_name(db):
    names = [f"Alpha {c} Beta" for c in KNOWN]

    assert disagreements(db, names)[:20] == []


# a zero-width non-joiner or joiner in context: spelling between two letters of a script written with them, a
# disguise anywhere else
JOINED = {
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645": "accepted",  # Persian "mi-khaham": the non-joiner is spelling
    "क्\u200dष": "accepted",  # Devanagari: a joiner after a virama (a combining sign, read as its letter)
    "ж\u0301\u200cж": "accepted",  # a combining accent before it is read as the Cyrillic letter it sits on
    "Alpha\u200dBeta": "refused",
    "Alpha\u200cBeta": "refused",
    "é\u200cè": "refused",  # Latin letters beyond ASCII
    "\u200cمی": "refused",  # at the start
    "می\u200c": "refused",  # at the end
    "\u0645\u06cc\u200c\u200c\u062e\u0648\u0627\u0647\u0645": "refused",  # beside another invisible character
    "ж\u200c1": "refused",  # beside a digit
    "\u06f1\u200c\u0628": "refused",  # beside a Persian digit
    "\u0645\u06cc \u200c\u062e\u0648\u0627\u0647\u0645": "refused",  # beside a space
}


@pytest.mark.parametrize("name", JOINED)
def test_core_and_the_database_read_a_joiner_in_a_name_alike(db, name):
    core = "refused" if python_refuses(name) else "accepted"

    sql = "refused" if sql_refuses(db, [name if core == "refused" else sent(name)])[0] else "accepted"

    assert core == sql == JOINED[name]


@pytest.mark.parametrize("joiner", ["\u200c", "\u200d"])
def test_the_database_never_refuses_a_joiner_core_accepts_between_two_characters(db, joiner):
    # name_fault reads a joiner's neighbours by code point ranges; parse_name by each letter's script, which SQL
    # has no table of: beside a non-Latin character that is no letter (a private-use character, a symbol of another
    # script) core refuses a joiner that SQL lets by. Never the other way: no name core sends is refused.
    names = [f"{c}{joiner}{c}" for c in KNOWN]

    found = disagreements(db, names)

    assert [d for d in found if "core accepts" in d] == []


NAMES = {
    "a control character (ESC)": "Demo\x1bTrading",
    "a control character (DEL)": "Demo\x7fTrading",
    "a C1 control character": "Demo\x9bTrading",
    "a zero-width space": "Demo\u200bTrading",
    "a right-to-left override": "Demo \u202eTrading",
    "a left-to-right mark": "Demo\u200e Trading",
    "a byte order mark": "\ufeffDemo Trading",
    "a soft hyphen": "Demo Trad\u00ading",
    "a zero-width joiner between Latin letters": "Demo\u200dTrading",
    "a fullwidth letter": "\uff24emo Trading",
    "a mathematical bold letter": "\U0001d403emo Trading",
    "a ligature": "Demo Trading \ufb01rm",
}
CREATIONS = {
    "create_entity": ("SELECT create_entity(:name, :admin)", "Firm name"),
    "create_market_maker": ("SELECT create_market_maker(:name, 'LIQUIDITY_PROVIDER', :admin)", "Market maker name"),
}


@pytest.mark.parametrize("function", CREATIONS)
@pytest.mark.parametrize("kind", NAMES)
def test_a_stored_function_creating_a_name_refuses_one_core_refuses_and_changes_nothing(db, actors, function, kind):
    sql, field = CREATIONS[function]
    before = snapshot(db)

    with pytest.raises(DBAPIError) as refused:
        db.execute(text(sql), {"name": NAMES[kind], "admin": actors.admin.id})
    db.rollback()

    assert refused.value.orig.sqlstate == "CB400"
    assert refused.value.orig.diag.message_primary.startswith(field)
    assert python_refuses(NAMES[kind])
    assert snapshot(db) == before


@pytest.mark.parametrize(("typed", "seen"), [("Demo\tTrading", "a tab"), ("Demo\nTrading", "a line break")])
def test_a_tab_or_a_line_break_pasted_into_a_name_is_named_as_what_it_looks_like(db, actors, typed, seen):
    before = snapshot(db)

    with pytest.raises(ValidationError) as refused:
        create_entity(db, typed, actors.admin.id)

    assert refused.value.message == f"Firm name cannot contain {seen}, as pasted text can bring: type a space"
    assert snapshot(db) == before


def test_the_database_refuses_a_control_character_in_a_name_in_the_words_core_says(db, actors):
    with pytest.raises(ValidationError) as core:
        parse_name("Demo\x7fTrading", "Firm name")

    with pytest.raises(DBAPIError) as refused:
        db.execute(text("SELECT create_entity(:name, :admin)"), {"name": "Demo\x7fTrading", "admin": actors.admin.id})

    assert (
        refused.value.orig.diag.message_primary == core.value.message == "Firm name cannot contain control characters"
    )
