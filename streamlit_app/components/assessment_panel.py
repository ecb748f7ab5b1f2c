"""Renderers of an Assessment: classification badge, reasons, grade, stage, gaps, flags and
the points to discuss (prompts). Clinician wording only (``lms_board.wording``); rule ids and
codes appear only with ``details=True`` (the page's "details" toggle)."""

from __future__ import annotations

import streamlit as st

from lms_board.assessment import Assessment, Grade, Stage
from lms_board.wording import cap, classification_status, flag_label, gap_label, prompt_label
from streamlit_app.components.options import sourced_list
from streamlit_app.components.text import escape_md, evidence_links

DETAILS_HELP = "Show the rule id behind each reason and the code of each gap, flag and prompt."

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
    elif assessment.workup_gaps:
        st.caption(escape_md(cap(classification_status(assessment))))


def details_toggle(key: str) -> bool:
    """The page's "details" switch (off by default): rule ids and codes for those who ask."""
    return st.toggle("Details: rule ids and codes", key=key, value=False, help=DETAILS_HELP)


def _code(code: str, details: bool) -> str:
    return f" · `{code}`" if details else ""


def reasons(assessment: Assessment, *, details: bool = False) -> None:
    """Each rule that fired: its sentence and its sources (its id with ``details``)."""
    for r in assessment.classification.rationale:
        sources = evidence_links(r.evidence, assessment.evidence)
        line = f"- {escape_md(r.text)}"
        if sources:
            line += f"  \n  sources: {sources}"
        if details:
            line += f"  \n  rule `{r.rule}`"
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


def gaps_checklist(assessment: Assessment, *, details: bool = False) -> None:
    """Workup gaps as a checklist saying what to do (ticks are for this session only)."""
    if not assessment.workup_gaps:
        st.success("No workup gaps.", icon=":material/check_circle:")
        return
    for gap in assessment.workup_gaps:
        tick, text = st.columns([1, 24])
        tick.checkbox(
            f"Done: {gap_label(gap.code)}",
            key=f"assessment_gap_{assessment.case_id}_{gap.code}",
            label_visibility="collapsed",
        )
        sources = evidence_links(gap.evidence, assessment.evidence)
        text.markdown(escape_md(gap.message))
        if sources or details:
            text.caption(f"sources: {sources}" + _code(gap.code, details))


def gaps_list(assessment: Assessment) -> None:
    """Workup gaps as a plain list (what to do, with sources): the compact form."""
    lines = [(escape_md(gap.message), gap.evidence) for gap in assessment.workup_gaps]
    sourced_list(lines, assessment, "No workup gaps.")


def flags(assessment: Assessment, *, details: bool = False) -> None:
    if not assessment.flags:
        st.caption("No flags.")
    for flag in assessment.flags:
        st.warning(
            f"**{escape_md(flag_label(flag.code))}**: {escape_md(flag.message)}"
            + _code(flag.code, details),
            icon=":material/flag:",
        )


def prompts(assessment: Assessment, *, details: bool = False, compact: bool = False) -> None:
    """What the board should consider or do for this patient ("To discuss"), with sources."""
    if not assessment.prompts:
        st.caption("Nothing further to discuss for this patient.")
        return
    if compact:  # the Board's summary: the names, the Assessment page has the rest
        names = ", ".join(prompt_label(p.code) for p in assessment.prompts)
        st.markdown(escape_md(names))
        return
    for p in assessment.prompts:
        head = f"**{escape_md(prompt_label(p.code))}**"
        sources = evidence_links(p.evidence, assessment.evidence)
        st.info(
            f"{head}  \n{escape_md(p.message)}  \nsources: {sources}" + _code(p.code, details),
            icon=":material/forum:",
        )
