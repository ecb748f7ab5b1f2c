"""A case at a glance: the summary line, the question and the full facts on demand."""

from __future__ import annotations

import streamlit as st

from lms_board.assessment import Assessment
from lms_board.export.text import case_facts, patient_text, primary_text
from lms_board.store import StoredCase
from streamlit_app.components.text import escape_md


def summary_line(stored: StoredCase) -> str:
    """``54 y · female · ECOG 0 · Extremity – left thigh · 11 cm · deep · primary``."""
    return f"{patient_text(stored.case)} · {primary_text(stored.case)}"


def summary(stored: StoredCase) -> None:
    case = stored.case
    meta = [f"status {stored.status}", f"version {stored.version}"]
    if case.board_date:
        meta.append(f"board {case.board_date.isoformat()}")
    if case.presenter:
        meta.append(f"presented by {case.presenter}")
    st.markdown(f"**{escape_md(summary_line(stored))}**")
    st.caption(escape_md(" · ".join(meta)))
    if case.question:
        st.markdown(f"**Question:** {escape_md(case.question)}")


def facts(stored: StoredCase, assessment: Assessment) -> None:
    """Every case fact as label/value rows (the same wording as the exports)."""
    for fact in case_facts(stored.case, assessment):
        label, value = st.columns([1, 6])
        label.markdown(f"**{escape_md(fact.label)}**")
        value.text("\n".join(fact.items) if fact.items else fact.value)
