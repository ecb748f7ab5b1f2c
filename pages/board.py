"""Board (home): the meetings (upcoming first) with their agendas, readiness and times; the
cases with classification, grade and stage; one case's assessment; new, open, duplicate,
delete, demo load, import and the board's exports."""

from datetime import date

import streamlit as st

from streamlit_app.components import board, board_export, case_summary, meeting_agenda, nav, session

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

st.subheader("Meetings")
meeting_agenda.meetings_overview(date.today())

st.subheader("Cases")
if cases:
    st.caption(f"{len(cases)} case(s) on the board · click a row to open the case")
    board.case_table(cases)
    opened = session.current()
    if opened is None:
        st.info("No case is open: click a row above, or pick one in the sidebar.")
    else:
        with st.container(border=True):
            board.actions(opened)
        case_summary.show(opened, session.assessment_of(opened))
else:
    st.info("No cases yet: load the demo cases, start a new case, or import case files.")

if editor:
    with st.expander("Import case files", expanded=not cases):
        board.import_files()
