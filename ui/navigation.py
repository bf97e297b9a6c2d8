"""Which pages each role sees, in menu order. A page is listed here only once it works."""

from dataclasses import dataclass

import streamlit as st

from core.enums import Role


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: tuple[Role, ...]
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/cash_market.py", "Cash Market", ":material/candlestick_chart:", (Role.ADMIN, Role.TRADER), "cash-market"
    ),
    PageSpec(
        "pages/create_liquidity.py", "Create Liquidity", ":material/water_drop:", (Role.ADMIN,), "create-liquidity"
    ),
    PageSpec(
        "pages/liquidity_policies.py",
        "Liquidity Policies",
        ":material/autorenew:",
        (Role.ADMIN, Role.ANALYST),
        "liquidity-policies",
    ),
    PageSpec("pages/operations.py", "Operations", ":material/monitoring:", (Role.ADMIN, Role.ANALYST), "operations"),
    PageSpec(
        "pages/market_quality.py",
        "Market Quality",
        ":material/query_stats:",
        (Role.ADMIN, Role.ANALYST),
        "market-quality",
    ),
    PageSpec(
        "pages/market_makers.py", "Market Makers", ":material/groups:", (Role.ADMIN, Role.ANALYST), "market-makers"
    ),
)


def pages_for(role: Role) -> list[st.Page]:
    return [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES if role in p.roles]
