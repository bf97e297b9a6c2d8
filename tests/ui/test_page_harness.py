"""The page tests' harness (tests/ui/conftest.py) runs every page as the served app does: through app.py's router,
its session check and its sidebar, never the page file by itself."""

import pytest

from core.enums import Role
from ui.navigation import PAGES


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_opened_by_a_test_runs_through_app_py_as_when_served(open_app, actors, page):
    user = actors.admin if Role.ADMIN in page.roles else getattr(actors, page.roles[0].value.lower())

    at = open_app(user, page.path)

    assert not at.exception
    assert at.title[0].value == page.title
    assert [b.key for b in at.sidebar.button] == ["sign_out"]  # drawn by app.py alone, around the page it routes to
