"""The hard rules of issue 10 over random valid format-v2 cases (Hypothesis):

- never an option, nor a trial arm (control arms included), with a drug the disease
  progressed on, that was stopped for toxicity, or that failed, in any line;
- never an anthracycline (option or trial arm) when less than one standard cycle is left
  to 450 mg/m², LVEF is under 50% or heart failure is recorded;
- never surgery, radiotherapy, systemic therapy or a trial before a tissue diagnosis;
- never perioperative chemotherapy at G1, G2 or with the grade unknown;
- nothing the patient declines is offered: no trial with chemotherapy in any arm for a
  patient declining chemotherapy, no trial for one declining trials;
- a trial's typed criterion on the patient (LVEF) never passes a known value out of range;
- every offered option's evidence is a primary source with a PMID or DOI; every prompt's
  evidence resolves.

Two strategies: the suite's random valid v2 cases (``strategies.valid_case_models``), and
clinically loaded ones (``clinical_cases``): a fully worked-up base case with random
treatment lines, doses, cardiac values, comorbidities, declines, grade, size and depth, so the
rules fire often.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_cases import EXTREMITY_LOCALIZED, METASTATIC, RETROPERITONEAL, UTERINE_RESECTED
from strategies import DELETE, changed, treatment_lines, valid_case_models

from lms_board.assess import assess
from lms_board.case import Case, ComorbidityCode, Declined, Severity, parse_case
from lms_board.case_facts import case_facts
from lms_board.drugs import drug_vocabulary
from lms_board.exclusions import (
    CYTOTOXIC_CLASSES,
    declines_for_option,
    trial_drugs,
    trial_has_anthracycline,
)
from lms_board.knowledge import knowledge

KB = knowledge()
OPTIONS = {o.id: o for o in KB.options}
TRIALS = {t.nct: t for t in KB.trials}
TREATMENT = frozenset({"surgery", "radiotherapy", "systemic", "local_ablative", "observation"})

_MAYBE = st.one_of(st.none(), st.just("keep"))


@st.composite
def _comorbidities(draw: st.DrawFn) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.sampled_from(list(ComorbidityCode)), unique=True, max_size=3))
    out: list[dict[str, Any]] = []
    for code in codes:
        c: dict[str, Any] = {"code": code.value}
        severity = draw(st.one_of(st.none(), st.sampled_from(list(Severity))))
        if severity is not None:
            c["severity"] = severity.value
        if code == ComorbidityCode.renal_impairment and draw(st.booleans()):
            c["egfr_ml_min"] = draw(st.integers(10, 120))
        out.append(c)
    return out


def _grade(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["computed", "reported", "unknown"]))
    if kind == "computed":
        return {
            "pathology.differentiation_score": draw(st.integers(1, 3)),
            "pathology.mitoses_per_10hpf": draw(st.integers(0, 40)),
            "pathology.necrosis_percent": draw(st.sampled_from([0, 20, 60])),
        }
    out: dict[str, Any] = {
        "pathology.differentiation_score": DELETE,
        "pathology.mitoses_per_10hpf": DELETE,
        "pathology.necrosis_percent": DELETE,
    }
    if kind == "reported":
        out["pathology.reported_grade"] = draw(st.integers(1, 3))
    return out


@st.composite
def clinical_cases(draw: st.DrawFn) -> Case:
    base = draw(
        st.sampled_from([METASTATIC, EXTREMITY_LOCALIZED, UTERINE_RESECTED, RETROPERITONEAL])
    )
    changes: dict[str, Any] = {
        "patient.age": draw(st.integers(15, 90)),
        "patient.ecog": draw(st.one_of(st.none(), st.integers(0, 4))),
        "patient.lvef_percent": draw(st.one_of(st.none(), st.integers(30, 70))),
        "patient.cumulative_doxorubicin_mg_m2": draw(
            st.one_of(st.none(), st.sampled_from([0, 150, 300, 374, 375, 376, 420, 450, 500]))
        ),
        "patient.coded_comorbidities": draw(_comorbidities()),
        "patient.declines": [
            d.value
            for d in draw(st.lists(st.sampled_from(list(Declined)), unique=True, max_size=2))
        ],
        "tumor.size_cm": draw(st.sampled_from([2.5, 5.0, 5.1, 8.0, 14.0])),
        "history.treatment_lines": draw(treatment_lines(control_chars=False)),
        **_grade(draw),
    }
    if base is not UTERINE_RESECTED:
        changes["tumor.depth"] = draw(st.sampled_from(["superficial", "deep", "unknown"]))
    if draw(st.integers(0, 4)) == 0:  # one case in five without a confirmed diagnosis
        changes["pathology.diagnosis_confirmed"] = draw(st.sampled_from([False, DELETE]))
    if draw(st.booleans()):
        changes["tumor.presentation"] = draw(st.sampled_from(["primary", "local_recurrence"]))
        changes["history.radiotherapy_courses"] = draw(
            st.sampled_from([[], [{"timing": "postoperative", "target": "primary_site"}]])
        )
    return parse_case(changed(base, changes))


ANY_CASE = st.one_of(valid_case_models(control_chars=False), clinical_cases())


def _check_hard_rules(case: Case) -> None:
    a = assess(case)
    f = case_facts(case)
    offered = [OPTIONS[o.id] for o in a.options]
    shown_trials = [TRIALS[t.nct] for t in a.trials]
    excluded = set(f.excluded)

    # Drugs that failed in any line: no option, no trial arm (control arms included).
    for o in offered:
        assert not excluded & set(o.drugs), (o.id, sorted(excluded & set(o.drugs)))
    for t in shown_trials:
        assert not excluded & trial_drugs(t), (t.nct, sorted(excluded & trial_drugs(t)))

    # The anthracycline limit: less than a cycle left, LVEF < 50%, heart failure.
    if f.exposure.below_one_cycle or f.cardiac_contraindications:
        assert "anthracycline_limit" in a.flag_codes()
        assert not [o.id for o in offered if o.anthracycline]
        assert not [t.nct for t in shown_trials if trial_has_anthracycline(t)]
    pt = case.patient
    if pt.lvef_percent is not None and pt.lvef_percent < 50:
        assert not [o.id for o in offered if o.anthracycline]

    # Diagnosis first.
    if f.diagnosis != "confirmed":
        assert not [o.id for o in a.options if o.modality in TREATMENT]
        assert not [t.nct for t in shown_trials if t.interventional and not t.landmark]
        assert a.options and a.options[0].modality in ("diagnostic", "supportive")

    # Perioperative chemotherapy only at grade 3 (known), deep, over 5 cm.
    if "perioperative-chemotherapy-high-risk" in [o.id for o in offered]:
        assert f.grade == 3
        assert case.tumor.depth is not None and case.tumor.depth.value == "deep"
        assert case.tumor.size_cm is not None and case.tumor.size_cm > 5

    # What the patient declines.
    declined = set(pt.declines)
    for o in offered:
        assert not declines_for_option(o) & declined, (o.id, declined)
    if Declined.chemotherapy in declined:
        vocabulary = drug_vocabulary()
        for o in offered:
            classes = {vocabulary[d].drug_class for d in o.drugs}
            assert not classes & {"anthracycline", "alkylating agent", "taxane"}, o.id
        # Nor a trial with chemotherapy in any arm, control arms included (round 2).
        for t in shown_trials:
            classes = {vocabulary[d].drug_class for d in trial_drugs(t) if d in vocabulary}
            assert not classes & CYTOTOXIC_CLASSES, t.nct
    if Declined.trial in declined:
        assert not [t.nct for t in shown_trials if t.interventional]

    # A trial's typed criteria on the patient: a known value out of range never shows it.
    for t in shown_trials:
        bar = t.applies.lvef_above_percent
        if bar is not None and pt.lvef_percent is not None:
            assert pt.lvef_percent > bar, t.nct

    # Sources: every option's evidence a primary source (PMID or DOI); all ids resolve.
    for o in a.options:
        for e in o.evidence:
            record = KB.evidence[e]
            assert record.pmid or record.doi, (o.id, e)
    for p in a.prompts:
        assert p.evidence and all(e in a.evidence for e in p.evidence)
    for n in a.not_suitable:
        assert all(e in a.evidence for e in n.evidence)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_CASE)
def test_the_hard_rules_hold_for_any_valid_case(case: Case) -> None:
    _check_hard_rules(case)


def test_every_packaged_option_cites_only_primary_sources() -> None:
    """The static form of the last property: checked on the data, not just on what shows."""
    for o in KB.options:
        for e in o.evidence:
            record = KB.evidence[e]
            assert record.pmid or record.doi, f"{o.id} cites {e} without a PMID or DOI"
