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


def metric_row(metrics: Iterable[Metric], *, border: bool = True) -> None:
    with st.container(horizontal=True):
        for m in metrics:
            st.metric(
                m.label,
                m.value,
                m.note,
                help=m.help,
                border=border,
                width="content",
                delta_color="off",
                delta_arrow="off",
            )
