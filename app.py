"""Entry point and router: sign-in, then the pages the signed-in role may see (st.navigation)."""

import logging
import uuid

import streamlit as st
from sqlalchemy.exc import DBAPIError

from core.errors import AuthenticationFailed, CoreError, DatabaseUnavailable
from core.users import authenticate
from ui.feedback import show_flashed
from ui.navigation import pages_for
from ui.runtime import db_session, session_factory
from ui.session import NOTICE_KEY, current_user, sign_in, sign_out

log = logging.getLogger("carbon.app")

st.set_page_config(page_title="Carbon Backoffice", page_icon=":material/eco:", layout="wide")


def login_page() -> None:
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        st.title("Carbon Backoffice")
        st.caption("EUA and CEA allowances against EUR")
        if notice := st.session_state.pop(NOTICE_KEY, None):
            st.info(notice)
        with st.form("login_form"):
            username = st.text_input("Username", key="login_username")
            password = st.text_input("Password", type="password", key="login_password")
            submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
        if submitted:
            try:
                with db_session() as db:
                    user = authenticate(db, username, password)
            except AuthenticationFailed as exc:
                st.error(exc.message, icon=":material/lock:")
                return
            sign_in(user)
            st.rerun()


def no_pages() -> None:
    user = current_user()
    role = user.role.value.lower() if user else "signed-out"
    st.info(
        f"No pages are open to the {role} role yet. Ask an administrator if you need access.",
        icon=":material/info:",
    )


def database_unavailable(message: str) -> None:
    st.error(f"**Database unavailable.** {message}", icon=":material/cloud_off:")
    st.caption("This page retries by itself every few seconds.")

    @st.fragment(run_every="3s")
    def retry() -> None:
        try:
            with db_session() as db:
                db.connection().exec_driver_sql("SELECT 1")
        except (DBAPIError, CoreError):
            return
        st.rerun()

    retry()


def main() -> None:
    # the database first, even before sign-in: the embedded server starts, migrates and (on first start)
    # prints the demo passwords on the first page view, and an unreachable database is reported at once
    session_factory()
    user = current_user()
    if user is None:
        st.navigation([st.Page(login_page, title="Sign in", icon=":material/login:")], position="hidden").run()
        return
    with st.sidebar:
        st.markdown(f"**{user.username}** · {user.role.value.title()}")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out(notice="You are signed out.")
            st.rerun()
    show_flashed()
    pages = pages_for(user.role)
    if not pages:
        # Still routed through st.navigation: without it Streamlit would list the pages/ folder itself.
        pages = [st.Page(no_pages, title="Welcome", icon=":material/info:")]
    st.navigation(pages).run()


try:
    main()
except DatabaseUnavailable as exc:
    database_unavailable(exc.message)
except DBAPIError:
    log.exception("database error")
    database_unavailable("The connection to the database failed. Nothing was changed.")
except Exception:
    ref = uuid.uuid4().hex[:8]
    log.exception("unexpected error %s", ref)
    st.error(f"Something went wrong and nothing was changed. The error was logged with reference {ref}.")
