"""Service layer of the carbon backoffice: plain typed functions over a SQLAlchemy Session.

Nothing here imports Streamlit. Writes that move money call stored functions (see sql/);
reads use views. Every public function either commits or changes nothing.
"""
