"""Board (home): the meeting's cases, with new, open, duplicate, delete, demo load and import."""

import streamlit as st

from streamlit_app.components import board, nav, session

st.title("Board")
board.flash()
cases = session.store().list_cases()

with st.container(horizontal=True):
    if st.button("New case", key="board_new", type="primary", on_click=board.new_case):
        st.switch_page(nav.INTAKE)
    st.button("Load the demo cases", key="board_demo", on_click=board.load_demo)

if cases:
    st.caption(f"{len(cases)} case(s) in the store")
    board.case_table(cases)
    with st.container(border=True):
        board.actions(cases)
else:
    st.info("No cases yet: load the demo cases, start a new case, or import case files.")

with st.expander("Import case files", expanded=not cases):
    board.import_files()
