"""Assessment: classification badge, reasons, grade and stage, workup gaps, flags, what to
discuss, decision."""

import streamlit as st

from lms_board.wording import PROMPTS_TITLE
from streamlit_app.components import assessment_panel as panel
from streamlit_app.components import case_card, decision, session
from streamlit_app.components.text import escape_md

stored, assessment = session.require_case()
st.title(f"Assessment · {escape_md(stored.case_id)}")
case_card.summary(stored)
with st.expander("All case facts"):
    case_card.facts(stored, assessment)
panel.badge(assessment)
details = panel.details_toggle("assessment_details")

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Why")
    panel.reasons(assessment, details=details)
    st.subheader("Workup gaps: what to do")
    panel.gaps_checklist(assessment, details=details)
    st.subheader(PROMPTS_TITLE)
    panel.prompts(assessment, details=details)
with right:
    grade_col, stage_col = st.columns(2)
    with grade_col:
        panel.grade_panel(assessment.grade)
    with stage_col:
        panel.stage_panel(assessment.stage)
    st.subheader("Flags")
    panel.flags(assessment, details=details)

st.divider()
st.subheader("Board decision")
decision.show_latest(stored)
if session.can_edit():
    with st.expander("Record the board's decision", expanded=False):
        decision.form(stored, assessment)
