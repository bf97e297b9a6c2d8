"""What escapes a page while it renders: core's refusal is shown in its own words with the page still usable, never
as "Something went wrong"; only a failure nobody planned for gets the generic box with a logged reference."""

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from core.enums import Role
from tests.ui.conftest import texts
from ui.navigation import PageSpec

PAGE = "tests/ui/pages/failing_page.py"
REFUSAL = "Prices have at most 2 decimals: 14.005 is not a price"


@pytest.fixture
def failing_page(open_app, actors, monkeypatch):
    spec = PageSpec(PAGE, "Failing", ":material/bug_report:", tuple(Role), "failing")
    monkeypatch.setattr("ui.navigation.PAGES", (spec,))
    return open_app(actors.admin, PAGE)


def type_price(at, text: str):
    at.text_input(key="failing_price").set_value(text)
    return at.run()


def test_a_refusal_raised_while_a_page_renders_shows_its_own_message(failing_page):
    at = type_price(failing_page, "refused")

    assert not at.exception
    assert texts(at.error) == [REFUSAL]
    assert [t.value for t in at.title] == ["Failing page"]
    assert "Sign out" in [b.label for b in at.sidebar.button]


def test_the_page_stays_usable_after_a_refusal(failing_page):
    at = type_price(failing_page, "refused")

    at = type_price(at, "14.00")

    assert texts(at.error) == []
    assert "Accepted: 14.00" in texts(at.markdown)


def test_an_unplanned_failure_gets_the_generic_box_with_a_logged_reference(failing_page, caplog):
    with caplog.at_level(logging.ERROR, logger="carbon.app"):
        at = type_price(failing_page, "crash")

    [box] = texts(at.error)
    ref = re.fullmatch(
        r"Something went wrong and nothing was changed\. The error was logged with reference (\w+)\.", box
    )
    assert ref, box
    assert any(ref.group(1) in r.getMessage() and r.exc_info for r in caplog.records)


def test_the_servers_handler_shows_refusals_from_fragments_and_callbacks_in_their_own_words(caplog):
    def script() -> None:
        import streamlit as st

        from core.errors import Conflict
        from ui.feedback import on_script_error

        handled = [on_script_error(Conflict("This order was already cancelled")), on_script_error(KeyError("bug"))]
        st.markdown(f"traceback suppressed: {handled}")

    with caplog.at_level(logging.ERROR, logger="carbon.app"):
        at = AppTest.from_function(script).run()

    refusal, unexpected = texts(at.error)
    assert refusal == "This order was already cancelled"
    assert unexpected.startswith("Something went wrong and nothing was changed. The error was logged with reference")
    assert texts(at.markdown) == ["traceback suppressed: [True, True]"]
    assert not at.exception
