"""Deleted cases: what was deleted, by whom and when; restore within 30 days, then purged."""

import streamlit as st

from streamlit_app.components import deleted, session

st.title("Deleted cases")
deleted.flash()
removed = session.store().deleted_cases()
st.caption(deleted.explanation())
if not removed:
    st.info("No deleted cases.")
    st.stop()
deleted.table(removed)
if session.can_edit():
    deleted.restore_buttons(removed)
