"""Case format v1 (``lms_board.case_v1``) and its upgrade to v2 (``lms_board.case_upgrade``):
every v1 file still loads, round-trips as v1, is upgraded on read, and gives the same
classification, grade and stage as the code before format v2 (``tests/fixtures/v1_baseline.json``,
generated from commit 0a5cbfc)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, shared_case_files
from hypothesis import HealthCheck, given, settings
from strategies import (
    DELETE,
    V1_CROSS_FIELD,
    Invalid,
    base_v1,
    changed,
    invalid_case_dicts,
    valid_v1_cases,
)

from lms_board.assess import assess
from lms_board.case import Case, CaseError, StopReason, load_case, parse_case
from lms_board.case_upgrade import NO_PROGRESSION_NOTE, PLACEHOLDER_NOTE
from lms_board.case_v1 import CaseV1
from lms_board.demo import demo_cases
from lms_board.drugs import drug_vocabulary, drugs_in_text

FIXTURES = REPO_ROOT / "tests" / "fixtures"
BASELINE: dict[str, Any] = json.loads((FIXTURES / "v1_baseline.json").read_text(encoding="utf-8"))
#: The demo cases as they were shipped in format v1 (before they were converted to v2).
V1_DEMO_FILES = sorted((FIXTURES / "v1_demo_cases").glob("*.json"))
V1_FILES = shared_case_files() + V1_DEMO_FILES


def _summary(case: Case) -> dict[str, Any]:
    a = assess(case)
    c = a.classification
    return {
        "category": c.category,
        "subtype": c.subtype,
        "provisional": c.provisional,
        "grade": a.grade.model_dump(mode="json") if a.grade else None,
        "stage": a.stage.model_dump(mode="json"),
    }


def _expected(path: Path) -> dict[str, Any]:
    group = "demo_cases" if path.parent.name == "v1_demo_cases" else "shared_cases"
    expected: dict[str, Any] = BASELINE[group][path.stem]
    return expected


# ------------------------------------------------------------- the baseline (golden file)


def test_the_baseline_covers_every_v1_file() -> None:
    assert len(V1_DEMO_FILES) == len(BASELINE["demo_cases"]) >= 9
    if shared_case_files():
        assert {p.stem for p in shared_case_files()} == set(BASELINE["shared_cases"])


@pytest.mark.parametrize("path", V1_FILES, ids=lambda p: p.stem)
def test_v1_file_loads_upgrades_and_is_judged_as_before(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["schema_version"] == 1
    case = load_case(path)
    assert case.source_version == 1 and case.schema_version == 2
    assert _summary(case) == _expected(path)


@pytest.mark.parametrize("case", demo_cases(), ids=lambda c: c.case_id)
def test_shipped_demo_case_is_judged_as_its_v1_original(case: Case) -> None:
    """The demo cases converted to v2 (with their treatment lines written out) keep the
    classification, grade and stage of their v1 originals; new demo cases have none."""
    if case.case_id not in BASELINE["demo_cases"]:
        assert not (FIXTURES / "v1_demo_cases" / f"{case.case_id}.json").exists()
        pytest.skip(f"{case.case_id} is new in format v2 (no v1 original)")
    assert _summary(case) == BASELINE["demo_cases"][case.case_id]


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("path", V1_FILES, ids=lambda p: p.stem)
def test_v1_file_round_trips_as_v1(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    v1 = CaseV1.model_validate(raw)
    assert v1.to_json_dict() == raw
    assert json.loads(v1.to_json()) == raw


@pytest.mark.parametrize("path", V1_FILES, ids=lambda p: p.stem)
def test_upgraded_case_round_trips_as_v2(path: Path) -> None:
    case = load_case(path)
    data = case.to_json_dict()
    assert data["schema_version"] == 2
    again = parse_case(data)
    assert again == case and again.source_version == 2
    assert again.to_json_dict() == data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_v1_cases())
def test_random_v1_cases_round_trip_as_v1_and_upgrade(data: dict[str, Any]) -> None:
    expected = json.loads(json.dumps(data))
    assert CaseV1.model_validate(data).to_json_dict() == expected
    case = parse_case(data)
    assert case.source_version == 1
    assert parse_case(case.to_json_dict()) == case


# ---------------------------------------------------------------- upgrade properties


def _v1_history(data: dict[str, Any]) -> dict[str, Any]:
    history = data.get("history")
    return history if isinstance(history, dict) else {}


def _vocabulary_order(text: str) -> list[str]:
    found = drugs_in_text(text)
    return [d for d in drug_vocabulary() if d in found]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_v1_cases())
def test_upgrade_keeps_every_line_and_marks_progression_only_on_the_last(
    data: dict[str, Any],
) -> None:
    h = _v1_history(data)
    regimens: list[str] = h.get("prior_regimens") or []
    count: int | None = h.get("systemic_lines_advanced")
    progressed = h.get("progressed_on_last_line")
    history = parse_case(data).history
    lines = history.treatment_lines
    # Line count: every regimen, plus a line for each advanced line v1 counts but does not name.
    assert len(lines) == len(regimens) + max(0, (count or 0) - len(regimens))
    # The line of therapy is what v1 counted.
    assert history.advanced_lines_given == (count or 0)
    # Drugs: parsed from each regimen with the vocabulary; the text kept as the regimen.
    described = [tl for tl in lines if tl.regimen is not None]
    assert [tl.regimen for tl in described] == regimens
    for tl in described:
        assert tl.drugs == _vocabulary_order(tl.regimen or "")
    # Progression: on the last line only, and only when v1 said so.
    stops = [tl.stop_reason for tl in lines]
    if lines and progressed is True:
        assert stops == [None] * (len(lines) - 1) + [StopReason.progression]
    else:
        assert stops == [None] * len(lines)
    if lines and progressed is False:
        assert NO_PROGRESSION_NOTE in (lines[-1].note or "")
    # The systemic history is known exactly when v1 said anything about it.
    keys = ("prior_regimens", "systemic_lines_advanced", "progressed_on_last_line")
    assert history.systemic_history_known == any(h.get(k) is not None for k in keys)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_v1_cases())
def test_upgrade_changes_nothing_but_the_history(data: dict[str, Any]) -> None:
    v2 = parse_case(data).to_json_dict()
    v1 = json.loads(json.dumps(data))
    for key in set(v1) | set(v2):
        if key not in ("schema_version", "history"):
            assert v2.get(key) == v1.get(key), key
    h1, h2 = v1.get("history"), v2.get("history")
    if not isinstance(h1, dict):
        assert h2 == h1
        return
    for key in ("surgery_date", "patient_preference"):
        assert h2.get(key) == h1.get(key)
    rt = h1.get("radiotherapy")
    if rt is None:
        assert "radiotherapy_courses" not in h2
    elif rt == "none":
        assert h2["radiotherapy_courses"] == []
    else:
        assert [c["timing"] for c in h2["radiotherapy_courses"]] == [rt]


def _upgrade(history: dict[str, Any]) -> list[dict[str, Any]]:
    data = changed(base_v1(), {"history": history})
    lines: list[dict[str, Any]] = parse_case(data).to_json_dict()["history"]["treatment_lines"]
    return lines


def test_upgrade_example_of_the_format_doc() -> None:
    lines = _upgrade(
        {
            "systemic_lines_advanced": 2,
            "prior_regimens": ["doxorubicin", "gemcitabine + docetaxel"],
            "progressed_on_last_line": True,
        }
    )
    assert lines == [
        {"setting": "advanced", "line": 1, "drugs": ["doxorubicin"], "regimen": "doxorubicin"},
        {
            "setting": "advanced",
            "line": 2,
            "drugs": ["gemcitabine", "docetaxel"],
            "regimen": "gemcitabine + docetaxel",
            "stop_reason": "progression",
        },
    ]


def test_upgrade_reads_other_drug_names_with_the_vocabulary() -> None:
    lines = _upgrade({"prior_regimens": ["Adriamycin + DTIC", "Gem/Doc", "Yondelis", "ABC-123"]})
    assert [tl["drugs"] for tl in lines] == [
        ["doxorubicin", "dacarbazine"],
        ["gemcitabine", "docetaxel"],
        ["trabectedin"],
        [],
    ]
    assert [tl["setting"] for tl in lines] == ["unknown"] * 4


def test_upgrade_adds_lines_v1_counted_but_did_not_name() -> None:
    lines = _upgrade(
        {
            "systemic_lines_advanced": 3,
            "prior_regimens": ["pazopanib"],
            "progressed_on_last_line": True,
        }
    )
    assert [(tl["setting"], tl["line"]) for tl in lines] == [
        ("advanced", 1),
        ("advanced", 2),
        ("advanced", 3),
    ]
    assert lines[0]["note"] == lines[1]["note"] == PLACEHOLDER_NOTE
    assert lines[2]["drugs"] == ["pazopanib"] and lines[2]["stop_reason"] == "progression"


def test_upgrade_keeps_earlier_regimens_without_a_setting() -> None:
    """Regimens before the counted advanced lines were perhaps perioperative: v1 does not say."""
    lines = _upgrade(
        {
            "systemic_lines_advanced": 1,
            "prior_regimens": ["doxorubicin + ifosfamide", "trabectedin"],
            "progressed_on_last_line": False,
        }
    )
    assert [tl["setting"] for tl in lines] == ["unknown", "advanced"]
    assert "line" not in lines[0] and lines[1]["line"] == 1
    assert lines[1]["note"] == NO_PROGRESSION_NOTE and "stop_reason" not in lines[1]


def test_upgrade_of_an_empty_and_an_unknown_history() -> None:
    assert _upgrade({"prior_regimens": [], "systemic_lines_advanced": 0}) == []
    data = changed(base_v1(), {"history": {"prior_regimens": None}})
    history = parse_case(data).history
    assert not history.systemic_history_known and history.treatment_lines == []
    data = changed(base_v1(), {"history": DELETE})
    assert "history" not in parse_case(data).to_json_dict()


def test_upgrade_of_radiotherapy() -> None:
    def courses(value: str) -> Any:
        data = changed(base_v1(), {"history.radiotherapy": value})
        return parse_case(data).to_json_dict()["history"]["radiotherapy_courses"]

    assert courses("none") == []
    assert courses("preoperative") == [{"timing": "preoperative", "target": "primary_site"}]
    assert courses("palliative") == [{"timing": "palliative"}]


def test_a_v1_line_count_with_progression_makes_those_drugs_progressed() -> None:
    from lms_board.knowledge import load_knowledge
    from lms_board.knowledge.applies import line_of_therapy, progressed_drugs

    case = parse_case(
        changed(
            base_v1(),
            {
                "history": {
                    "systemic_lines_advanced": 2,
                    "prior_regimens": ["doxorubicin", "gem/doc"],
                    "progressed_on_last_line": True,
                }
            },
        )
    )
    kb = load_knowledge()
    assert line_of_therapy(case) == 2
    assert progressed_drugs(case, kb) == {"gemcitabine", "docetaxel"}


# ----------------------------------------------------------- v1 messages name v1 fields


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_case_dicts(version=1))
def test_invalid_v1_cases_are_rejected_naming_the_v1_field(invalid: Invalid) -> None:
    with pytest.raises(CaseError) as info:
        parse_case(invalid.data)
    messages = info.value.messages
    assert any(invalid.field in m for m in messages), (invalid.field, messages)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("history.systemic_lines_advanced", 11),
        ("history.systemic_lines_advanced", -1),
        ("history.prior_regimens[0]", "r" * 201),
        ("history.radiotherapy", "yes"),
        ("history.progressed_on_last_line", "no"),
        ("history.prior_regimens", "doxorubicin"),
    ],
)
def test_bad_v1_history_field_is_named_as_in_v1(path: str, value: Any) -> None:
    with pytest.raises(CaseError) as info:
        parse_case(changed(base_v1(), {path: value}))
    assert any(m.startswith(f"{path}: ") for m in info.value.messages), info.value.messages


@pytest.mark.parametrize(("changes", "fields"), V1_CROSS_FIELD, ids=lambda v: str(v)[:40])
def test_v1_cross_field_breach_names_both_fields(
    changes: dict[str, Any], fields: tuple[str, ...]
) -> None:
    with pytest.raises(CaseError) as info:
        parse_case(changed(base_v1(), changes))
    assert any(all(f in m for f in fields) for m in info.value.messages), info.value.messages


def test_v2_field_in_a_v1_file_is_unknown_in_v1() -> None:
    data = changed(base_v1(), {"history.treatment_lines": []})
    with pytest.raises(CaseError) as info:
        parse_case(data)
    assert info.value.messages == ["history.treatment_lines: unknown field (not in case format v1)"]


@pytest.mark.parametrize("version", [0, 3, "1", 1.0, True, None])
def test_unsupported_schema_version_is_named(version: Any) -> None:
    with pytest.raises(CaseError) as info:
        parse_case(changed(base_v1(), {"schema_version": version}))
    assert info.value.messages[0].startswith("schema_version: ")
