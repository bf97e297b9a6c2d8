"""Reads of the Market Quality page, through ``read_session()`` (the read replica when ``DATABASE_READ_URL`` is
set). Snapshot reads are cached briefly: a period ends on the snapshot grid (ui.quality_view.period_ending), so
reruns within one snapshot period share them, and the next snapshot's period asks again. Slippage reads the live
book on every run."""

from datetime import datetime
from decimal import Decimal

import streamlit as st

from core.enums import CertificateType, OrderSide
from core.market_makers import get_market_makers
from core.market_quality import depth_heatmap, health_series, health_summary, market_health, mm_scorecard, slippage
from core.models import MarketMaker
from core.quality_models import DepthCell, HealthSeries, HealthSummary, MarketHealth, MarketMakerScore, Slippage
from ui.runtime import read_session

TTL = "1m"


@st.cache_data(ttl=TTL, max_entries=50, show_spinner=False)
def summary(cert: CertificateType, start: datetime, end: datetime, user_id: int) -> HealthSummary:
    with read_session() as db:
        return health_summary(db, cert, user_id=user_id, start=start, end=end)


@st.cache_data(ttl=TTL, max_entries=50, show_spinner="Reading the snapshots…")
def series(cert: CertificateType, start: datetime, end: datetime, user_id: int) -> HealthSeries:
    with read_session() as db:
        return health_series(db, cert, user_id=user_id, start=start, end=end)


@st.cache_data(ttl=TTL, max_entries=50, show_spinner=False)
def heatmap(cert: CertificateType, start: datetime, end: datetime, user_id: int) -> list[DepthCell]:
    with read_session() as db:
        return depth_heatmap(db, cert, user_id=user_id, start=start, end=end)


@st.cache_data(ttl=TTL, max_entries=100, show_spinner=False)
def scorecard(
    cert: CertificateType,
    start: datetime,
    end: datetime,
    band: Decimal,
    quote: Decimal,
    presence: Decimal,
    user_id: int,
) -> list[MarketMakerScore]:
    with read_session() as db:
        return mm_scorecard(
            db,
            user_id=user_id,
            start=start,
            end=end,
            certificate_type=cert,
            max_spread_pct=band,
            min_quote_eur=quote,
            required_presence_pct=presence,
        )


@st.cache_data(ttl=TTL, max_entries=10, show_spinner=False)
def active_market_makers(user_id: int) -> list[MarketMaker]:
    """The market makers active now: the scorecard names those it has no row for."""
    with read_session() as db:
        return get_market_makers(db, user_id=user_id, include_inactive=False)


@st.cache_data(ttl=TTL, max_entries=4, show_spinner="Preparing every snapshot of the period…")
def points(cert: CertificateType, start: datetime, end: datetime, user_id: int) -> MarketHealth:
    """Every snapshot of the period (for the CSV download, read only when asked for)."""
    with read_session() as db:
        return market_health(db, cert, user_id=user_id, start=start, end=end)


def live_slippage(cert: CertificateType, side: OrderSide, amount: object, user_id: int) -> Slippage:
    """Not cached: the live book."""
    with read_session() as db:
        return slippage(db, cert, side, amount, user_id=user_id)
