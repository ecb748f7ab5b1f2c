"""Renderers of an Assessment: classification badge, reasons, grade, stage, gaps and flags."""

from __future__ import annotations

import streamlit as st

from lms_board.assessment import Assessment, Grade, Stage
from streamlit_app.components.text import escape_md, evidence_links

_COLOURS = {"resectable": "green", "advanced": "orange"}


def badge(assessment: Assessment, size: str = "###") -> None:
    """``Resectable · localized`` as a large coloured badge, with a provisional warning."""
    c = assessment.classification
    colour = _COLOURS.get(c.category, "blue")
    st.markdown(f"{size} :{colour}-background[{escape_md(c.label)}]")
    if c.provisional:
        st.warning(
            "Provisional: open workup gaps could change this classification (see why).",
            icon=":material/hourglass_top:",
        )


def reasons(assessment: Assessment) -> None:
    """Each rule that fired: its sentence, its id and its sources."""
    for r in assessment.classification.rationale:
        sources = evidence_links(r.evidence, assessment.evidence)
        line = f"- {escape_md(r.text)}  \n  `{r.rule}`"
        if sources:
            line += f" · sources: {sources}"
        st.markdown(line)


def grade_panel(grade: Grade | None) -> None:
    if grade is None or grade.grade is None:
        st.metric("FNCLCC grade", "—")
        st.caption("Unknown: no complete FNCLCC components and no reported grade.")
        return
    st.metric("FNCLCC grade", f"G{grade.grade}", help=f"source: {grade.source}")
    if grade.score is not None:
        st.caption(
            f"Score {grade.score} = differentiation {grade.differentiation} + "
            f"mitoses {grade.mitoses} + necrosis {grade.necrosis}"
        )
    if grade.reported_grade is not None:
        st.caption(f"Reported grade: G{grade.reported_grade}")
    if grade.discrepancy:
        st.warning("The reported grade disagrees with the computed one.")


def stage_panel(stage: Stage) -> None:
    if stage.system is None:
        st.metric("Stage", "not staged")
    else:
        st.metric(escape_md(stage.system), stage.group or "—")
        tnm = " ".join(part for part in (stage.t, stage.n, stage.m) if part)
        if tnm:
            st.caption(escape_md(tnm))
    if stage.note:
        st.caption(escape_md(stage.note))


def gaps_checklist(assessment: Assessment) -> None:
    """Workup gaps as a checklist saying what to do (ticks are for this session only)."""
    if not assessment.workup_gaps:
        st.success("No workup gaps.", icon=":material/check_circle:")
        return
    for gap in assessment.workup_gaps:
        tick, text = st.columns([1, 24])
        tick.checkbox(
            f"done: {gap.code}",
            key=f"assessment_gap_{assessment.case_id}_{gap.code}",
            label_visibility="collapsed",
        )
        sources = evidence_links(gap.evidence, assessment.evidence)
        text.markdown(escape_md(gap.message))
        text.caption(f"`{gap.code}`" + (f" · {sources}" if sources else ""))


def gaps_list(assessment: Assessment) -> None:
    """Workup gaps as a plain list (what to do, with sources): the compact form."""
    if not assessment.workup_gaps:
        st.caption("No workup gaps.")
        return
    for gap in assessment.workup_gaps:
        sources = evidence_links(gap.evidence, assessment.evidence)
        line = f"- {escape_md(gap.message)} `{gap.code}`"
        st.markdown(line + (f" · {sources}" if sources else ""))


def flags(assessment: Assessment) -> None:
    if not assessment.flags:
        st.caption("No flags.")
    for flag in assessment.flags:
        st.warning(f"**{escape_md(flag.code)}**: {escape_md(flag.message)}", icon=":material/flag:")
