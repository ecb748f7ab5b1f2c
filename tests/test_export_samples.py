"""Hand-made inputs for the export tests: a maximal case and assessments rich in options.

The clinical content of these assessments is filler for layout tests; every real export test
also runs on the real ``assess()`` output of the demo and shared cases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from lms_board.assess import assess
from lms_board.assessment import (
    Assessment,
    EvidenceRef,
    ImagingItem,
    ImagingPlan,
    NotSuitable,
    Option,
    SurveillanceVisit,
    TrialExample,
)
from lms_board.case import Case, Declined, MetastasisSite, parse_case

XSS = "<script>alert(1)</script>"
UNICODE = "Zoë Ørsted ü ç ≥ 16 G ± 2 – 5 µm"
LOREM = (
    "Leiomyosarcoma of the left thigh, deep to the fascia, abutting the femoral vessels without "
    "encasement; the patient walks unaided and wishes to keep the limb; ü ç ≥ ± – µ. "
)


def filler(n: int, seed: str = LOREM) -> str:
    """Exactly ``n`` characters of word-like text."""
    return (seed * (n // len(seed) + 1))[:n].rstrip() + "x" * (
        n - len((seed * (n // len(seed) + 1))[:n].rstrip())
    )


def maximal_case_dict(text: str | None = None) -> dict[str, Any]:
    """A valid case with every free-text field at its maximum length and 8 metastasis sites."""

    def t(n: int) -> str:
        return filler(n, text) if text else filler(n)

    return {
        "schema_version": 2,
        "case_id": "MAX-" + "9" * 36,
        "board_date": "2026-12-03",
        "presenter": t(120),
        "question": t(1000),
        "notes": t(5000),
        "patient": {
            "age": 67,
            "sex": "female",
            "ecog": 3,
            "lvef_percent": 45,
            "cumulative_doxorubicin_mg_m2": 460,
            "comorbidities": [t(200) for _ in range(8)],
            "coded_comorbidities": [
                *(
                    {"code": code, "severity": "severe", "note": t(200)}
                    for code in (
                        "heart_failure",
                        "cardiac_disease",
                        "hepatic_impairment",
                        "peripheral_neuropathy",
                        "diabetes",
                        "lung_disease",
                    )
                ),
                {"code": "renal_impairment", "severity": "severe", "egfr_ml_min": 14},
                *({"code": "other", "note": t(200)} for _ in range(13)),
            ],
            "menopausal_status": "postmenopausal",
            "wishes_fertility_preservation": True,
            "declines": [d.value for d in Declined],
        },
        "tumor": {
            "site": "extremity",
            "location": t(200),
            "size_cm": 23.5,
            "depth": "deep",
            "presentation": "local_recurrence",
        },
        "pathology": {
            "biopsy": "core_needle",
            "needle_gauge": 18,
            "image_guided": False,
            "biopsy_route": "percutaneous",
            "diagnosis_confirmed": True,
            "expert_review": False,
            "differentiation_score": 3,
            "mitoses_per_10hpf": 45,
            "necrosis_percent": 60,
            "reported_grade": 2,
            "ihc": {f"marker-{i:02d}-" + "m" * 30: "positive" for i in range(12)},
            "molecular": [t(200) for _ in range(6)],
            "tumor_ngs": True,
            "hrd": "deficient",
        },
        "workup": {
            "mri_primary": True,
            "ct_chest": True,
            "ct_abdomen_pelvis": False,
            "pet_ct": False,
            "radiograph_primary": False,
            "last_imaging_date": "2026-11-10",
        },
        "extent": {
            "nodes": "N1",
            "metastases": [
                {"site": s.value, "count": 12, "resectable": False} for s in MetastasisSite
            ],
            "disease_free_interval_months": 7,
            "primary_resectability": "unresectable",
            "limb_salvage_feasible": False,
            "neurovascular_involvement": True,
        },
        "history": {
            "surgery_date": "2024-01-15",
            "treatment_lines": maximal_treatment_lines(t),
            "radiotherapy_courses": [
                {
                    "timing": "palliative",
                    "target": "metastasis",
                    "region": t(200),
                    "technique": "stereotactic",
                    "dose_gy": 150,
                    "fractions": 60,
                    "start_date": "2024-02-01",
                    "end_date": "2024-03-01",
                }
                for _ in range(20)
            ],
            "patient_preference": t(500),
        },
    }


#: The last of the maximal case's 30 treatment lines: a page must never cut it off.
LAST_LINE_LABEL = "maintenance after line 14"


def maximal_treatment_lines(t: Callable[[int], str]) -> list[dict[str, Any]]:
    """30 lines (the most a case holds): perioperative, then 14 advanced lines each followed
    by maintenance, every text at its maximum length; the last one stopped for progression."""
    drugs = ["doxorubicin", "ifosfamide", "trabectedin", "gemcitabine", "docetaxel"]

    def line(setting: str, number: int | None, stop: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "setting": setting,
            "drugs": drugs,
            "other_drugs": [t(200) for _ in range(8)],
            "regimen": t(200),
            "start_date": "2020-01-01",
            "end_date": "2020-06-30",
            "cycles": 200,
            "doses_mg_m2": {d: 5000 for d in drugs},
            "best_response": "progressive_disease",
            "stop_reason": stop,
            "note": t(500),
        }
        if number is not None:
            out["line"] = number
        return out

    lines = [line("neoadjuvant", None, "completed"), line("adjuvant", None, "toxicity")]
    for n in range(1, 15):
        lines.append(line("advanced", n, "progression"))
        lines.append(line("maintenance", n, "progression"))
    return lines


def maximal_case(text: str | None = None) -> Case:
    return parse_case(maximal_case_dict(text))


def xss_case() -> Case:
    """Every free-text field holds a script tag (and some unicode)."""
    data = maximal_case_dict()
    data["case_id"] = "XSS-01"
    s = f"{XSS} {UNICODE}"
    for key in ("presenter", "question", "notes"):
        data[key] = s
    data["tumor"]["location"] = s
    data["patient"]["comorbidities"] = [s]
    data["pathology"]["molecular"] = [s]
    data["pathology"]["ihc"] = {XSS[:40]: "positive"}
    data["patient"]["coded_comorbidities"] = [{"code": "other", "note": s}]
    line = data["history"]["treatment_lines"][-1]
    line.update(regimen=s, note=s, other_drugs=[s])
    data["history"]["treatment_lines"] = [line]
    course = data["history"]["radiotherapy_courses"][0]
    data["history"]["radiotherapy_courses"] = [{**course, "region": s}]
    data["history"]["patient_preference"] = s
    return parse_case(data)


EVIDENCE_IDS = [f"ev-{i:02d}" for i in range(24)]


def sample_evidence() -> dict[str, EvidenceRef]:
    out: dict[str, EvidenceRef] = {}
    for i, eid in enumerate(EVIDENCE_IDS):
        out[eid] = EvidenceRef(
            citation=(
                f"Author{i} A, Second B, Third C, et al. A deliberately long title about "
                f"leiomyosarcoma outcomes number {i} with ≥ 16 G cores – results. "
                f"J Sample Oncol 20{10 + i % 15};{i}:1-10"
            ),
            pmid=str(30000000 + i) if i % 3 else None,
            doi=f"10.1000/sample.{i}" if i % 3 == 0 else None,
            year=2010 + i % 15,
        )
    return out


def sample_options(n: int, long: bool = True) -> list[Option]:
    out: list[Option] = []
    for i in range(n):
        name = f"Option {i + 1}: gemcitabine + docetaxel variant {i + 1}"
        if long:
            name += " with an unusually long descriptive regimen name that wraps onto a second line"
        out.append(
            Option(
                id=f"opt-{i}",
                name=name,
                modality="systemic",
                intent="palliative",
                setting="second line advanced, after anthracycline, ECOG 0–1",
                evidence=[EVIDENCE_IDS[i % len(EVIDENCE_IDS)], EVIDENCE_IDS[(i + 5) % 24]],
                strength="phase 3 randomised",
                caveats=[filler(180), filler(140)] if long else [],
                key_numbers="Median PFS 6.2 vs 3.0 mo; ORR 16% vs 8%; HR 0.55 (95% CI 0.4–0.7)",
            )
        )
    return out


def sample_trials(n: int) -> list[TrialExample]:
    ncts = [
        "NCT02997358",
        "NCT04031677",
        "NCT06088290",
        "NCT05269355",
        "NCT03425279",
        "NCT04200443",
        "NCT03899805",
        "NCT01344018",
    ]
    return [
        TrialExample(
            nct=ncts[i % len(ncts)],
            title=f"Sample trial {i} of a new agent in advanced leiomyosarcoma " + filler(120),
            phase="3",
            status="Recruiting",
            status_as_of=date(2025, 6, 26),
            why="First-line LMS; screen if fit " + filler(100),
            to_check=["ECOG 0–1", "LVEF > 50 %", "no prior anthracycline"],
            evidence=[EVIDENCE_IDS[(i + 10) % 24]],
            url=f"https://clinicaltrials.gov/study/{ncts[i % len(ncts)]}",
        )
        for i in range(n)
    ]


def sample_imaging(long: bool = True) -> ImagingPlan:
    text = filler(260) if long else "MRI of the primary with and without contrast."
    visits: list[SurveillanceVisit] = []
    start = date(2027, 1, 1)
    months = [3, 6, 9, 12, 15, 18, 21, 24, 30, 36, 42, 48, 54, 60, 72, 84, 96, 108, 120]
    for m in months:
        d = date(start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1, 1)
        visits.append(
            SurveillanceVisit(month=m, date=d, modality="CT", region="chest", evidence=["ev-20"])
        )
        if m <= 60:
            visits.append(
                SurveillanceVisit(
                    month=m, date=d, modality="MRI", region="primary site", evidence=["ev-21"]
                )
            )
        if m % 12 == 0:
            visits.append(
                SurveillanceVisit(
                    month=m, date=d, modality="CT", region="abdomen/pelvis", evidence=["ev-21"]
                )
            )
    return ImagingPlan(
        staging=[ImagingItem(text=text, evidence=["ev-15"]) for _ in range(3)],
        biopsy=[ImagingItem(text=text, evidence=["ev-16"]) for _ in range(2)],
        response=[ImagingItem(text=text, evidence=["ev-17"])],
        surveillance=visits,
        surveillance_basis="high grade, deep extremity: every 3 months for 2 years, then 6-monthly to 5 years, then yearly",
        pitfalls=[ImagingItem(text=text, evidence=["ev-18"]) for _ in range(2)],
    )


def rich(
    case: Case, options: int = 12, trials: int = 6, not_suitable: int = 8, long: bool = True
) -> Assessment:
    """``assess(case)`` with many hand-made options, trials, imaging items and references."""
    base = assess(case)
    ns = [
        NotSuitable(
            name=f"Doxorubicin-containing regimen {i}",
            reason="Cumulative doxorubicin ≥ 450 mg/m² (anthracycline limit) "
            + (filler(150) if long else ""),
            evidence=[EVIDENCE_IDS[(i + 3) % 24]],
        )
        for i in range(not_suitable)
    ]
    return base.model_copy(
        update={
            "options": sample_options(options, long),
            "not_suitable": ns,
            "trials": sample_trials(trials),
            "imaging": sample_imaging(long),
            "evidence": {**base.evidence, **sample_evidence()},
        }
    )


def test_maximal_case_is_at_the_limits() -> None:
    case = maximal_case()
    assert case.question is not None and len(case.question) == 1000
    assert case.notes is not None and len(case.notes) == 5000
    assert case.presenter is not None and len(case.presenter) == 120
    assert len(case.extent.metastases) == 8
    assert len(case.history.treatment_lines) == 30
    assert len(case.history.radiotherapy_courses) == 20
    assert case.history.numbered_lines()[-1].label == LAST_LINE_LABEL


def test_rich_assessment_resolves_its_references() -> None:
    a = rich(maximal_case())
    for o in a.options:
        assert all(e in a.evidence for e in o.evidence)
