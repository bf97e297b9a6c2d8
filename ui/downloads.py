"""What the download buttons hand over: CSV files a spreadsheet opens as data."""

from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from ui.format import cents, price_figure, utc_time

# a spreadsheet runs a cell starting with one of these as a formula: a name typed as '=HYPERLINK("http://…")'
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, datetime):  # a pandas Timestamp too; NaT is no moment: an empty cell
        return "" if pd.isna(value) else utc_time(value)
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def csv_bytes(frame: pd.DataFrame, money: Iterable[str] = (), prices: Iterable[str] = ()) -> bytes:
    """UTF-8 CSV with exact values (Decimals written as they are, but for ``money`` and ``prices``), starting with
    the byte order mark: without it Excel reads the file as Windows-1252, and every "€" of a header ("Avg quoted
    (€)") and every accent of a name or a note opened garbled ("Ã¼" for "ü"); pandas, LibreOffice and Python's
    "utf-8-sig" read past it. Typed text a spreadsheet would run as a formula (a name or a note starting with =, +, -,
    @) starts with an apostrophe there, so it opens as the text it is (OWASP's advice against CSV injection); numbers
    are never touched. A moment is written as every table of the app writes one (``ui.format.utc_time``: "2026-12-01
    10:00:00", UTC, said by the column's header), never pandas' "2026-12-01 10:00:00+00:00", an offset a spreadsheet
    reads as text. The columns named in ``money`` (EUR) are written to the cent, those in ``prices`` as the screen
    writes a price (81.00 for a stored 81.0000, 80.005 for a mid), each as a number without its € sign or grouping
    (``ui.format.cents``, ``ui.format.price_figure``); certificates are whole numbers already."""
    written = frame.map(_cell)
    for columns, figure in ((money, cents), (prices, price_figure)):
        for column in columns:
            if column in written:
                written[column] = written[column].map(lambda v, f=figure: v if v is None or pd.isna(v) else f(v))
    return written.to_csv(index=False).encode("utf-8-sig")
