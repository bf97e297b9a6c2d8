"""Cached reads for the cash market page. The book refreshes every few seconds anyway, so a short ttl
lets every open browser share one query; a write clears the caches so its author sees it at once."""

from decimal import Decimal

import streamlit as st

from core.market import MarketStats, OrderBook, Trade, get_market_stats, get_order_book, get_recent_trades, price_tick
from ui.runtime import db_session

TTL_SECONDS = 2
BOOK_DEPTH = 50
OPEN_ON_KEY = "cm_open_on"  # set by another page to open the cash market on that certificate's book


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def order_book(certificate_type: str) -> OrderBook:
    with db_session() as db:
        return get_order_book(db, certificate_type, BOOK_DEPTH)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def market_stats(certificate_type: str) -> MarketStats:
    with db_session() as db:
        return get_market_stats(db, certificate_type)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def recent_trades(certificate_type: str) -> list[Trade]:
    with db_session() as db:
        return get_recent_trades(db, certificate_type, 50)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def tick(certificate_type: str) -> Decimal:
    with db_session() as db:
        return price_tick(db, certificate_type)


def forget() -> None:
    """After an order or a cancel: the next read goes to the database."""
    for loader in (order_book, market_stats, recent_trades):
        loader.clear()
