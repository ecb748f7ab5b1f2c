"""Imaging plan: staging, biopsy, response assessment, surveillance timeline, pitfalls."""

from datetime import date

import streamlit as st

from streamlit_app.components import case_card, imaging_panel, session
from streamlit_app.components.text import escape_md
from streamlit_app.components.timeline import surveillance_timeline

stored, assessment = session.require_case()
plan = assessment.imaging
st.title(f"Imaging plan · {escape_md(stored.case_id)}")
case_card.summary(stored)

staging, biopsy, response = st.columns(3, gap="medium")
with staging:
    imaging_panel.items("Staging", plan.staging, assessment)
with biopsy:
    imaging_panel.items("Biopsy", plan.biopsy, assessment)
with response:
    imaging_panel.items("Response assessment", plan.response, assessment)

st.subheader("Surveillance")
if plan.surveillance_basis:
    st.caption(escape_md(plan.surveillance_basis))
if plan.surveillance:
    st.plotly_chart(
        surveillance_timeline(
            plan.surveillance, imaging_panel.history_events(stored.case), today=date.today()
        ),
        width="stretch",
        key="imaging_timeline",
        theme=None,
    )
    imaging_panel.schedule_table(plan.surveillance)
else:
    st.info("No surveillance schedule for this case.")

imaging_panel.items("Pitfalls", plan.pitfalls, assessment)
