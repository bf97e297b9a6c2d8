"""Streamlit plumbing shared by app.py and the pages: database access, the signed-in user, messages."""
