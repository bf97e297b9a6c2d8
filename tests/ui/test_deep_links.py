"""Every page's URL is a deep link: signed in, it opens the page; signed out, the sign-in form and then the page;
for a role that may not use the page, a refusal naming the page and who may. Pages added to ui.navigation.PAGES get
all of it by being listed."""

import pytest

from core.enums import Role
from tests.helpers import PASSWORD
from tests.ui.conftest import open_url, sign_in_as, texts
from tests.ui.test_login import submit
from ui.navigation import PAGES, PageSpec


def titles(at) -> list[str]:
    return [str(t.value) for t in at.title]


def test_a_signed_out_visitor_of_a_page_url_is_asked_to_sign_in_for_that_page(app, actors):
    at = open_url(app, "create-liquidity")

    assert not at.exception
    assert "Sign in to open **Create Liquidity**." in texts(at.markdown)
    assert [b.label for b in at.form_submit_button] == ["Sign in"]


def test_signing_in_at_a_page_url_lands_on_that_page(app, actors):
    at = open_url(app, "create-liquidity")

    submit(at, "admin", PASSWORD)
    at.run()

    assert not at.exception
    assert titles(at) == ["Create Liquidity"]


def test_signing_in_at_the_url_of_a_page_the_role_may_not_use_explains_the_refusal(app, actors):
    at = open_url(app, "create-liquidity")

    submit(at, "analyst", PASSWORD)
    at.run()

    assert titles(at) == ["Create Liquidity"]
    assert texts(at.warning) == ["Create Liquidity is for admins; you are signed in as an analyst."]
    assert not at.text_input  # the page itself, with its amounts, never ran


def test_a_signed_in_user_at_a_forbidden_url_is_refused_and_pointed_to_their_own_page(app, actors, actor_sessions):
    sign_in_as(app, actors.trader, actor_sessions[actors.trader.id])

    at = open_url(app, "market-makers")

    assert not at.exception
    assert texts(at.warning) == ["Market Makers is for admins and analysts; you are signed in as a trader."]
    assert [link.label for link in at.get("page_link")] == ["Go to Cash Market"]


@pytest.mark.parametrize(
    ("who", "url", "title"),
    [("trader", "cash-market", "Cash Market"), ("analyst", "market-makers", "Market Makers")],
)
def test_a_signed_in_user_at_a_page_url_lands_on_it(app, actors, actor_sessions, who, url, title):
    user = getattr(actors, who)
    sign_in_as(app, user, actor_sessions[user.id])

    at = open_url(app, url)

    assert not at.exception
    assert titles(at) == [title]


def test_a_page_added_to_the_list_gets_its_deep_link_sign_in_and_refusal(app, actors, actor_sessions, monkeypatch):
    policies = PageSpec(
        "tests/ui/pages/failing_page.py", "Liquidity Policies", ":material/policy:", (Role.ADMIN, Role.ANALYST),
        "liquidity-policies",
    )  # fmt: skip
    monkeypatch.setattr("ui.navigation.PAGES", (policies,))

    signed_out = texts(open_url(app, "liquidity-policies").markdown)
    sign_in_as(app, actors.trader, actor_sessions[actors.trader.id])
    refused = texts(open_url(app, "liquidity-policies").warning)

    assert "Sign in to open **Liquidity Policies**." in signed_out
    assert refused == ["Liquidity Policies is for admins and analysts; you are signed in as a trader."]


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_is_headed_by_its_title_in_the_menu(open_app, actors, page):
    user = actors.admin if Role.ADMIN in page.roles else actors.trader

    at = open_app(user, page.path)

    assert not at.exception
    assert titles(at) == [page.title]
