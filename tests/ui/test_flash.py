"""Toasts queued for the next run (``ui.feedback.flash``): each message once."""

from streamlit.testing.v1 import AppTest


def _double_click_then_rerun() -> None:
    from ui.feedback import flash, show_flashed

    flash("CEA policy saved")
    flash("CEA policy saved")  # the one save, said by both runs of a double click
    flash("EUA policy saved")
    show_flashed()


def test_a_message_queued_twice_before_the_next_run_is_shown_once_and_others_in_order():
    at = AppTest.from_function(_double_click_then_rerun).run()

    assert not at.exception
    assert [t.value for t in at.toast] == ["CEA policy saved", "EUA policy saved"]
