"""A creation sent from a dialog (ui.dialogs.Dialogs.send) acts once for what was typed in one opening of the dialog:
the second send of a double click, or of an Enter whose run another run overtook after it had created, gets the
first one's outcome ("Created trader firm …"), never a refusal that the name it just took already exists."""

import pytest
from streamlit.testing.v1 import AppTest

from ui import session


@pytest.fixture(autouse=True)
def live_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """The script stands for a page of a tab still signed in (it holds no session of its own)."""
    monkeypatch.setattr(session, "session_is_live", lambda: True)


def script() -> None:
    import streamlit as st

    from ui.dialogs import Dialogs

    dialogs = Dialogs("t_dialog", "t_next", {"create": ("t_name",)})
    if st.button("Open", key="open"):
        dialogs.open("create")
    created = st.session_state.setdefault("created", [])

    def create(name: str) -> str:
        created.append(name)
        return f"{name} #{len(created)}"

    if st.button("Send twice", key="twice"):
        st.session_state["said"] = [dialogs.send(n, lambda n=n: create(n)) for n in ("Acme", "Acme", "Acme Carbon")]
    st.markdown(f"created {created} said {st.session_state.get('said')}")


def said(at: AppTest) -> str:
    return at.markdown[0].value


def test_a_creation_sent_twice_in_one_opening_acts_once_and_what_is_typed_anew_or_reopened_acts_again():
    at = AppTest.from_function(script).run()
    at.button(key="open").click().run()

    at.button(key="twice").click().run()

    assert said(at) == "created ['Acme', 'Acme Carbon'] said ['Acme #1', 'Acme #1', 'Acme Carbon #2']"
    at.button(key="twice").click().run()  # the same opening: nothing acts again
    assert said(at) == "created ['Acme', 'Acme Carbon'] said ['Acme #1', 'Acme #1', 'Acme Carbon #2']"
    at.button(key="open").click().run()  # a new opening is a new send
    at.button(key="twice").click().run()
    assert said(at) == (
        "created ['Acme', 'Acme Carbon', 'Acme', 'Acme Carbon'] said ['Acme #3', 'Acme #3', 'Acme Carbon #4']"
    )
