"""CSV downloads open in a spreadsheet as the data they are, never as formulas."""

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
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


def test_a_csv_opens_in_a_spreadsheet_with_its_euro_signs_and_accents_as_they_are():
    frame = pd.DataFrame({"Avg quoted (€)": [Decimal("1234.50")], "Market maker": ["Société Générale ✓"]})

    data = csv_bytes(frame)

    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark: Excel reads UTF-8 only with it
    assert data.decode("utf-8-sig") == "Avg quoted (€),Market maker\n1234.50,Société Générale ✓\n"
    assert pd.read_csv(io.BytesIO(data)).columns.tolist() == ["Avg quoted (€)", "Market maker"]  # no stray mark


def test_a_moment_is_written_in_utc_to_the_second_as_every_table_writes_it_never_with_an_offset():
    paris = timezone(timedelta(hours=1))
    frame = pd.DataFrame(
        {
            "Time (UTC)": [datetime(2026, 12, 1, 11, 0, 5, tzinfo=paris), None],
            "At (UTC)": pd.to_datetime([datetime(2026, 12, 1, 10, tzinfo=UTC), None]),
        }
    )

    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))

    # pandas wrote "2026-12-01 10:00:00+00:00", an offset a spreadsheet reads as text; no moment is an empty cell
    assert rows[1:] == [["2026-12-01 10:00:05", "2026-12-01 10:00:00"], ["", ""]]


def test_money_columns_are_written_to_the_cent_and_prices_as_the_screen_writes_them_none_left_empty():
    frame = pd.DataFrame(
        {
            "Price": [Decimal("81.0000"), Decimal("80.0050"), None],
            "Filled EUR": [Decimal("0"), Decimal("1499.7800"), None],
            "Note": ["81.0000", "x", "y"],  # a text column is written as it is
        }
    )

    rows = list(csv.reader(io.StringIO(csv_bytes(frame, money=["Filled EUR"], prices=["Price"]).decode("utf-8-sig"))))

    assert rows[1:] == [["81.00", "0.00", "81.0000"], ["80.005", "1499.78", "x"], ["", "", "y"]]
