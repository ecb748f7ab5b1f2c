"""Renderers of the imaging plan: item lists with sources and the surveillance table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from lms_board.assessment import Assessment, ImagingItem, SurveillanceVisit
from lms_board.case import Case
from streamlit_app.components.text import escape_md, evidence_links


def items(title: str, found: Sequence[ImagingItem], assessment: Assessment) -> None:
    st.subheader(title)
    if not found:
        st.caption("Nothing specific for this case.")
    for item in found:
        st.markdown(
            f"- {escape_md(item.text)} ({evidence_links(item.evidence, assessment.evidence)})"
        )


def history_events(case: Case) -> dict[str, date | None]:
    """The case's dated treatment history, for the timeline's history row."""
    return {
        "Surgery": case.history.surgery_date,
        "Last imaging": case.workup.last_imaging_date,
        "Board meeting": case.board_date,
    }


def schedule_table(visits: Sequence[SurveillanceVisit]) -> None:
    frame = pd.DataFrame(
        [
            {"Month": v.month, "Date": v.date, "Modality": v.modality, "Region": v.region}
            for v in visits
        ]
    )
    with st.expander(f"Surveillance schedule ({len(visits)} visits)"):
        st.dataframe(frame, hide_index=True, width="stretch")
