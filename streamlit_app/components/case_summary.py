"""One case's full assessment at a glance, below the Board table.

The Assessment page's renderers in a compact layout: badge, why, grade and stage, workup gaps,
flags and the top options.
"""

from __future__ import annotations

import streamlit as st

from lms_board.assessment import Assessment
from lms_board.store import StoredCase
from lms_board.wording import PROMPTS_TITLE
from streamlit_app.components import assessment_panel as panel
from streamlit_app.components import case_card
from streamlit_app.components.options import option_card
from streamlit_app.components.present import TOP_OPTIONS
from streamlit_app.components.text import escape_md


def show(stored: StoredCase, assessment: Assessment) -> None:
    with st.container(border=True, key="board_summary"):
        st.subheader(f"{escape_md(stored.case_id)}: assessment")
        case_card.summary(stored)
        panel.badge(assessment, size="####")
        why, facts, options = st.columns([3, 2, 3], gap="medium")
        with why:
            st.markdown("**Why**")
            panel.reasons(assessment)
            st.markdown("**Workup gaps: what to do**")
            panel.gaps_list(assessment)
        with facts:
            panel.grade_panel(assessment.grade)
            panel.stage_panel(assessment.stage)
            st.markdown("**Flags**")
            panel.flags(assessment)
            if assessment.prompts:
                st.markdown(f"**{PROMPTS_TITLE}**")
                panel.prompts(assessment, compact=True)
        with options:
            st.markdown("**Top options**")
            if not assessment.options:
                st.caption("No options listed for this case.")
            for option in assessment.options[:TOP_OPTIONS]:
                option_card(option, assessment, compact=True)
            more = len(assessment.options) - TOP_OPTIONS
            if more > 0:
                st.caption(f"{more} more on the Options & trials page.")
