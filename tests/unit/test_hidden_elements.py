"""An element drawn for what it does, not to be seen (a script, a listening component, the fields of a mode not
shown), takes no room by one rule, ``ui.hidden.hide_element``. Three rules had grown apart: one hid the element but
not the wrapper a container stands in, which kept its gap; one hid the element's parent, which for a widget is the
whole block it sits in. Found by reading the source, so a fourth written tomorrow fails here, naming itself."""

import re

from core.db import PROJECT_ROOT
from ui.hidden import hidden_css

HIDDEN = PROJECT_ROOT / "ui" / "hidden.py"
SOURCES = sorted([PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "ui").glob("*.py")])
HIDES = re.compile(r"display\s*[:=]\s*[\"']?none", re.IGNORECASE)  # CSS, or a script's style.display = "none"


def test_no_source_but_ui_hidden_writes_a_rule_that_hides_an_element():
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in SOURCES
        if path != HIDDEN
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HIDES.search(line)
    ]

    assert found == []  # call ui.hidden.hide_element(key) instead


def test_the_scan_sees_the_one_rule_it_is_meant_to_find():
    assert HIDDEN in SOURCES
    assert HIDES.search(HIDDEN.read_text())


def test_the_rule_hides_the_element_and_the_wrapper_a_keyed_container_stands_in_never_its_whole_block():
    css = hidden_css("liq_targets_hidden")

    assert css.startswith("<style>") and css.endswith("</style>")  # style only: Streamlit gives it no room either
    assert ".st-key-liq_targets_hidden," in css  # a widget or component: its element container
    assert "[data-testid=stLayoutWrapper]:has(> .st-key-liq_targets_hidden)" in css  # a container: its wrapper's gap
    assert "div:has(" not in css  # a widget's parent div is the whole block it sits in
