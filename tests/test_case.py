"""The case file format v2 (``lms_board.case``): loading, round trips, bounds, cross-field
rules, unknown keys and the field paths in every message. Format v1 and its upgrade:
``test_case_v1.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError
from strategies import (
    DELETE,
    DRUG_IDS,
    REQUIRED_FIELDS,
    V1_CROSS_FIELD,
    V2_CROSS_FIELD,
    Invalid,
    base_v2,
    changed,
    invalid_case_dicts,
    malformed_payloads,
    to_bytes,
    valid_cases,
)

from lms_board.case import (
    MAX_DRUGS_PER_LINE,
    Biopsy,
    BiopsyRoute,
    Case,
    CaseError,
    ComorbidityCode,
    Declined,
    Depth,
    HrdStatus,
    IhcResult,
    LineSetting,
    Margin,
    MenopausalStatus,
    MetastasisSite,
    Nodes,
    Presentation,
    RadiotherapyTarget,
    RadiotherapyTechnique,
    RadiotherapyTiming,
    Resectability,
    Response,
    Severity,
    Sex,
    Site,
    StopReason,
    UterineExtension,
    load_case,
    parse_case,
    parse_case_json,
)
from lms_board.drugs import drug_vocabulary

#: A valid case with every section, so any single field can be changed.
BASE: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "CASE-01",
    "board_date": "2026-12-01",
    "presenter": "Sarcoma fellow",
    "question": "Plan?",
    "notes": "Deep thigh mass.",
    "patient": {
        "age": 54,
        "sex": "female",
        "ecog": 0,
        "lvef_percent": 60,
        "cumulative_doxorubicin_mg_m2": 225,
        "comorbidities": ["asthma"],
        "coded_comorbidities": [
            {"code": "lung_disease", "severity": "mild", "note": "asthma"},
            {"code": "renal_impairment", "severity": "moderate", "egfr_ml_min": 48},
        ],
        "menopausal_status": "premenopausal",
        "wishes_fertility_preservation": True,
        "declines": ["amputation"],
    },
    "tumor": {
        "site": "extremity",
        "location": "left thigh",
        "size_cm": 11.0,
        "depth": "deep",
        "presentation": "primary",
    },
    "pathology": {
        "biopsy": "core_needle",
        "needle_gauge": 14,
        "image_guided": True,
        "biopsy_route": "percutaneous",
        "diagnosis_confirmed": True,
        "expert_review": True,
        "differentiation_score": 2,
        "mitoses_per_10hpf": 22,
        "necrosis_percent": 30,
        "reported_grade": 3,
        "ihc": {"desmin": "positive"},
        "molecular": ["RB1 loss"],
        "tumor_ngs": True,
        "hrd": "proficient",
    },
    "workup": {
        "mri_primary": True,
        "ct_chest": True,
        "ct_abdomen_pelvis": True,
        "pet_ct": False,
        "radiograph_primary": False,
        "last_imaging_date": "2026-11-10",
    },
    "extent": {
        "nodes": "N0",
        "metastases": [{"site": "lung", "count": 2, "resectable": True}],
        "disease_free_interval_months": 30,
        "primary_resectability": "resectable",
        "limb_salvage_feasible": True,
        "neurovascular_involvement": False,
    },
    "history": {
        "surgery_date": "2024-01-15",
        "treatment_lines": [
            {
                "setting": "neoadjuvant",
                "drugs": ["doxorubicin", "ifosfamide"],
                "regimen": "AI x3",
                "start_date": "2023-10-02",
                "end_date": "2023-12-04",
                "cycles": 3,
                "doses_mg_m2": {"doxorubicin": 225, "ifosfamide": 27000 / 10},
                "best_response": "stable_disease",
                "stop_reason": "completed",
            },
            {
                "setting": "advanced",
                "line": 1,
                "drugs": ["gemcitabine", "docetaxel"],
                "other_drugs": ["investigational agent X"],
                "start_date": "2025-03-01",
                "cycles": 4,
                "best_response": "partial_response",
                "stop_reason": "ongoing",
                "note": "tolerating well",
            },
        ],
        "radiotherapy_courses": [
            {
                "timing": "preoperative",
                "target": "primary_site",
                "region": "left thigh",
                "technique": "external_beam",
                "dose_gy": 50,
                "fractions": 25,
                "start_date": "2023-12-11",
                "end_date": "2024-01-05",
            }
        ],
        "patient_preference": "wishes limb-sparing surgery",
    },
}


def errors(data: Any) -> list[str]:
    """The messages of the CaseError ``data`` raises (fails the test if it validates)."""
    with pytest.raises(CaseError) as info:
        parse_case(data)
    assert info.value.messages
    return info.value.messages


def names(messages: list[str], *paths: str) -> bool:
    """Some single message names every one of ``paths``."""
    return any(all(p in m for p in paths) for m in messages)


def test_base_is_valid() -> None:
    assert parse_case(BASE).to_json_dict() == BASE


# --------------------------------------------------------------- shared and demo cases


def test_shared_cases_are_all_found(shared_dir: Path) -> None:
    assert len(list((shared_dir / "cases").glob("PUB-*.json"))) >= 8


def test_demo_cases_round_trip(demo_cases: list[Case]) -> None:
    assert len(demo_cases) >= 8
    for case in demo_cases:
        assert parse_case(case.to_json_dict()) == case


def test_demo_cases_are_mostly_v2_and_keep_some_v1(repo_root: Path) -> None:
    versions = [
        json.loads(p.read_text(encoding="utf-8"))["schema_version"]
        for p in sorted((repo_root / "src/lms_board/demo_cases").glob("*.json"))
    ]
    assert versions.count(2) > len(versions) / 2
    assert 1 <= versions.count(1) <= 2  # the upgrade path, from the store too


def test_v2_demo_files_are_written_as_the_model_writes_them(repo_root: Path) -> None:
    for path in sorted((repo_root / "src/lms_board/demo_cases").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw["schema_version"] == 2:
            assert load_case(path).to_json_dict() == raw, path.name


# ------------------------------------------------------------------------- bounds

#: path -> (values just inside, values just outside)
BOUNDS: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {
    "schema_version": ((2,), (0, 3)),
    "patient.age": ((0, 120), (-1, 121)),
    "patient.ecog": ((0, 4), (-1, 5)),
    "patient.lvef_percent": ((10, 90), (9, 91)),
    "patient.cumulative_doxorubicin_mg_m2": ((0, 1000, 999.99), (-0.01, 1000.01)),
    "tumor.size_cm": ((0.01, 60, 59.99), (0, -0.5, 60.01)),
    "pathology.needle_gauge": ((8, 25), (7, 26)),
    "pathology.differentiation_score": ((1, 3), (0, 4)),
    "pathology.mitoses_per_10hpf": ((0, 500), (-1, 501)),
    "pathology.necrosis_percent": ((0, 100, 0.5), (-0.01, 100.01)),
    "pathology.reported_grade": ((1, 3), (0, 4)),
    "extent.metastases[0].count": ((1, 100), (0, 101)),
    "extent.disease_free_interval_months": ((0, 600), (-1, 601)),
    "patient.coded_comorbidities[1].egfr_ml_min": ((1, 200), (0, 201)),
    "history.treatment_lines[1].line": ((1, 15), (0, 16)),
    "history.treatment_lines[0].cycles": ((1, 200), (0, 201)),
    "history.treatment_lines[0].doses_mg_m2.doxorubicin": ((0.01, 5000), (0, -1, 5000.01)),
    "history.radiotherapy_courses[0].dose_gy": ((0.01, 150), (0, 150.01)),
    "history.radiotherapy_courses[0].fractions": ((1, 60), (0, 61)),
    "case_id": (("A", "a" * 40, "PUB-01", "x.y_z-9"), ("", "a" * 41, "a b", "a/b", "é")),
    "presenter": (("p" * 120,), ("p" * 121,)),
    "question": (("q" * 1000,), ("q" * 1001,)),
    "notes": (("n" * 5000,), ("n" * 5001,)),
    "tumor.location": (("l" * 200,), ("l" * 201,)),
    "patient.comorbidities[0]": (("c" * 200,), ("c" * 201,)),
    "pathology.molecular[0]": (("m" * 200,), ("m" * 201,)),
    "patient.coded_comorbidities[0].note": (("c" * 200,), ("c" * 201,)),
    "history.treatment_lines[0].regimen": (("r" * 200,), ("r" * 201,)),
    "history.treatment_lines[1].other_drugs[0]": (("o" * 200,), ("o" * 201,)),
    "history.treatment_lines[0].note": (("n" * 500,), ("n" * 501,)),
    "history.radiotherapy_courses[0].region": (("r" * 200,), ("r" * 201,)),
    "history.treatment_lines[0].start_date": (("2023-10-02",), ("2023-02-30", "2023/10/02")),
    "history.patient_preference": (("w" * 500,), ("w" * 501,)),
    "board_date": (("2026-12-01", "2028-02-29"), ("2026-02-30", "01/12/2026", "2026-13-01")),
    "pathology.ihc.desmin": (tuple(v.value for v in IhcResult), ("weak", "POSITIVE", "+")),
}

INSIDE = [(path, v) for path, (ok, _) in BOUNDS.items() for v in ok]
OUTSIDE = [(path, v) for path, (_, bad) in BOUNDS.items() for v in bad]


def _short(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 12 else s[:9] + "..."


@pytest.mark.parametrize(("path", "value"), INSIDE, ids=[f"{p}={_short(v)}" for p, v in INSIDE])
def test_value_just_inside_bounds_is_accepted(path: str, value: Any) -> None:
    parse_case(changed(BASE, {path: value}))


@pytest.mark.parametrize(("path", "value"), OUTSIDE, ids=[f"{p}={_short(v)}" for p, v in OUTSIDE])
def test_value_just_outside_bounds_is_rejected_naming_the_field(path: str, value: Any) -> None:
    messages = errors(changed(BASE, {path: value}))
    assert names(messages, path), messages


ENUMS: dict[str, type[Any]] = {
    "patient.sex": Sex,
    "tumor.site": Site,
    "tumor.depth": Depth,
    "tumor.presentation": Presentation,
    "pathology.biopsy": Biopsy,
    "pathology.biopsy_route": BiopsyRoute,
    "extent.nodes": Nodes,
    "extent.metastases[0].site": MetastasisSite,
    "extent.primary_resectability": Resectability,
    "patient.coded_comorbidities[0].code": ComorbidityCode,
    "patient.coded_comorbidities[0].severity": Severity,
    "patient.menopausal_status": MenopausalStatus,
    "patient.declines[0]": Declined,
    "pathology.hrd": HrdStatus,
    "history.treatment_lines[0].best_response": Response,
    "history.treatment_lines[0].stop_reason": StopReason,
    "history.radiotherapy_courses[0].timing": RadiotherapyTiming,
    "history.radiotherapy_courses[0].target": RadiotherapyTarget,
    "history.radiotherapy_courses[0].technique": RadiotherapyTechnique,
}

#: Changes that keep the cross-field rules satisfied whatever the enum value.
_ENUM_NEUTRAL = {
    "extent.limb_salvage_feasible": DELETE,
    "pathology.needle_gauge": DELETE,
    "patient.menopausal_status": DELETE,
    "patient.coded_comorbidities[1]": DELETE,
    "history.treatment_lines[0].end_date": DELETE,
}

ENUM_VALUES = [(path, m.value) for path, enum in ENUMS.items() for m in enum]


@pytest.mark.parametrize(("path", "value"), ENUM_VALUES, ids=[f"{p}={v}" for p, v in ENUM_VALUES])
def test_every_enum_value_is_accepted(path: str, value: str) -> None:
    parse_case(changed(BASE, {**_ENUM_NEUTRAL, path: value}))


@pytest.mark.parametrize("path", sorted(ENUMS))
def test_unknown_enum_value_is_rejected_naming_the_field(path: str) -> None:
    messages = errors(changed(BASE, {**_ENUM_NEUTRAL, path: "not-a-value"}))
    assert names(messages, path), messages


def test_uterine_enums_are_accepted_on_the_uterus() -> None:
    for ext in UterineExtension:
        data = changed(
            BASE,
            {
                "tumor.site": "uterus",
                "extent.limb_salvage_feasible": DELETE,
                "tumor.uterine_extension": ext.value,
                "tumor.morcellated": True,
            },
        )
        assert parse_case(data).tumor.uterine_extension == ext


def test_margin_values_are_accepted_after_resection() -> None:
    for margin in Margin:
        data = changed(
            BASE,
            {"extent.primary_resectability": "resected", "pathology.margin": margin.value},
        )
        assert parse_case(data).pathology.margin == margin


# ------------------------------------------------------------------- optional fields

#: Every optional field of the format (case-format.md: "may be missing or null").
OPTIONAL_SCALARS = [
    "board_date",
    "presenter",
    "question",
    "notes",
    "patient.ecog",
    "patient.lvef_percent",
    "patient.cumulative_doxorubicin_mg_m2",
    "tumor.location",
    "tumor.size_cm",
    "tumor.depth",
    "tumor.presentation",
    "pathology.biopsy",
    "pathology.needle_gauge",
    "pathology.image_guided",
    "pathology.biopsy_route",
    "pathology.diagnosis_confirmed",
    "pathology.expert_review",
    "pathology.differentiation_score",
    "pathology.mitoses_per_10hpf",
    "pathology.necrosis_percent",
    "pathology.reported_grade",
    "workup.mri_primary",
    "workup.ct_chest",
    "workup.ct_abdomen_pelvis",
    "workup.pet_ct",
    "workup.radiograph_primary",
    "workup.last_imaging_date",
    "extent.nodes",
    "extent.metastases[0].count",
    "extent.metastases[0].resectable",
    "extent.disease_free_interval_months",
    "extent.primary_resectability",
    "extent.limb_salvage_feasible",
    "extent.neurovascular_involvement",
    "patient.menopausal_status",
    "patient.wishes_fertility_preservation",
    "patient.coded_comorbidities[0].severity",
    "patient.coded_comorbidities[0].note",
    "patient.coded_comorbidities[1].egfr_ml_min",
    "pathology.tumor_ngs",
    "pathology.hrd",
    "history.surgery_date",
    "history.treatment_lines[1].line",
    "history.treatment_lines[0].regimen",
    "history.treatment_lines[0].start_date",
    "history.treatment_lines[0].end_date",
    "history.treatment_lines[0].cycles",
    "history.treatment_lines[0].best_response",
    "history.treatment_lines[0].stop_reason",
    "history.treatment_lines[1].note",
    "history.radiotherapy_courses[0].target",
    "history.radiotherapy_courses[0].region",
    "history.radiotherapy_courses[0].technique",
    "history.radiotherapy_courses[0].dose_gy",
    "history.radiotherapy_courses[0].fractions",
    "history.radiotherapy_courses[0].start_date",
    "history.radiotherapy_courses[0].end_date",
    "history.patient_preference",
]
OPTIONAL_CONTAINERS = [
    "workup",
    "history",
    "patient.comorbidities",
    "patient.coded_comorbidities",
    "patient.declines",
    "pathology.ihc",
    "pathology.molecular",
    "extent.metastases",
    "history.treatment_lines",
    "history.treatment_lines[0].drugs",
    "history.treatment_lines[1].other_drugs",
    "history.treatment_lines[0].doses_mg_m2",
    "history.radiotherapy_courses",
]


def _without_dependants(path: str) -> dict[str, Any]:
    # The needle gauge is only allowed with a core needle biopsy, doses only for listed drugs
    # (cross-field rules).
    if path == "pathology.biopsy":
        return {"pathology.needle_gauge": DELETE}
    if path == "history.treatment_lines[0].drugs":
        return {"history.treatment_lines[0].doses_mg_m2": DELETE}
    return {}


@pytest.mark.parametrize("path", OPTIONAL_SCALARS + OPTIONAL_CONTAINERS)
def test_optional_field_may_be_missing(path: str) -> None:
    parse_case(changed(BASE, {**_without_dependants(path), path: DELETE}))


@pytest.mark.parametrize("path", OPTIONAL_SCALARS)
def test_optional_field_may_be_null_and_round_trips_as_null(path: str) -> None:
    data = changed(BASE, {**_without_dependants(path), path: None})
    assert parse_case(data).to_json_dict() == data


@pytest.mark.parametrize("path", OPTIONAL_CONTAINERS)
def test_optional_list_or_object_may_be_null(path: str) -> None:
    # case-format.md: "Optional fields may be missing or `null`" (read as not known).
    data = changed(BASE, {**_without_dependants(path), path: None})
    assert parse_case(data).to_json_dict() == data


@pytest.mark.parametrize("path", [*REQUIRED_FIELDS, "extent.metastases[0].site"])
def test_required_field_missing_is_named(path: str) -> None:
    messages = errors(changed(BASE, {path: DELETE}))
    assert names(messages, path), messages


# ---------------------------------------------------------------------- JSON types

#: path -> a JSON value of the wrong type that must not be coerced silently.
WRONG_JSON_TYPES = [
    ("patient.age", True),
    ("patient.age", "54"),
    ("patient.age", 54.5),
    ("patient.ecog", False),
    ("tumor.size_cm", "11"),
    ("tumor.size_cm", True),
    ("pathology.image_guided", "yes"),
    ("pathology.image_guided", "true"),
    ("pathology.image_guided", 1),
    ("workup.ct_chest", 0),
    ("presenter", 5),
    ("patient.comorbidities", "asthma"),
    ("extent.metastases", {"site": "lung"}),
    ("patient.wishes_fertility_preservation", "no"),
    ("pathology.tumor_ngs", 1),
    ("history.treatment_lines", {"setting": "advanced"}),
    ("history.treatment_lines[0].cycles", 3.5),
    ("history.treatment_lines[0].cycles", "3"),
    ("history.treatment_lines[0].drugs", "doxorubicin"),
    ("history.treatment_lines[0].doses_mg_m2", [225]),
    ("history.treatment_lines[0].doses_mg_m2.doxorubicin", "225"),
    ("history.radiotherapy_courses[0].dose_gy", "50"),
    ("patient.declines", "amputation"),
]


@pytest.mark.parametrize(
    ("path", "value"), WRONG_JSON_TYPES, ids=[f"{p}={v!r}" for p, v in WRONG_JSON_TYPES]
)
def test_wrong_json_type_is_rejected_naming_the_field(path: str, value: Any) -> None:
    messages = errors(changed(BASE, {path: value}))
    assert names(messages, path), messages


# ------------------------------------------------------------------ cross-field rules

CROSS_FIELD = [
    *V1_CROSS_FIELD,
    (
        {"tumor.site": "retroperitoneum", "extent.limb_salvage_feasible": False},
        ("extent.limb_salvage_feasible", "tumor.site"),
    ),
    ({"pathology.biopsy": DELETE}, ("pathology.needle_gauge", "pathology.biopsy")),
    (
        {"pathology.biopsy": "fine_needle_aspirate"},
        ("pathology.needle_gauge", "pathology.biopsy"),
    ),
    (
        {
            "pathology.margin": "R1",
            "pathology.biopsy": "incisional",
            "pathology.needle_gauge": DELETE,
            "extent.primary_resectability": "unresectable",
        },
        ("pathology.margin", "extent.primary_resectability", "pathology.biopsy"),
    ),
    (
        {"extent.metastases": [{"site": "lung"}, {"site": "liver"}, {"site": "lung"}]},
        ("extent.metastases[2].site",),
    ),
    (
        {
            "history.treatment_lines[0].setting": "maintenance",
            "history.treatment_lines[1].line": 1,
            "history.treatment_lines[2]": {"setting": "advanced", "line": 1},
        },
        ("history.treatment_lines[2].line", "history.treatment_lines[1].line"),
    ),
    (
        {
            "history.treatment_lines[1].line": DELETE,
            "history.treatment_lines[2]": {"setting": "advanced", "line": 1},
        },
        ("history.treatment_lines[2].line", "history.treatment_lines[1].line"),
    ),
]


@pytest.mark.parametrize(
    ("changes", "fields"),
    CROSS_FIELD,
    ids=[f[0] + "-" + str(i) for i, (_, f) in enumerate(CROSS_FIELD)],
)
def test_cross_field_breach_names_both_fields(
    changes: dict[str, Any], fields: tuple[str, ...]
) -> None:
    messages = errors(changed(BASE, changes))
    assert names(messages, *fields), messages


@pytest.mark.parametrize(
    ("changes", "fields"),
    V2_CROSS_FIELD,
    ids=[f[0] + "-" + str(i) for i, (_, f) in enumerate(V2_CROSS_FIELD)],
)
def test_v2_cross_field_breach_names_both_fields(
    changes: dict[str, Any], fields: tuple[str, ...]
) -> None:
    messages = errors(changed(base_v2(), changes))
    assert names(messages, *fields), messages


CROSS_FIELD_OK = [
    {
        "tumor.site": "uterus",
        "extent.limb_salvage_feasible": DELETE,
        "tumor.uterine_extension": "pelvic",
        "tumor.morcellated": True,
    },
    {"tumor.site": "extremity", "extent.limb_salvage_feasible": False},
    {"pathology.biopsy": "core_needle", "pathology.needle_gauge": 18},
    {"extent.primary_resectability": "resected", "pathology.margin": "R1"},
    {
        "pathology.biopsy": "excisional",
        "pathology.needle_gauge": DELETE,
        "pathology.margin": "R2",
    },
    {
        "pathology.biopsy": "resection",
        "pathology.needle_gauge": DELETE,
        "pathology.margin": "unknown",
    },
    {"extent.metastases": [{"site": "lung"}, {"site": "liver"}, {"site": "bone"}]},
    # A reported grade that disagrees with the components is kept, not an error.
    {"pathology.reported_grade": 1},
    {"patient.sex": "male", "patient.menopausal_status": DELETE},
    {"patient.sex": "other", "patient.menopausal_status": "unknown"},
    {
        "patient.coded_comorbidities[2]": {"code": "other", "note": "gout"},
        "patient.coded_comorbidities[3]": {"code": "other", "note": "glaucoma"},
    },
    {"pathology.tumor_ngs": DELETE},
    {"pathology.tumor_ngs": False, "pathology.hrd": DELETE},
    {"history.treatment_lines[1].setting": "maintenance"},
    {"history.treatment_lines[1].line": 3},
    {
        "history.treatment_lines[2]": {"setting": "advanced"},
        "history.treatment_lines[3]": {"setting": "advanced", "line": 5},
    },
    {"history.treatment_lines[0].end_date": "2023-10-02"},
    {"history.treatment_lines[0].doses_mg_m2": {}},
]


@pytest.mark.parametrize("changes", CROSS_FIELD_OK, ids=lambda c: ",".join(c)[:60])
def test_cross_field_rule_allows_the_permitted_combination(changes: dict[str, Any]) -> None:
    case = parse_case(changed(BASE, changes))
    assert case.to_json_dict() == changed(BASE, changes)


def test_field_error_and_cross_field_breach_are_both_named() -> None:
    # assessment.md: the message names *every* bad field, so a range error must not hide a
    # cross-field breach in the same file (the user would fix one, then meet the next).
    messages = errors(changed(BASE, {"tumor.uterine_extension": "confined", "patient.age": 130}))
    assert names(messages, "patient.age"), messages
    assert names(messages, "tumor.uterine_extension"), messages


def test_cross_field_breaches_without_field_errors_are_all_reported() -> None:
    messages = errors(
        changed(BASE, {"tumor.uterine_extension": "confined", "pathology.biopsy": "incisional"})
    )
    assert names(messages, "tumor.uterine_extension")
    assert names(messages, "pathology.needle_gauge")


# ---------------------------------------------------------------- unknown keys, paths


@pytest.mark.parametrize(
    "path",
    [
        "mrn",
        "patient.name",
        "tumor.sise_cm",
        "pathology.grade",
        "workup.ct_head",
        "extent.metastases[0].size_cm",
        "history.chemo",
        "history.prior_regimens",
        "history.treatment_lines[0].dose",
        "history.radiotherapy_courses[0].gy",
        "patient.coded_comorbidities[0].egfr",
    ],
)
def test_unknown_key_is_rejected_naming_its_path(path: str) -> None:
    messages = errors(changed(BASE, {path: 1}))
    assert names(messages, path), messages
    assert names(messages, "unknown field")


def test_messages_start_with_the_field_path() -> None:
    messages = errors(changed(BASE, {"tumor.size_cm": 0, "patient.age": DELETE}))
    assert any(m.startswith("tumor.size_cm: ") for m in messages), messages
    assert any(m.startswith("patient.age: ") for m in messages), messages


def test_non_object_root_is_rejected() -> None:
    for value in ([], "case", 1, None, [BASE]):
        assert errors(value)


def test_parse_case_json_rejects_nan_and_infinity() -> None:
    for token in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        raw = to_bytes(BASE).replace(b'"size_cm": 11.0', b'"size_cm": ' + token)
        assert token in raw
        with pytest.raises(CaseError) as info:
            parse_case_json(raw)
        assert info.value.messages


def test_assignment_is_validated() -> None:
    case = parse_case(BASE)
    with pytest.raises(ValidationError):
        case.tumor.size_cm = -1


# --------------------------------------------------------------------------- files


def test_load_case_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaseError) as info:
        load_case(tmp_path / "nope.json")
    assert "nope.json" in info.value.messages[0]


def test_load_case_folder(tmp_path: Path) -> None:
    with pytest.raises(CaseError):
        load_case(tmp_path)


@pytest.mark.parametrize("content", [b"", b"   \n", b"{", b"\xff\xfe\x00", b"[1, 2]"])
def test_load_case_bad_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert info.value.messages


def test_load_case_reads_utf8_with_unicode(tmp_path: Path) -> None:
    data = changed(BASE, {"notes": "Ümit — <script>alert(1)</script> 平滑筋肉腫"})
    path = tmp_path / "u.json"
    path.write_bytes(to_bytes(data))
    assert load_case(path).notes == data["notes"]


# ---------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cases())
def test_valid_cases_validate_and_round_trip(data: dict[str, Any]) -> None:
    case = parse_case(data)
    assert case.to_json_dict() == json.loads(json.dumps(data))
    assert parse_case_json(case.to_json()) == case


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_case_dicts())
def test_invalid_cases_are_rejected_naming_the_field(invalid: Invalid) -> None:
    messages = errors(invalid.data)
    assert names(messages, invalid.field), (invalid.field, messages)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed_payloads())
def test_malformed_payloads_raise_case_error_only(raw: bytes) -> None:
    with pytest.raises(CaseError) as info:
        parse_case_json(raw)
    assert info.value.messages
    assert all(isinstance(m, str) and m for m in info.value.messages)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"\xed\xa0\x80schema_version": 1}',  # an encoded surrogate: not UTF-8
        b'{"\\ud800x": 1}',  # a lone surrogate escape in a key
        b'{"schema_version": 1, "case_id": "A", "presenter": "\\udfff"}',
    ],
)
def test_surrogates_are_refused_as_not_text(payload: bytes) -> None:
    with pytest.raises(CaseError) as exc:
        parse_case_json(payload)
    assert exc.value.messages[0].startswith("(file): ")


def test_surrogate_pair_escape_is_ordinary_text() -> None:
    data = json.loads((REPO_ROOT / "src/lms_board/demo_cases/DEMO-01.json").read_text())
    data["presenter"] = "Fellow \\ud83d\\ude00"
    text = json.dumps(data).replace("\\\\ud83d\\\\ude00", "\\ud83d\\ude00")
    assert parse_case_json(text.encode()).presenter == "Fellow 😀"


# ----------------------------------------------------------------- format v2: history


def test_every_drug_of_the_vocabulary_is_a_valid_drug_id() -> None:
    data = changed(BASE, {"history.treatment_lines[1].drugs": list(DRUG_IDS)})
    assert parse_case(data).history.treatment_lines[1].drugs == list(DRUG_IDS)


def test_a_line_can_list_every_drug_so_any_v1_regimen_text_upgrades() -> None:
    assert len(drug_vocabulary()) <= MAX_DRUGS_PER_LINE


@pytest.mark.parametrize("drug", ["adriamycine", "Doxorubicin", "gem", "doxorubicin ", "x" * 41])
def test_unknown_drug_id_is_rejected_naming_its_path(drug: str) -> None:
    messages = errors(changed(BASE, {"history.treatment_lines[1].drugs[1]": drug}))
    assert names(messages, "history.treatment_lines[1].drugs[1]"), messages


def test_unknown_drug_message_says_where_the_names_are() -> None:
    messages = errors(changed(BASE, {"history.treatment_lines[0].drugs[0]": "adriamycin"}))
    assert any(
        m.startswith("history.treatment_lines[0].drugs[0]: unknown drug 'adriamycin'")
        and "other_drugs" in m
        for m in messages
    ), messages


def test_unknown_drug_as_a_dose_key_is_named() -> None:
    messages = errors(
        changed(BASE, {"history.treatment_lines[0].doses_mg_m2": {"adriamycin": 225}})
    )
    assert names(messages, "history.treatment_lines[0].doses_mg_m2.adriamycin"), messages


@pytest.mark.parametrize("setting", [s.value for s in LineSetting])
def test_every_setting_is_accepted(setting: str) -> None:
    numbered = setting in ("advanced", "maintenance")
    changes = {"history.treatment_lines[1].setting": setting}
    if not numbered:
        changes["history.treatment_lines[1].line"] = DELETE
    case = parse_case(changed(BASE, changes))
    assert case.history.treatment_lines[1].setting == setting


def test_numbered_lines_label_each_line_as_a_board_says_it() -> None:
    data = changed(
        BASE,
        {
            "history.treatment_lines[1].line": DELETE,
            "history.treatment_lines[2]": {"setting": "maintenance"},
            "history.treatment_lines[3]": {"setting": "advanced", "line": 3},
            "history.treatment_lines[4]": {"setting": "advanced"},
            "history.treatment_lines[5]": {"setting": "unknown"},
        },
    )
    history = parse_case(data).history
    labels = [n.label for n in history.numbered_lines()]
    assert labels == [
        "neoadjuvant",
        "line 1",
        "maintenance after line 1",
        "line 3",
        "line 4",
        "setting not recorded",
    ]
    assert history.advanced_lines_given == 4


def test_missing_and_empty_history_lists_mean_not_known_and_none() -> None:
    unknown = parse_case(changed(BASE, {"history": {}})).history
    assert not unknown.systemic_history_known and not unknown.radiotherapy_known
    none = parse_case(
        changed(BASE, {"history": {"treatment_lines": [], "radiotherapy_courses": []}})
    ).history
    assert none.systemic_history_known and none.radiotherapy_known
    assert none.advanced_lines_given == 0


def test_free_text_of_v2_fields_is_listed_by_path() -> None:
    texts = parse_case(BASE).free_text()
    for path in (
        "patient.coded_comorbidities[0].note",
        "history.treatment_lines[0].regimen",
        "history.treatment_lines[1].other_drugs[0]",
        "history.treatment_lines[1].note",
        "history.radiotherapy_courses[0].region",
    ):
        assert path in texts, path


def test_v1_field_in_a_v2_file_is_named_as_unknown_in_v2() -> None:
    messages = errors(changed(BASE, {"history.prior_regimens": ["doxorubicin"]}))
    assert any(
        m.startswith("history.prior_regimens: unknown field (not in case format v2)")
        for m in messages
    ), messages
