"""A page for tests of app.py's error handling: it draws an input, then fails the way the input says.

"refused" raises core's refusal while the page renders (as a page that forgot to catch one would), "crash" raises
something nobody planned for; anything else is accepted.
"""

import streamlit as st

from core.errors import ValidationError

st.title("Failing page")
typed = st.text_input("Price", key="failing_price")
if typed == "refused":
    raise ValidationError("Prices have at most 2 decimals: 14.005 is not a price")
if typed == "crash":
    raise RuntimeError("a bug")
st.markdown(f"Accepted: {typed or 'nothing yet'}")
