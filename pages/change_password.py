"""Change Password: any signed-in user replaces their own password."""

import streamlit as st

from ui.navigation import CHANGE_PASSWORD
from ui.password_form import password_form
from ui.session import require_user

user = require_user()
st.title(CHANGE_PASSWORD.title)
form_column, _ = st.columns([2, 3])  # a form of three short fields reads best narrow
with form_column:
    st.caption("Changing it signs you out everywhere else; this window stays signed in.")
    password_form(
        user.id, key="change_password", changed="Password changed. Any other sessions of yours were signed out."
    )
