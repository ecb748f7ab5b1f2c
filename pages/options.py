"""Options & trials: options by modality with evidence, what to discuss, what is not suitable
and why, trial examples."""

import streamlit as st

from lms_board.wording import PROMPTS_TITLE
from streamlit_app.components import assessment_panel, case_card, session
from streamlit_app.components import options as render
from streamlit_app.components.text import escape_md

stored, assessment = session.require_case()
st.title(f"Options & trials · {escape_md(stored.case_id)}")
case_card.summary(stored)
assessment_panel.badge(assessment, size="####")

st.header("Options")
render.options(assessment)

if assessment.prompts:
    st.header(PROMPTS_TITLE)
    assessment_panel.prompts(assessment)

st.header("Not suitable")
render.not_suitable(assessment)

st.header("Trial examples")
st.caption(
    "Examples to discuss, not a referral list: each status is as of the date shown; "
    "verify on ClinicalTrials.gov before referring."
)
render.trials(assessment)
