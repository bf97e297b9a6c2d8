"""Counts and amounts in sentences (core.wording, which ui.format shares): never "order(s)" or "policy(ies)"; an
amount with its unit."""

from decimal import Decimal

import pytest

from core import policy_rules
from core.enums import AssetType
from core.wording import a_or_an, amount_text, counted, eur, figure
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


@pytest.mark.parametrize(
    ("asset", "value", "text"),
    [
        (AssetType.EUR, Decimal("1000.5"), "€1,000.50"),
        ("EUR", 0, "€0.00"),
        (AssetType.CEA, 500, "500 CEA"),
        ("EUA", Decimal("1204"), "1,204 EUA"),
    ],
)
def test_an_amount_reads_with_its_unit_euros_to_the_cent_and_certificates_whole(asset, value, text):
    assert amount_text(asset, value) == text


@pytest.mark.parametrize(
    ("asset", "value", "text"),
    [
        (AssetType.EUR, Decimal("4300000"), "4,300,000.00"),
        ("EUR", Decimal("0.5"), "0.50"),
        (AssetType.EUA, Decimal("5000"), "5,000"),
        ("CEA", 999, "999"),
    ],
)
def test_a_figure_is_an_amount_grouped_without_its_unit_as_a_prefilled_field_shows_it(asset, value, text):
    assert figure(asset, value) == text


def test_core_and_the_ui_write_amounts_with_the_same_words():
    assert ui_format.amount_text is amount_text
    assert policy_rules.amount_text is amount_text  # the policy rules kept a twin of their own
    assert ui_format.eur is eur
    assert ui_format.figure is figure


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("EUA", "an EUA"),  # read letter by letter: "ee-you-ay"
        ("EUA BID", "an EUA BID"),
        ("CEA BID", "a CEA BID"),
        ("BID", "a BID"),
        ("Arabic", "an Arabic"),
        ("Cyrillic", "a Cyrillic"),
    ],
)
def test_an_indefinite_article_follows_the_sound_of_the_word_an_eua_a_cea(word, text):
    assert a_or_an(word) == text
