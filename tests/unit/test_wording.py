"""Counts in sentences (core.wording.counted, which ui.format shares): never "order(s)" or "policy(ies)"."""

import pytest

from core.wording import counted
from ui import format as ui_format


@pytest.mark.parametrize(
    ("n", "noun", "plural", "text"),
    [
        (1, "order", None, "1 order"),
        (12, "order", None, "12 orders"),
        (0, "minute", None, "0 minutes"),
        (1, "policy", "policies", "1 policy"),
        (2, "policy", "policies", "2 policies"),
        (1_204, "active asset holder", None, "1,204 active asset holders"),
    ],
)
def test_a_count_reads_with_its_noun_singular_for_one_and_plural_otherwise(n, noun, plural, text):
    assert counted(n, noun, plural) == text


def test_the_ui_counts_with_the_same_words_as_core():
    assert ui_format.counted is counted
