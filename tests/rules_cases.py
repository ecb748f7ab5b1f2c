"""Case builders for the clinical-rule tests (case format v2).

Each base is a complete, fully worked-up case a board would recognise; a test states the
one thing it changes (``make(BASE, {"patient.age": 77})``) and the judgement it expects.
``line(...)`` builds one treatment line. ``run(case)`` gives the whole assessment.
"""

from __future__ import annotations

from typing import Any

from strategies import DELETE, changed

from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import Case, parse_case

__all__ = [
    "DELETE",
    "EXTREMITY_LOCALIZED",
    "METASTATIC",
    "RETROPERITONEAL",
    "UTERINE_RESECTED",
    "line",
    "make",
    "not_suitable_text",
    "option_ids",
    "option_names",
    "prompt_codes",
    "run",
    "trial_ids",
]

_PATHOLOGY_G3 = {
    "biopsy": "core_needle",
    "needle_gauge": 14,
    "image_guided": True,
    "diagnosis_confirmed": True,
    "expert_review": True,
    "differentiation_score": 2,
    "mitoses_per_10hpf": 22,
    "necrosis_percent": 30,
    "ihc": {"desmin": "positive", "sma": "positive"},
}

#: Metastatic trunk LMS, fit, anthracycline-naive, first line (nine unresectable lung nodules).
METASTATIC: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "RULES-MET",
    "board_date": "2026-12-03",
    "patient": {
        "age": 60,
        "sex": "female",
        "ecog": 1,
        "lvef_percent": 60,
        "cumulative_doxorubicin_mg_m2": 0,
        "coded_comorbidities": [],
        "declines": [],
    },
    "tumor": {"site": "trunk", "size_cm": 8.0, "depth": "deep", "presentation": "primary"},
    "pathology": _PATHOLOGY_G3,
    "workup": {"mri_primary": True, "ct_chest": True, "ct_abdomen_pelvis": True},
    "extent": {
        "nodes": "N0",
        "primary_resectability": "resected",
        "metastases": [{"site": "lung", "count": 9, "resectable": False}],
    },
    "history": {"surgery_date": "2025-03-01", "treatment_lines": [], "radiotherapy_courses": []},
}

#: Deep 8 cm G3 thigh LMS, fully staged, resectable, limb salvage feasible, untreated.
EXTREMITY_LOCALIZED: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "RULES-EXT",
    "board_date": "2026-12-03",
    "patient": {"age": 55, "sex": "male", "ecog": 0, "lvef_percent": 62},
    "tumor": {
        "site": "extremity",
        "location": "thigh",
        "size_cm": 8.0,
        "depth": "deep",
        "presentation": "primary",
    },
    "pathology": _PATHOLOGY_G3,
    "workup": {"mri_primary": True, "ct_chest": True, "radiograph_primary": True},
    "extent": {
        "nodes": "N0",
        "metastases": [],
        "primary_resectability": "resectable",
        "limb_salvage_feasible": True,
    },
    "history": {"treatment_lines": [], "radiotherapy_courses": []},
}

#: Uterine LMS after total hysterectomy (R0), confined to the uterus, 7 cm, G3, postmenopausal.
UTERINE_RESECTED: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "RULES-UT",
    "board_date": "2026-12-03",
    "patient": {"age": 58, "sex": "female", "ecog": 0, "menopausal_status": "postmenopausal"},
    "tumor": {
        "site": "uterus",
        "size_cm": 7.0,
        "presentation": "primary",
        "uterine_extension": "confined",
        "morcellated": False,
    },
    "pathology": {
        "biopsy": "resection",
        "diagnosis_confirmed": True,
        "expert_review": True,
        "differentiation_score": 3,
        "mitoses_per_10hpf": 25,
        "necrosis_percent": 20,
        "ihc": {"desmin": "positive", "er": "negative", "pr": "negative"},
        "margin": "R0",
    },
    "workup": {"ct_chest": True, "ct_abdomen_pelvis": True},
    "extent": {"nodes": "N0", "metastases": [], "primary_resectability": "resected"},
    "history": {"surgery_date": "2026-10-01", "treatment_lines": [], "radiotherapy_courses": []},
}

#: Primary retroperitoneal LMS, 12 cm, G2, resectable, biopsied retroperitoneally.
RETROPERITONEAL: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "RULES-RPS",
    "board_date": "2026-12-03",
    "patient": {"age": 63, "sex": "female", "ecog": 1, "lvef_percent": 60},
    "tumor": {
        "site": "retroperitoneum",
        "size_cm": 12.0,
        "depth": "deep",
        "presentation": "primary",
    },
    "pathology": {
        "biopsy": "core_needle",
        "needle_gauge": 16,
        "image_guided": True,
        "biopsy_route": "retroperitoneal",
        "diagnosis_confirmed": True,
        "expert_review": True,
        "differentiation_score": 2,
        "mitoses_per_10hpf": 12,
        "necrosis_percent": 10,
    },
    "workup": {"ct_chest": True, "ct_abdomen_pelvis": True},
    "extent": {"nodes": "N0", "metastases": [], "primary_resectability": "resectable"},
    "history": {"treatment_lines": [], "radiotherapy_courses": []},
}


def line(setting: str = "advanced", *drugs: str, **fields: Any) -> dict[str, Any]:
    """One treatment line: ``line("advanced", "trabectedin", stop_reason="progression")``."""
    return {"setting": setting, "drugs": list(drugs), **fields}


def make(base: dict[str, Any], changes: dict[str, Any] | None = None) -> Case:
    return parse_case(changed(base, changes or {}))


def run(case: Case) -> Assessment:
    return assess(case)


def option_ids(a: Assessment) -> list[str]:
    return [o.id for o in a.options]


def option_names(a: Assessment) -> list[str]:
    return [o.name for o in a.options]


def not_suitable_text(a: Assessment) -> str:
    return " | ".join(f"{n.name}: {n.reason}" for n in a.not_suitable)


def trial_ids(a: Assessment) -> list[str]:
    return [t.nct for t in a.trials]


def prompt_codes(a: Assessment) -> list[str]:
    return [p.code for p in a.prompts]
