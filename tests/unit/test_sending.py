"""ui.sending: a confirmed action sent twice at once (the two callbacks of a double click, in two threads) acts
once, and both sends get its outcome."""

import threading
import time

import pytest

from core.errors import InsufficientFunds, PermissionDenied
from ui import session
from ui.sending import new_token, send_once


@pytest.fixture(autouse=True)
def live_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """These sends come from a tab still signed in (no Streamlit run here to hold its token)."""
    monkeypatch.setattr(session, "session_is_live", lambda: True)


def test_two_sends_of_one_confirmation_at_once_act_once_and_both_get_its_result():
    token, acted, results = new_token(), [], []

    def move() -> str:
        acted.append(1)
        time.sleep(0.05)  # the second send arrives while the first is still moving
        return "TKT-2026-000001"

    sends = [threading.Thread(target=lambda: results.append(send_once(token, move))) for _ in range(2)]
    for send in sends:
        send.start()
    for send in sends:
        send.join()

    assert len(acted) == 1
    assert results == ["TKT-2026-000001", "TKT-2026-000001"]


def test_a_repeat_of_a_refused_send_is_refused_alike_without_trying_again():
    token, tried = new_token(), []

    def refused() -> None:
        tried.append(1)
        raise InsufficientFunds("Cannot withdraw €10.00: only €5.00 is available")

    for _ in range(2):
        with pytest.raises(InsufficientFunds, match=r"only €5\.00 is available"):
            send_once(token, refused)

    assert len(tried) == 1


def test_two_confirmations_each_act():
    assert [send_once(new_token(), lambda: "done") for _ in range(2)] == ["done", "done"]


def test_a_send_from_a_tab_whose_session_ended_acts_not_at_all_and_is_not_kept_as_the_outcome(monkeypatch):
    token, acted = new_token(), []
    monkeypatch.setattr(session, "session_is_live", lambda: False)

    with pytest.raises(PermissionDenied, match="nothing was changed"):
        send_once(token, lambda: acted.append(1))

    monkeypatch.setattr(session, "session_is_live", lambda: True)  # signed in again: the same send is new
    send_once(token, lambda: acted.append(1))
    assert acted == [1]
