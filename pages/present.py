"""Present: the meeting screen, one case at a time in large type, previous/next."""

from datetime import date

import streamlit as st

from streamlit_app.components import assessment_panel, present, session
from streamlit_app.components.case_card import summary_line
from streamlit_app.components.imaging_panel import history_events
from streamlit_app.components.text import escape_md
from streamlit_app.components.timeline import surveillance_timeline

cases = session.store().list_cases()
if not cases:
    st.info("No cases on the board yet.")
    st.stop()
index = present.position(cases)
stored = cases[index]
assessment = session.assessment_of(stored)

with st.container(horizontal=True, vertical_alignment="center"):
    st.button(
        "◀ Previous",
        key="present_prev",
        disabled=index == 0,
        on_click=present.go,
        args=(cases, index - 1),
    )
    st.button(
        "Next ▶",
        key="present_next",
        disabled=index == len(cases) - 1,
        on_click=present.go,
        args=(cases, index + 1),
    )
    st.markdown(f"Case {index + 1} of {len(cases)}", width="content")
    show_notes = st.toggle("Show free-text notes", key="present_notes", value=False)

title, badge = st.columns([1, 2], vertical_alignment="center")
title.title(escape_md(stored.case_id))
with badge:
    assessment_panel.badge(assessment, size="##")
st.markdown(f"#### {escape_md(summary_line(stored))}")
if stored.case.question:
    st.markdown(f"### Question: {escape_md(stored.case.question)}")
present.history(stored)

left, right = st.columns([2, 3], gap="large")
with left:
    st.markdown("### Top options")
    present.top_options(assessment)
    present.prompts(assessment)
with right:
    st.markdown("### Imaging timeline")
    if assessment.imaging.surveillance:
        figure = surveillance_timeline(
            assessment.imaging.surveillance,
            history_events(stored.case),
            today=date.today(),
            font_size=18,
        )
        st.plotly_chart(figure, width="stretch", key="present_timeline", theme=None)
    else:
        st.markdown("No surveillance schedule for this case.")

if show_notes:
    present.notes(stored)
