"""A paged table: one page of rows that a core read sorted, drawn so that nothing on screen re-sorts that page alone.

A click on a header of ``st.dataframe`` (or Sort in its column menu) sorts the rows the grid was given: under a pager,
the page on screen, while the page's own Sort control and its pager order every match. A person clicking "Reference
price" thought all operations were sorted by it. Streamlit 1.67 reports no header click (a column selection would
take it, but the column menu's Sort still ordered the page alone), and lets no column be unsortable; the one grid it
draws with no sort at all, neither by a header nor in the menu, is a data editor that adds rows (sorting would mix
the new rows in), which ``disabled=True`` keeps from editing and from adding anything: that is how a paged table is
drawn. Each header says, on hover, how the rows are ordered and where to change it.

No grid pins a column (``column_config`` ``pinned=True``): Streamlit 1.67 draws every cell of a pinned column, as of
an index, at 60 % opacity (glide's "faded" style, in any st.dataframe or data editor, whatever a Styler's colour),
so the Ticket of Operations, the Market maker of the scorecard and the Time of a policy's runs read greyed beside
the other columns, as if disabled. The columns that name a row come first instead.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.dataframe_util import is_pandas_styler

from ui.format import NO_VALUE

ROW_PX, HEADER_PX, BORDER_PX = 35, 35, 2  # Streamlit's grid: a row, the header row, its two borders
AUTO_HEIGHT_MAX_PX = 400  # the height Streamlit gives a longer table (it scrolls inside)
NEWEST_FIRST = "Newest first, across every page: a header click sorts nothing"
# A column sized to its text: the grid measures a column on the rows it first draws and keeps that width while the page
# shows it, so a longer text arriving later (a name created since, an amount typed) was cut, clipped at its start
# where a figure is right-aligned ("1,250,000.00" for €1,250,000.00 at 390 px). Names take about 6.5 px a character
# of the grid's 14 px Source Sans; figures 7 (a digit is 7 px: "€1,250,000.00" measured 80 px), and the column's
# padding and the header's room 24 px
NAME_PX_PER_CHAR, FIGURE_PX_PER_CHAR, NAME_PADDING_PX, NAME_COLUMN_MAX_PX = 6.5, 7.0, 24, 280


def header_help(columns: list[str], config: Mapping[str, Any], order: str) -> dict[str, Any]:
    """``config`` for every column of ``columns``, each saying ``order`` on hover unless it has help of its own; a
    column hidden there (None) stays hidden."""
    helped: dict[str, Any] = dict(config)
    for column in columns:
        if column in config and config[column] is None:
            continue
        own = config.get(column) or {}
        own = {"label": own} if isinstance(own, str) else dict(own)
        helped[column] = {**own, "help": own.get("help") or order}
    return helped


# a capital letter is about 1.3 average characters wide in that font: "MERIDIAN CARBON PARTNERS", sized as 24 characters
# of 6.5 px, was cut at its S where the grid is no wider than the column (390 px)
CAPITAL_CHARS = 1.3


def text_chars(text: str) -> float:
    """How many average characters ``text`` is as wide as, each capital letter counting ``CAPITAL_CHARS``."""
    return len(text) + (CAPITAL_CHARS - 1) * sum(c.isupper() for c in text)


def text_column_px(header: str, texts: Iterable[str], px_per_char: float = NAME_PX_PER_CHAR) -> int:
    """How wide a column is drawn: its longest text (or its header) whole, up to NAME_COLUMN_MAX_PX."""
    longest = max((text_chars(t) for t in texts), default=0)
    return min(NAME_COLUMN_MAX_PX, round(max(longest, text_chars(header)) * px_per_char) + NAME_PADDING_PX)


def grid_height(rows: int, row_height: int | None = None) -> int | str:
    """The page's rows whole, as ``st.dataframe`` sizes a table (an adding editor leaves room for one row more, an
    empty row under the last); "auto" once that is taller than Streamlit's own height for a table (it scrolls)."""
    height = HEADER_PX + rows * (row_height or ROW_PX) + BORDER_PX
    return height if height <= AUTO_HEIGHT_MAX_PX else "auto"


def record_table(data: pd.DataFrame, *, key: str, alt: str, column_config: Mapping[str, Any] | None = None) -> None:
    """A table of records, a row each (users, trader firms, market makers, a ledger), which the reader may sort and
    search: no index, and every cell that has no value (None, NaN, NaT: a user who never signed in) reading
    ``NO_VALUE``, as a figure that has none reads everywhere in the app. Left blank, such a cell read as a value
    missing by mistake; Streamlit's own default writes "None"."""
    st.dataframe(data, column_config=column_config, hide_index=True, key=key, placeholder=NO_VALUE, alt=alt)


def paged_grid(
    data: "pd.DataFrame | pd.io.formats.style.Styler",
    *,
    key: str,
    order: str,
    alt: str,
    column_config: Mapping[str, Any] | None = None,
    row_height: int | None = None,
    placeholder: str | None = None,
) -> None:
    """One page of a paged table, which no header click re-sorts (see the module's doc); ``order`` says how the rows
    are sorted across every page and how to change that, e.g. "Sorted across every page by Time, newest first:
    change it with Sort by, above the table"."""
    frame = data.data if is_pandas_styler(data) else data
    st.data_editor(
        data,
        key=key,
        disabled=True,  # nothing edited, no row added nor deleted
        num_rows="dynamic",  # the one grid Streamlit draws without sorting: see the module's doc
        hide_index=True,
        column_config=header_help([str(c) for c in frame.columns], column_config or {}, order),
        height=grid_height(len(frame), row_height),
        row_height=row_height,
        placeholder=placeholder,
        alt=alt,
    )
