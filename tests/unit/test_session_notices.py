"""Every way a session can end under an open page is told to its user in words."""

from core.sessions import SessionEnd
from ui.session import ENDED


def test_every_end_of_a_session_but_an_unknown_token_has_its_own_notice():
    assert set(ENDED) == set(SessionEnd) - {SessionEnd.UNKNOWN}
    assert len(set(ENDED.values())) == len(ENDED)  # a password reset is not told as a sign-out elsewhere
