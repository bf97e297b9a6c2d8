"""What the download buttons hand over: CSV files a spreadsheet opens as data."""

import pandas as pd

# a spreadsheet runs a cell starting with one of these as a formula: a name typed as '=HYPERLINK("http://…")'
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with exact values (Decimals written as they are), starting with the byte order mark: without it
    Excel reads the file as Windows-1252, and every "€" of a header ("Avg quoted (€)") and every accent of a name or
    a note opened garbled ("Ã¼" for "ü"); pandas, LibreOffice and Python's "utf-8-sig" read past it. Typed text a
    spreadsheet would run as a formula (a name or a note starting with =, +, -, @) starts with an apostrophe there,
    so it opens as the text it is (OWASP's advice against CSV injection); numbers are never touched."""
    return frame.map(_inert).to_csv(index=False).encode("utf-8-sig")
