"""What a field says of a link's value it did not take (``ui.url_state.link_note``)."""

from ui.url_state import link_note


def test_a_value_not_offered_is_named_with_what_the_field_shows_instead():
    assert link_note("Certificate", "BTC", "All", ["All", "CEA", "EUA"]) == (
        "The link's Certificate “BTC” is not one of All, CEA, EUA: All is shown."
    )


def test_a_value_in_another_case_or_at_the_default_is_no_note():
    assert link_note("Certificate", "cea", "CEA", ["All", "CEA", "EUA"]) is None
    assert link_note("Certificate", "All", "All", ["All", "CEA", "EUA"]) is None


def test_one_of_the_fields_words_in_another_case_that_the_field_does_not_show_is_said():
    # Streamlit's bound choices take only their own spelling: "cea" left Operations on All, and no note said so
    assert link_note("Certificate", "cea", "All", ["All", "CEA", "EUA"]) == (
        "The link's Certificate “cea” is not one of All, CEA, EUA: All is shown."
    )


def test_a_pasted_page_of_text_is_quoted_by_its_start_and_its_length():
    note = link_note("Sort by", "nonsense " * 600, "Time", ["Time", "Ticket"])

    assert note == (
        "The link's Sort by “nonsense nonsense nonsense non… (5,399 characters)” is not one of Time, Ticket: Time is "
        "shown."
    )


def test_a_value_the_page_knows_why_it_did_not_take_is_said_with_that_reason():
    note = link_note("market maker", "3", "Atlas", why="is Old LP, inactive, hidden while “Show inactive” is off")

    assert (
        note == "The link's market maker “3” is Old LP, inactive, hidden while “Show inactive” is off: Atlas is shown."
    )
