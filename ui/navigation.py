"""Which pages each role sees, in menu order, and what every page's URL answers to anyone else.

Every page in ``PAGES`` has a stable URL (``/<url_path>``) that works as a deep link: signed out, it shows the
sign-in form and, once signed in, the page itself; signed in with a role that may not use it, a refusal naming the
page and who may. Adding a page here is all it takes. A page is listed here only once it works.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import streamlit as st

from core.enums import Role
from core.wording import a_or_an, listed


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: tuple[Role, ...]
    url_path: str


# Each page's title is its menu entry, the heading its page shows (st.title(X.title)) and the name refusals give it
CASH_MARKET = PageSpec(
    "pages/cash_market.py", "Cash Market", ":material/candlestick_chart:", (Role.ADMIN, Role.TRADER), "cash-market"
)
CREATE_LIQUIDITY = PageSpec(
    "pages/create_liquidity.py", "Create Liquidity", ":material/water_drop:", (Role.ADMIN,), "create-liquidity"
)
OPERATIONS = PageSpec(
    "pages/operations.py", "Operations", ":material/monitoring:", (Role.ADMIN, Role.ANALYST), "operations"
)
LIQUIDITY_POLICIES = PageSpec(
    "pages/liquidity_policies.py",
    "Liquidity Policies",
    ":material/autorenew:",
    (Role.ADMIN, Role.ANALYST),
    "liquidity-policies",
)
MARKET_QUALITY = PageSpec(
    "pages/market_quality.py", "Market Quality", ":material/query_stats:", (Role.ADMIN, Role.ANALYST), "market-quality"
)
MARKET_MAKERS = PageSpec(
    "pages/market_makers.py", "Market Makers", ":material/groups:", (Role.ADMIN, Role.ANALYST), "market-makers"
)
TRADER_FIRMS = PageSpec("pages/trader_firms.py", "Trader Firms", ":material/business:", (Role.ADMIN,), "trader-firms")
USERS = PageSpec("pages/user_accounts.py", "Users", ":material/manage_accounts:", (Role.ADMIN,), "users")
CHANGE_PASSWORD = PageSpec(
    "pages/change_password.py",
    "Change Password",
    ":material/key:",
    (Role.ADMIN, Role.ANALYST, Role.TRADER),
    "change-password",
)
# the menu, in its order
PAGES: tuple[PageSpec, ...] = (
    CASH_MARKET,
    CREATE_LIQUIDITY,
    OPERATIONS,
    LIQUIDITY_POLICIES,
    MARKET_QUALITY,
    MARKET_MAKERS,
    TRADER_FIRMS,
    USERS,
    CHANGE_PASSWORD,
)


# The Users page's file is not pages/users.py: under AppTest a file named as its URL path ran alone, outside app.py
# (no sidebar, no flashed toasts), as Streamlit's pages/ folder discovery hashes a file's name as st.Page hashes a
# URL path.

# URL paths of the pages this module adds around PAGES; no page in PAGES may use them
START, WELCOME, SIGN_IN, CHOOSE_PASSWORD = "start", "welcome", "sign-in", "choose-password"


def pages_for(role: Role) -> list[st.Page]:
    return [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path) for p in PAGES if role in p.roles]


def home_page(role: Role) -> PageSpec | None:
    """The page a role starts on: its first in menu order."""
    return next((p for p in PAGES if role in p.roles), None)


def signed_in_pages(role: Role, *, refused: Callable[[PageSpec], None], welcome: Callable[[], None]) -> list[st.Page]:
    """The role's pages (the menu), then every other page's URL, hidden from the menu, answered by ``refused``.

    ``/`` opens the role's first page at its own URL: Streamlit serves its default page only at ``/``, so no real
    page may be the default, or its deep link would be "Page not found". ``welcome`` is the start of a role that
    has no page yet.
    """
    own = pages_for(role) or [st.Page(welcome, title="Welcome", icon=":material/info:", url_path=WELCOME)]
    start = st.Page(
        partial(st.switch_page, own[0]), title=own[0].title, url_path=START, default=True, visibility="hidden"
    )
    others = [
        st.Page(partial(refused, p), title=p.title, icon=p.icon, url_path=p.url_path, visibility="hidden")
        for p in PAGES
        if role not in p.roles
    ]
    return [start, *own, *others]


def signed_out_pages(sign_in: Callable[[PageSpec | None], None]) -> list[st.Page]:
    """The sign-in form at ``/`` and at every page's URL: signing in at a page's URL lands on that page."""
    return _everywhere(sign_in, "Sign in", ":material/login:", SIGN_IN)


def choose_password_pages(choose: Callable[[PageSpec | None], None]) -> list[st.Page]:
    """For a user signed in with a one-time password: choosing their own at ``/`` and at every page's URL, so a
    deep link opens its page once they have."""
    return _everywhere(choose, "Choose your password", ":material/key:", CHOOSE_PASSWORD)


def _everywhere(show: Callable[[PageSpec | None], None], title: str, icon: str, url_path: str) -> list[st.Page]:
    start = st.Page(partial(show, None), title=title, icon=icon, url_path=url_path, default=True)
    return [start] + [
        st.Page(partial(show, p), title=title, icon=icon, url_path=p.url_path, visibility="hidden") for p in PAGES
    ]


def refusal(page: PageSpec, role: Role) -> str:
    """E.g. "Create Liquidity is for admins; you are signed in as an analyst." """
    who = listed([r.value.lower() + "s" for r in page.roles])
    return f"{page.title} is for {who}; you are signed in as {a_or_an(role.value.lower())}."
