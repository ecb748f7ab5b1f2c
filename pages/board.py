"""Board (home): the meeting's cases with classification, grade and stage; one case's
assessment; new, open, duplicate, delete, demo load, import and the board's exports."""

import streamlit as st

from streamlit_app.components import board, board_export, case_summary, nav, session

st.title("Board")
board.flash()
cases = session.store().list_cases()

editor = session.can_edit()
with st.container(horizontal=True):
    if editor and st.button("New case", key="board_new", type="primary", on_click=board.new_case):
        st.switch_page(nav.INTAKE)
    if editor:
        st.button("Load the demo cases", key="board_demo", on_click=board.load_demo)
    if cases:
        with st.popover("Export the board", icon=":material/download:"):
            board_export.exports(cases)

if cases:
    st.caption(f"{len(cases)} case(s) in the store")
    board.case_table(cases)
    with st.container(border=True):
        selected = board.actions(cases)
    case_summary.show(selected, session.assessment_of(selected))
else:
    st.info("No cases yet: load the demo cases, start a new case, or import case files.")

if editor:
    with st.expander("Import case files", expanded=not cases):
        board.import_files()
