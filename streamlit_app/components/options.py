"""Renderers of management options, the not-suitable list and trial examples."""

from __future__ import annotations

import streamlit as st

from lms_board.assessment import Assessment, Option, TrialExample
from lms_board.wording import cap, modality_title, registry_link
from streamlit_app.components.text import escape_md, evidence_links, md_link


def by_modality(options: list[Option]) -> dict[str, list[Option]]:
    """Options grouped by modality, groups in the order their first option appears."""
    groups: dict[str, list[Option]] = {}
    for option in options:
        groups.setdefault(option.modality, []).append(option)
    return groups


def option_card(option: Option, assessment: Assessment, *, compact: bool = False) -> None:
    with st.container(border=True):
        st.markdown(f"**{escape_md(option.name)}**")
        st.caption(escape_md(f"{option.intent} · {option.setting} · evidence: {option.strength}"))
        if option.key_numbers and not compact:
            st.markdown(escape_md(option.key_numbers))
        for caveat in [] if compact else option.caveats:
            st.markdown(f"- {escape_md(caveat)}")
        st.markdown(f"Sources: {evidence_links(option.evidence, assessment.evidence)}")


def options(assessment: Assessment) -> None:
    if not assessment.options:
        st.info("No options listed for this case.")
        return
    for modality, items in by_modality(assessment.options).items():
        st.subheader(modality_title(modality))
        cols = st.columns(2)
        for i, option in enumerate(items):
            with cols[i % 2]:
                option_card(option, assessment)


def sourced_list(lines: list[tuple[str, list[str]]], assessment: Assessment, empty: str) -> None:
    """``(markdown, evidence ids)`` lines as bullets, each with its sources in brackets;
    ``empty`` as a caption when there are none."""
    if not lines:
        st.caption(empty)
    for text, evidence in lines:
        sources = evidence_links(evidence, assessment.evidence)
        st.markdown(f"- {text}" + (f" ({sources})" if sources else ""))


def not_suitable(assessment: Assessment) -> None:
    lines = [
        (f"**{escape_md(item.name)}**: {escape_md(item.reason)}", item.evidence)
        for item in assessment.not_suitable
    ]
    sourced_list(lines, assessment, "Nothing listed as not suitable.")


def trial_card(trial: TrialExample, assessment: Assessment) -> None:
    with st.container(border=True):
        link = md_link(trial.nct, registry_link(trial.nct, trial.url))
        st.markdown(f"**{link}** · {escape_md(trial.title)}")
        phase = f"phase {trial.phase} · " if trial.phase else ""
        st.caption(
            escape_md(
                f"{phase}{cap(trial.status)} (as of {trial.status_as_of.isoformat()}): "
                "verify on ClinicalTrials.gov before referring"
            )
        )
        st.markdown(f"**Why it may fit:** {escape_md(trial.why)}")
        if trial.to_check:
            st.markdown("**Still to check:**")
            for item in trial.to_check:
                st.markdown(f"- {escape_md(item)}")
        if trial.evidence:
            st.markdown(f"Sources: {evidence_links(trial.evidence, assessment.evidence)}")


def trials(assessment: Assessment) -> None:
    if not assessment.trials:
        st.info("No trial examples match this case.")
        return
    cols = st.columns(2)
    for i, trial in enumerate(assessment.trials):
        with cols[i % 2]:
            trial_card(trial, assessment)
