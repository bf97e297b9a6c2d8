"""The refusal a page's URL shows to a role that may not use the page: the page, who may, and who you are."""

import pytest

from core.enums import Role
from ui.navigation import PAGES, SIGN_IN, START, WELCOME, PageSpec, home_page, refusal

ADMIN, ANALYST, TRADER = Role.ADMIN, Role.ANALYST, Role.TRADER


@pytest.mark.parametrize(
    ("title", "allowed", "role", "expected"),
    [
        ("Create Liquidity", (ADMIN,), ANALYST, "Create Liquidity is for admins; you are signed in as an analyst."),
        ("Cash", (ADMIN, TRADER), ANALYST, "Cash is for admins and traders; you are signed in as an analyst."),
        ("Quality", (ADMIN, ANALYST), TRADER, "Quality is for admins and analysts; you are signed in as a trader."),
        ("X", (ADMIN, ANALYST, TRADER), ADMIN, "X is for admins, analysts and traders; you are signed in as an admin."),
        ("Operations", (ANALYST,), ADMIN, "Operations is for analysts; you are signed in as an admin."),
    ],
)
def test_the_refusal_names_the_page_who_may_use_it_and_the_signed_in_role(title, allowed, role, expected):
    page = PageSpec("pages/x.py", title, ":material/info:", allowed, "x")

    assert refusal(page, role) == expected


def test_every_page_has_its_own_url_and_title():
    urls = {p.url_path for p in PAGES}

    assert len(urls) == len({p.title for p in PAGES}) == len(PAGES)
    assert all(url and "/" not in url for url in urls)
    assert not urls & {START, WELCOME, SIGN_IN}  # the URLs ui.navigation adds around the pages


@pytest.mark.parametrize(("role", "home"), [(ADMIN, "Cash Market"), (ANALYST, "Operations"), (TRADER, "Cash Market")])
def test_each_role_starts_on_its_first_page(role, home):
    assert home_page(role).title == home
