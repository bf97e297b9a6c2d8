"""A row of metrics that never clips a value: each metric is as wide as its figure and the row wraps.

Streamlit's default metric stretches to an equal share of the row and cuts a long figure (€1,000,000,000.00)
with an ellipsis; a person must always see the whole number.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str | None = None
    note: str | None = None  # a line under the figure (grey, no arrow): a share, a source, a σ
    moved: bool = False  # the note is a change that moved: coloured by its sign, with an arrow


def metric_row(metrics: Iterable[Metric], *, border: bool = True, key: str | None = None) -> None:
    """The metrics side by side, each as wide as it needs, wrapping onto another row when they do not all fit; every
    card of a row as tall as the tallest (one with a note beside ones without).

    The row stretches its cards (``vertical_alignment="distribute"``), each card as tall as its content: a card of
    ``height="stretch"`` in a row that wraps took the height of the whole row, every line of it, and the wrapped
    line was drawn over what follows (the policy card at 1280 px)."""
    with st.container(horizontal=True, vertical_alignment="distribute", key=key):
        for m in metrics:
            st.metric(
                m.label,
                m.value,
                m.note,
                help=m.help,
                border=border,
                width="content",
                delta_color="normal" if m.moved else "off",
                delta_arrow="auto" if m.moved else "off",
            )
