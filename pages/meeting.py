"""Meeting: create or edit a board meeting (details, agenda with the running timetable,
attendance with the quorum), each case's decision, sign-off and outcome letter, the minutes
and packet, and the follow-through (actions, what was done). ``?meeting=ID`` opens one."""

from datetime import date

import streamlit as st

from streamlit_app.components import (
    meeting_actions,
    meeting_agenda,
    meeting_cases,
    meeting_form,
    session,
)
from streamlit_app.components.text import escape_md

NEW = "New meeting"
PICK = "mtg_pick"

meetings = session.meetings()
listed = {m.meeting_id: m for m in meetings.list_meetings()}
current = session.current_meeting_id()
if current not in listed:
    current = None
    session.set_current_meeting(None)
st.session_state[PICK] = current or NEW


def picked() -> None:
    choice = st.session_state[PICK]
    session.set_current_meeting(None if choice == NEW else choice)


st.title(f"Meeting · {escape_md(current)}" if current else "Meeting")
st.selectbox(
    "Meeting",
    [NEW, *listed],
    key=PICK,
    on_change=picked,
    format_func=lambda m: m if m == NEW else meeting_agenda.heading(listed[m]),
)
stored = listed.get(current) if current else None
editor = session.can_edit()
if stored is None and not editor:
    st.info("No meeting is open: pick one above.")
    st.stop()

meeting_form.flash()
meeting_cases.flash()
if stored is not None:
    st.caption(
        f"Version {stored.version}, saved by {stored.updated_by} at "
        f"{stored.updated_at:%Y-%m-%d %H:%M} UTC"
    )
if editor:
    meeting_form.opened(stored)
    meeting_form.actions_row(stored)
tabs = ["Details & agenda", "Attendance"]
if stored is not None:
    tabs += ["Decisions & letters", "Follow-through"]
panes = st.tabs(tabs, key=f"mtg_tabs_{len(tabs)}")  # keyed: a rerun keeps the open tab

if editor:
    with panes[0]:
        meeting_form.details()
        st.subheader("Agenda")
        meeting_form.agenda({d.case_id for d in meetings.decisions(current)} if current else set())
    with panes[1]:
        meeting_form.attendance()
    meeting_form.keep()
elif stored is not None:
    with panes[0]:
        meeting_agenda.show_agenda(stored)
    with panes[1]:
        for attendee in stored.meeting.attendees:
            st.markdown(f"- {escape_md(attendee.label)}")

if stored is not None:
    with panes[2]:
        meeting_agenda.show_agenda(stored, decisions=True)
        meeting_cases.papers(stored)
        meeting_cases.cases(stored)
    with panes[3]:
        meeting_actions.follow_through(stored, date.today())
