"""Entry point and router: sign-in, then the pages the signed-in role may see (st.navigation).

Streamlit runs this file as the script of every page view (``__main__``; AppTest too). ``streamlit run app.py``
also finds ``app`` below and serves the file through it: Streamlit's own server plus the route that puts a
session's token into the browser's cookie (ui/session.py). Work that starts and stops with the server process,
not with a page view, goes in ``st.App(lifespan=...)``.
"""

import logging

import streamlit as st
from sqlalchemy.exc import DBAPIError
from streamlit.runtime.pages_manager import PagesManager

from core.errors import AuthenticationFailed, CoreError, DatabaseUnavailable, InvalidFields
from core.users import SIGN_IN_PASSWORD, SIGN_IN_USERNAME, authenticate
from ui import clicks, session
from ui.feedback import field_error, on_script_error, show_flashed, show_refusal, show_unexpected
from ui.format import md_escape
from ui.hidden import hide_sidebar_expander
from ui.kill_switch import render_kill_switch
from ui.live import app_run_started
from ui.navigation import (
    PageSpec,
    choose_password_pages,
    home_page,
    refusal,
    signed_in_pages,
    signed_out_pages,
)
from ui.password_form import password_form
from ui.runtime import db_session, session_factory
from ui.serving import serving

log = logging.getLogger("carbon.app")


def login_page(target: PageSpec | None) -> None:
    hide_sidebar_expander()
    _, middle, _ = st.columns([1, 1.2, 1])
    with middle:
        st.title("Carbon Backoffice")
        st.caption("EUA and CEA allowances against EUR")
        if notice := st.session_state.pop(session.NOTICE_KEY, None):
            st.info(notice)
        if target is not None:
            st.markdown(f"Sign in to open **{target.title}**.")
        with st.form("login_form"):
            username = st.text_input("Username", key="login_username")
            under = {SIGN_IN_USERNAME: st.container()}
            password = st.text_input("Password", type="password", key="login_password")
            under[SIGN_IN_PASSWORD] = st.container()
            submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
        if submitted:
            try:
                with db_session() as db:
                    user = authenticate(db, username, password)
            except InvalidFields as exc:  # a field left empty: asked for under it, no attempt counted
                for field, why in exc.faults.items():
                    field_error(under[field], why)
                return
            except AuthenticationFailed as exc:
                st.error(md_escape(exc.message), icon=":material/lock:")
                return
            session.sign_in(user)


def choose_password_page(target: PageSpec | None) -> None:
    """First thing after signing in with a password an administrator made: the user chooses their own. Core and SQL
    refuse them everything else until then; at a page's URL (``target``) that page opens once they have."""
    user = session.require_user()
    _, middle, _ = st.columns([1, 1.6, 1])
    with middle:
        st.title("Choose your password")
        st.markdown(
            f"Welcome, **{md_escape(user.username)}**. You signed in with a one-time password an administrator made "
            "for you: choose your own to continue."
        )
        password_form(
            user.id, key="choose_password", changed="Your password is set. Welcome!", current_label="One-time password"
        )
        if st.button("Sign out", icon=":material/logout:", key="choose_password_sign_out"):
            session.sign_out()
            st.rerun()


def refused_page(page: PageSpec) -> None:
    """What a page's URL shows to a role that may not use the page."""
    user = session.require_user()
    st.title(page.title)
    st.warning(refusal(page, user.role), icon=":material/block:")
    if (home := home_page(user.role)) is not None:
        st.page_link(home.path, label=f"Go to {home.title}", icon=home.icon)
    st.caption("Ask an administrator if you need access.")


def no_pages() -> None:
    user = session.require_user()
    st.info(
        f"No pages are open to the {user.role.value.lower()} role yet. Ask an administrator if you need access.",
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
    app_run_started()
    clicks.start_run()
    user = session.current_user()
    if user is None:
        st.set_page_config(initial_sidebar_state="collapsed")  # a page signed out in place keeps no empty sidebar
        st.navigation(signed_out_pages(login_page), position="hidden").run()
        return
    if user.must_change_password:  # no sidebar drawn: the page that follows the change opens with its own
        st.navigation(choose_password_pages(choose_password_page), position="hidden").run()
        session.watch()  # a reset or a deactivation meanwhile signs this page out too
        show_flashed()
        return
    page = st.navigation(signed_in_pages(user.role, refused=refused_page, welcome=no_pages))
    if page.url_path:  # "/" only forwards to the role's first page (ui.navigation): nothing to draw around it
        with st.sidebar:
            st.markdown(f"**{md_escape(user.username)}** · {user.role.value.title()}")
            if st.button("Sign out", icon=":material/logout:", key="sign_out"):
                session.sign_out()
                st.rerun()
            session.watch()
            render_kill_switch(user)  # on every admin page while policies run
        show_flashed()
    page.run()


def run() -> None:
    """One page view; whatever escapes it is shown as a sentence, never as a trace."""
    st.set_page_config(page_title="Carbon Backoffice", page_icon=":material/eco:", layout="wide")
    try:
        main()
    except DatabaseUnavailable as exc:
        database_unavailable(exc.message)
    except CoreError as exc:  # a refusal from core while a page rendered: its own words, the page stays usable
        show_refusal(exc)
    except DBAPIError:
        log.exception("database error")
        database_unavailable("The connection to the database failed. Nothing was changed.")
    except Exception as exc:
        show_unexpected(exc)


if __name__ == "__main__":
    run()
else:
    # Streamlit takes a folder named pages/ for an old-style (v1) page list until st.navigation first runs, so
    # the first page view after a start would answer a deep link with "Page not found". Our pages/ is routed by
    # st.navigation only; Streamlit's own advice is to name it app_pages/, which would make this line unneeded.
    PagesManager.uses_pages_directory = False
    app = st.App(__file__, routes=session.ROUTES, on_script_error=on_script_error, lifespan=serving)
