"""Presentation-mode pieces: position in the meeting, top options, notes on request."""

from __future__ import annotations

import streamlit as st

from lms_board.assessment import Assessment
from lms_board.export.text import history_items
from lms_board.store import StoredCase
from lms_board.wording import PROMPTS_TITLE, option_meta
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

TOP_OPTIONS = 3


def position(cases: list[StoredCase]) -> int:
    """Index of the current case in the meeting order (the first one if none is open)."""
    ids = [s.case_id for s in cases]
    current = session.current_case_id()
    if current not in ids:
        session.set_current(ids[0])
        st.rerun()
    return ids.index(current)


def go(cases: list[StoredCase], index: int) -> None:
    if 0 <= index < len(cases):
        session.set_current(cases[index].case_id)


def top_options(assessment: Assessment) -> None:
    if not assessment.options:
        st.markdown("No options listed.")
    for option in assessment.options[:TOP_OPTIONS]:
        st.markdown(f"#### {escape_md(option.name)}")
        st.markdown(escape_md(option_meta(option)))
    if len(assessment.options) > TOP_OPTIONS:
        st.caption(f"{len(assessment.options) - TOP_OPTIONS} more on the Options page.")


def history(stored: StoredCase) -> None:
    """The treatment so far, one row per event and treatment line, oldest first; the latest
    line is never left out and stands in bold."""
    st.markdown("### Treatment so far")
    items = [f"- {escape_md(item)}" for item in history_items(stored.case)]
    if items:
        items[-1] = f"- **{items[-1][2:]}**"
    st.markdown("\n".join(items))


def prompts(assessment: Assessment) -> None:
    """What to discuss for this patient, by name and in one sentence each."""
    if not assessment.prompts:
        return
    st.markdown(f"### {PROMPTS_TITLE}")
    st.markdown("\n".join(f"- {escape_md(p.message)}" for p in assessment.prompts))


def notes(stored: StoredCase) -> None:
    """The case's free text (clinical summary, preference), shown only when switched on."""
    case = stored.case
    with st.container(border=True):
        st.markdown("#### Notes")
        st.text(case.notes or "No clinical summary.")
        if case.history.patient_preference:
            st.markdown("#### Patient preference")
            st.text(case.history.patient_preference)
