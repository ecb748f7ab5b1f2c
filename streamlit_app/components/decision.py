"""Recording the board's decision for a case (stored with the case's current version)."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from lms_board.assessment import Assessment
from lms_board.decision import BoardDecision
from lms_board.store import StoredCase
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

K = "assessment_decision_"
SPECIALTIES = (
    "sarcoma surgery",
    "medical oncology",
    "radiation oncology",
    "radiology",
    "pathology",
    "gynaecological oncology",
    "orthopaedic oncology",
    "nursing",
    "palliative care",
)


def show_latest(stored: StoredCase) -> None:
    decision = session.store().latest_decision(stored.case_id)
    if decision is None:
        st.caption("No decision recorded yet.")
        return
    st.markdown(f"**Decision ({decision.decided_at:%Y-%m-%d %H:%M} UTC)**")
    st.text(decision.recommendation)
    for label, value in (
        ("Options chosen", ", ".join(decision.options_chosen)),
        ("Present", ", ".join(decision.specialties_present)),
        ("Patient preference", decision.patient_preference),
        ("Trial referral", decision.trial_referral),
        ("Follow-up", decision.follow_up),
    ):
        if value:
            st.text(f"{label}: {value}")


def form(stored: StoredCase, assessment: Assessment) -> None:
    """The decision form; saving it records the decision and marks the case discussed."""
    with st.form(f"assessment_decision_{stored.case_id}", clear_on_submit=False):
        recommendation = st.text_area(
            "Recommendation of the board", max_chars=5000, key=f"{K}recommendation"
        )
        chosen = st.multiselect(
            "Options chosen", [o.name for o in assessment.options], key=f"{K}options"
        )
        present = st.multiselect("Specialties present", list(SPECIALTIES), key=f"{K}present")
        preference = st.text_input("Patient preference", max_chars=2000, key=f"{K}preference")
        trial = st.selectbox(
            "Trial referral",
            [None, *(f"{t.nct} {t.title}" for t in assessment.trials)],
            format_func=lambda v: "none" if v is None else v,
            key=f"{K}trial",
        )
        follow_up = st.text_input("Follow-up", max_chars=2000, key=f"{K}follow_up")
        submitted = st.form_submit_button("Record the decision", type="primary", key=f"{K}submit")
    if not submitted:
        return
    try:
        decision = BoardDecision(
            recommendation=recommendation,
            options_chosen=chosen,
            specialties_present=present,
            patient_preference=preference or None,
            trial_referral=trial,
            follow_up=follow_up or None,
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            field = ".".join(str(p) for p in err["loc"])
            st.error(escape_md(f"{field}: {err['msg']}"))
        return
    store, user = session.store(), session.user()
    store.record_decision(stored.case_id, decision, user)
    store.set_status(stored.case_id, "discussed", user)
    st.success(f"Decision recorded; {escape_md(stored.case_id)} is marked discussed.")
