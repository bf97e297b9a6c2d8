"""CSV downloads open in a spreadsheet as the data they are, never as formulas."""

import csv
import io
from decimal import Decimal

import pandas as pd

from ui.downloads import csv_bytes


def test_typed_text_a_spreadsheet_would_run_as_a_formula_opens_as_text_and_numbers_stay_numbers():
    typed = ['=HYPERLINK("http://e.vil","x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "Atlas Liquidity", None]
    frame = pd.DataFrame({"Market maker": typed, "Filled (€)": [Decimal("-5.00")] * len(typed)})

    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"))))

    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://e.vil","x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTab",
        "Atlas Liquidity",
        "",
    ]
    assert {row[1] for row in rows[1:]} == {"-5.00"}  # an amount is exact, and never taken for text
