"""A meeting's agenda as a table (time, case, slot, readiness, referrer, decision) and the
Board's list of meetings, upcoming first. Readiness and times come from
``lms_board.meeting`` (readiness of the case's one assessment, the running timetable)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lms_board.meeting.readiness import readiness
from lms_board.meeting.timetable import meeting_end, timetable
from lms_board.store.meeting_records import StoredDecision, StoredMeeting
from streamlit_app.components import nav, session
from streamlit_app.components.text import escape_md


def when(stored: StoredMeeting) -> str:
    """``Thu 2026-12-10, 14:00–15:10``."""
    m = stored.meeting
    return f"{m.date:%a %Y-%m-%d}, {m.start_time:%H:%M}–{meeting_end(m):%H:%M}"


def heading(stored: StoredMeeting) -> str:
    """``MTG-2026-12-10 · Thu 2026-12-10, 14:00–15:10 · Room 4 · chair Dr Chair · 4 cases``."""
    m = stored.meeting
    status = "" if m.status == "planned" else f" · {m.status}"
    return (
        f"{stored.meeting_id} · {when(stored)} · {m.where} · chair {m.chair} · "
        f"{len(m.scheduled())} case(s){status}"
    )


def readiness_label(case_id: str) -> str:
    """``Ready`` / ``Defer: no tissue diagnosis, no chest CT`` (``case deleted`` when gone)."""
    stored = session.store().get(case_id)
    if stored is None:
        return "case deleted"
    return readiness(session.assessment_of(stored)).label


def decision_label(decision: StoredDecision | None) -> str:
    if decision is None:
        return "no decision yet"
    d = decision.decision
    signed = "signed off" if decision.signed else "not signed off"
    word = "deferred" if d.outcome == "deferred" else "decided"
    return f"{word}, {signed} (version {decision.version})"


COLUMNS = ["Time", "Case", "Minutes", "Readiness", "Referred by"]


def agenda_table(stored: StoredMeeting, *, decisions: bool = False) -> pd.DataFrame:
    """One row per scheduled case in order with its time, then the cases moved on."""
    m = stored.meeting
    made = {d.case_id: d for d in session.meetings().decisions(stored.meeting_id)}
    times = [(s.label, m.item(s.case_id)) for s in timetable(m)]
    times += [(f"moved to {i.moved_to}", i) for i in m.agenda if i.state == "moved"]
    rows = []
    for label, item in times:
        assert item is not None  # a slot is a scheduled item
        row = {
            "Time": label,
            "Case": item.case_id,
            "Minutes": item.minutes,
            "Readiness": readiness_label(item.case_id),
            "Referred by": item.referred_by or "",
        }
        if decisions:
            row["Decision"] = decision_label(made.get(item.case_id))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS + (["Decision"] if decisions else []))


def show_agenda(stored: StoredMeeting, *, decisions: bool = False) -> None:
    if not stored.meeting.agenda:
        st.caption("No cases on the agenda yet.")
        return
    st.dataframe(
        agenda_table(stored, decisions=decisions),
        hide_index=True,
        width="stretch",
        column_config={
            "Time": st.column_config.TextColumn(width=110),
            "Case": st.column_config.TextColumn(width=90),
            "Minutes": st.column_config.NumberColumn(width=70, help="The case's slot"),
            "Readiness": st.column_config.TextColumn(
                width="medium", help="Ready, or Defer with what the board needs first"
            ),
            "Referred by": st.column_config.TextColumn(width="small"),
            "Decision": st.column_config.TextColumn(width="medium"),
        },
    )


def open_meeting(meeting_id: str) -> None:
    session.set_current_meeting(meeting_id)


def upcoming_first(meetings: list[StoredMeeting], today: date) -> list[StoredMeeting]:
    """Meetings from today on, soonest first; then past ones, latest first."""
    ahead = sorted(
        (m for m in meetings if m.meeting.date >= today),
        key=lambda m: (m.meeting.date, m.meeting.start_time, m.meeting_id),
    )
    past = [m for m in meetings if m.meeting.date < today]  # the store lists latest first
    return ahead + past


def meetings_overview(today: date) -> None:
    """The Board's meetings: upcoming ones open with their agendas, past ones folded."""
    meetings = upcoming_first(session.meetings().list_meetings(), today)
    if not meetings:
        st.info("No meetings yet: create one on the Meeting page.")
    for stored in meetings:
        upcoming = stored.meeting.date >= today
        with st.expander(escape_md(heading(stored)), expanded=upcoming and stored is meetings[0]):
            show_agenda(stored)
            if st.button(
                "Open this meeting",
                key=f"board_open_meeting_{stored.meeting_id}",
                icon=":material/groups:",
                on_click=open_meeting,
                args=(stored.meeting_id,),
            ):
                st.switch_page(nav.MEETING)
