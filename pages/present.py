"""Present: the open meeting's deck, one agenda case a screen, keyboard-driven, with the
decision captured live (→/← or PageDown/PageUp: next/previous; D: the decision panel)."""

import time
from datetime import date

import streamlit as st

from lms_board.meeting.timetable import timetable
from lms_board.store.meeting_store import MeetingStore
from streamlit_app.components import decision_panel, present, present_live, session
from streamlit_app.components.text import escape_md

meetings = MeetingStore(session.store())
meeting_id = session.current_meeting_id()
stored_meeting = meetings.get_meeting(meeting_id) if meeting_id else None
if stored_meeting is None:
    present.pick_meeting(meetings.list_meetings())
    st.stop()
meeting_id, meeting = stored_meeting.meeting_id, stored_meeting.meeting
ids = present.agenda_ids(meeting)
if not ids:
    st.info(f"{meeting_id} has no cases on its agenda yet. Add them on its Meeting page.")
    present.change_meeting_button()
    st.stop()
index = present.position(ids)
case_id, slot = ids[index], timetable(meeting)[index]
present_live.clock(meeting_id).show(case_id, time.monotonic())
panel_open = decision_panel.is_open(meeting_id, case_id)

with st.container(horizontal=True, vertical_alignment="center", key="present_bar"):
    st.markdown(
        f"#### {escape_md(meeting_id)} · case {index + 1} of {len(ids)} · {slot.label}",
        width="content",
    )
    present_live.timer(meeting_id, case_id, slot.minutes)
    present.nav_buttons(ids, index, disabled=panel_open)
    if session.can_edit():
        st.button(
            "Decision", key="present_decide", icon=":material/gavel:", shortcut="D",
            on_click=decision_panel.open_panel, args=(meeting_id, case_id),
        )  # fmt: skip
with st.sidebar:
    show_notes = st.toggle("Show free-text notes", key="present_notes", value=False)
    present.change_meeting_button()

saved = st.session_state.pop(decision_panel.SAVED, None)
if saved:
    st.toast(saved, icon=":material/check:")
stored = session.store().get(case_id)
if stored is None:
    st.warning(f"Case {case_id} is on the agenda but was deleted since.")
    st.stop()
assessment = session.assessment_of(stored)
present.heading(stored, assessment)
present_live.decision(meeting_id, case_id)
left, middle, right = st.columns(3, gap="large")
with left:
    present.why(assessment)
with middle:
    present.options(assessment)
with right if assessment.workup_gaps else left:  # the column with room
    present.history(stored)
with right:
    present.plans(assessment, date.today())
if show_notes:
    present.notes(stored)
if panel_open:
    minutes = present_live.clock(meeting_id).elapsed(case_id, time.monotonic()) / 60
    decision_panel.panel(meeting, meeting_id, case_id, assessment, stored.version, minutes)
