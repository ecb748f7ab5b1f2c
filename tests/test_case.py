"""The case file format v1 (``lms_board.case``): loading, round trips, bounds, cross-field
rules, unknown keys and the field paths in every message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, shared_case_files
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError
from strategies import (
    DELETE,
    REQUIRED_FIELDS,
    Invalid,
    changed,
    invalid_case_dicts,
    malformed_payloads,
    to_bytes,
    valid_cases,
)

from lms_board.case import (
    Biopsy,
    BiopsyRoute,
    Case,
    CaseError,
    Depth,
    IhcResult,
    Margin,
    MetastasisSite,
    Nodes,
    Presentation,
    Radiotherapy,
    Resectability,
    Sex,
    Site,
    UterineExtension,
    load_case,
    parse_case,
    parse_case_json,
)

#: A valid case with every section, so any single field can be changed.
BASE: dict[str, Any] = {
    "schema_version": 1,
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
        "cumulative_doxorubicin_mg_m2": 0,
        "comorbidities": ["asthma"],
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
        "radiotherapy": "preoperative",
        "systemic_lines_advanced": 0,
        "prior_regimens": ["doxorubicin"],
        "progressed_on_last_line": False,
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

SHARED_FILES = shared_case_files()


@pytest.mark.parametrize(
    "path",
    SHARED_FILES
    or [pytest.param(None, marks=pytest.mark.skip(reason="../shared/cases not present"))],
    ids=lambda p: p.stem if isinstance(p, Path) else "absent",
)
def test_shared_case_loads_and_round_trips(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    case = load_case(path)
    assert case.to_json_dict() == raw
    assert json.loads(case.to_json()) == raw
    assert parse_case_json(case.to_json()) == case


def test_shared_cases_are_all_found(shared_dir: Path) -> None:
    assert len(list((shared_dir / "cases").glob("PUB-*.json"))) >= 8


def test_demo_cases_round_trip(demo_cases: list[Case]) -> None:
    assert len(demo_cases) >= 8
    for case in demo_cases:
        assert parse_case(case.to_json_dict()) == case


# ------------------------------------------------------------------------- bounds

#: path -> (values just inside, values just outside)
BOUNDS: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {
    "schema_version": ((1,), (0, 2)),
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
    "history.systemic_lines_advanced": ((0, 10), (-1, 11)),
    "case_id": (("A", "a" * 40, "PUB-01", "x.y_z-9"), ("", "a" * 41, "a b", "a/b", "é")),
    "presenter": (("p" * 120,), ("p" * 121,)),
    "question": (("q" * 1000,), ("q" * 1001,)),
    "notes": (("n" * 5000,), ("n" * 5001,)),
    "tumor.location": (("l" * 200,), ("l" * 201,)),
    "patient.comorbidities[0]": (("c" * 200,), ("c" * 201,)),
    "pathology.molecular[0]": (("m" * 200,), ("m" * 201,)),
    "history.prior_regimens[0]": (("r" * 200,), ("r" * 201,)),
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
    "history.radiotherapy": Radiotherapy,
}

#: Changes that keep the cross-field rules satisfied whatever the enum value.
_ENUM_NEUTRAL = {
    "extent.limb_salvage_feasible": DELETE,
    "pathology.needle_gauge": DELETE,
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
    "history.surgery_date",
    "history.radiotherapy",
    "history.systemic_lines_advanced",
    "history.progressed_on_last_line",
    "history.patient_preference",
]
OPTIONAL_CONTAINERS = [
    "workup",
    "history",
    "patient.comorbidities",
    "pathology.ihc",
    "pathology.molecular",
    "extent.metastases",
    "history.prior_regimens",
]


def _without_dependants(path: str) -> dict[str, Any]:
    # The needle gauge is only allowed with a core needle biopsy (a cross-field rule).
    return {"pathology.needle_gauge": DELETE} if path == "pathology.biopsy" else {}


@pytest.mark.parametrize("path", OPTIONAL_SCALARS + OPTIONAL_CONTAINERS)
def test_optional_field_may_be_missing(path: str) -> None:
    parse_case(changed(BASE, {**_without_dependants(path), path: DELETE}))


@pytest.mark.parametrize("path", OPTIONAL_SCALARS)
def test_optional_field_may_be_null_and_round_trips_as_null(path: str) -> None:
    data = changed(BASE, {**_without_dependants(path), path: None})
    assert parse_case(data).to_json_dict() == data


@pytest.mark.parametrize("path", OPTIONAL_CONTAINERS)
def test_optional_list_or_object_may_be_null(path: str) -> None:
    # case-format.md: "Optional fields may be missing or `null`".
    parse_case(changed(BASE, {path: None}))


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
]


@pytest.mark.parametrize(
    ("path", "value"), WRONG_JSON_TYPES, ids=[f"{p}={v!r}" for p, v in WRONG_JSON_TYPES]
)
def test_wrong_json_type_is_rejected_naming_the_field(path: str, value: Any) -> None:
    messages = errors(changed(BASE, {path: value}))
    assert names(messages, path), messages


# ------------------------------------------------------------------ cross-field rules

CROSS_FIELD = [
    ({"tumor.uterine_extension": "confined"}, ("tumor.uterine_extension", "tumor.site")),
    ({"tumor.morcellated": False}, ("tumor.morcellated", "tumor.site")),
    (
        {"tumor.site": "trunk", "extent.limb_salvage_feasible": True},
        ("extent.limb_salvage_feasible", "tumor.site"),
    ),
    (
        {"tumor.site": "retroperitoneum", "extent.limb_salvage_feasible": False},
        ("extent.limb_salvage_feasible", "tumor.site"),
    ),
    ({"pathology.biopsy": "incisional"}, ("pathology.needle_gauge", "pathology.biopsy")),
    ({"pathology.biopsy": DELETE}, ("pathology.needle_gauge", "pathology.biopsy")),
    (
        {"pathology.biopsy": "fine_needle_aspirate"},
        ("pathology.needle_gauge", "pathology.biopsy"),
    ),
    (
        {"pathology.margin": "R0"},
        ("pathology.margin", "extent.primary_resectability", "pathology.biopsy"),
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
