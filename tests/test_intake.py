"""The intake form's model (lms_board.intake): round trips, field errors, applicability."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import shared_case_files

from lms_board.case import (
    Case,
    CodedComorbidity,
    RadiotherapyCourse,
    TreatmentLine,
    load_case,
    parse_case,
)
from lms_board.demo import demo_cases
from lms_board.intake import (
    CODED_COMORBIDITIES,
    DOSE_FIELD,
    EDITOR_BY_KEY,
    FIELD_BY_KEY,
    IHC_OTHER,
    METASTASES,
    RADIOTHERAPY_COURSES,
    TREATMENT_LINES,
    Bounds,
    ListEditor,
    add_row,
    all_keys,
    applies,
    case_to_form,
    changed_fields,
    check_form,
    dose_key,
    draft_key,
    draft_owner,
    draft_prefix,
    duplicate_case,
    empty_form,
    form_to_case_dict,
    identifier_warnings,
    live_grade,
    message_key,
    metastasis_key,
    model_bounds,
    move_row_up,
    remove_row,
    restore_form,
    row_applies,
    row_key,
    user_drafts,
)

ALL_CASES: list[Case] = demo_cases() + [load_case(p) for p in shared_case_files()]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.case_id)
def test_every_case_survives_the_form(case: Case) -> None:
    form = case_to_form(case)
    json.dumps(form)  # the draft payload is plain JSON
    checked = check_form(form)
    assert checked.case is not None, checked.errors
    assert checked.case.model_dump() == case.model_dump()


def test_blank_form_names_the_required_fields() -> None:
    checked = check_form(empty_form())
    assert checked.case is None
    for key in ("case_id", "patient.age", "patient.sex", "tumor.site"):
        assert any(m.endswith(": required") for m in checked.errors[key]), key
    assert checked.general == []


def test_invalid_size_is_placed_on_the_size_field_only() -> None:
    form = case_to_form(demo_cases()[0])
    form["tumor.size_cm"] = 0.0
    checked = check_form(form)
    assert checked.case is None
    assert list(checked.errors) == ["tumor.size_cm"]
    assert checked.errors["tumor.size_cm"][0].startswith("tumor.size_cm: ")
    assert checked.errors_for("tumor.size_cm", include_missing=False)


def test_fields_that_do_not_apply_keep_their_value_but_leave_the_case() -> None:
    uterine = next(c for c in ALL_CASES if c.tumor.site.value == "uterus")
    form = case_to_form(uterine)
    form["tumor.morcellated"] = True
    form["tumor.site"] = "trunk"
    assert not applies("tumor.morcellated", form)
    data, errors = form_to_case_dict(form)
    assert errors == {}
    assert "morcellated" not in data["tumor"]
    assert "uterine_extension" not in data["tumor"]
    assert form["tumor.morcellated"] is True  # nothing typed is lost
    assert check_form(form).case is not None


@pytest.mark.parametrize(
    ("key", "controls", "value", "expected"),
    [
        ("pathology.needle_gauge", "pathology.biopsy", "core_needle", True),
        ("pathology.needle_gauge", "pathology.biopsy", "fine_needle_aspirate", False),
        ("extent.limb_salvage_feasible", "tumor.site", "extremity", True),
        ("extent.limb_salvage_feasible", "tumor.site", "trunk", False),
        ("pathology.margin", "extent.primary_resectability", "resected", True),
        ("pathology.margin", "pathology.biopsy", "excisional", True),
        ("pathology.margin", "pathology.biopsy", "core_needle", False),
        ("tumor.uterine_extension", "tumor.site", "uterus", True),
    ],
)
def test_applies_follows_the_cross_field_rules(
    key: str, controls: str, value: str, expected: bool
) -> None:
    form = empty_form()
    form[controls] = value
    assert applies(key, form) is expected


def test_metastasis_errors_land_on_their_site_row() -> None:
    form = case_to_form(demo_cases()[0])
    form[METASTASES] = ["lung", "liver"]
    form[metastasis_key("liver", "count")] = 0
    checked = check_form(form)
    assert metastasis_key("liver", "count") in checked.errors
    assert message_key("extent.metastases[0].resectable: x", form) == metastasis_key(
        "lung", "resectable"
    )


def test_other_ihc_lines_are_parsed_and_bad_lines_named() -> None:
    form = case_to_form(demo_cases()[0])
    form[IHC_OTHER] = "CD34: negative\nnonsense"
    data, errors = form_to_case_dict(form)
    assert data["pathology"]["ihc"]["cd34"] == "negative"
    assert errors[IHC_OTHER] == [f"{IHC_OTHER}: 'nonsense' is not 'marker: result'"]
    form[IHC_OTHER] = "cd34: maybe"
    checked = check_form(form)
    assert checked.case is None
    assert IHC_OTHER in checked.errors


def test_identifier_like_free_text_is_warned_per_field() -> None:
    form = empty_form()
    form["question"] = "Patient MRN 00123456, call +44 20 7946 0958"
    form["patient.comorbidities"] = "diabetes\njane.doe@example.org"
    warnings = identifier_warnings(form)
    assert set(warnings) == {"question", "patient.comorbidities"}
    assert any("6+ digits" in w for w in warnings["question"])
    assert any("e-mail" in w for w in warnings["patient.comorbidities"])
    form["question"] = "Preoperative RT then resection of an 11 cm thigh LMS?"
    form["patient.comorbidities"] = ""
    assert identifier_warnings(form) == {}


def test_live_grade_uses_the_fnclcc_components() -> None:
    form = empty_form()
    assert live_grade(form) is None
    form.update(
        {
            "pathology.differentiation_score": 2,
            "pathology.mitoses_per_10hpf": 22,
            "pathology.necrosis_percent": 30.0,
            "pathology.reported_grade": 2,
        }
    )
    grade = live_grade(form)
    assert grade is not None
    assert (grade.score, grade.grade, grade.discrepancy) == (6, 3, True)
    form["pathology.differentiation_score"] = 7  # out of range: no grade, no crash
    assert live_grade(form) is None


def test_every_case_field_has_a_widget() -> None:
    """A new field in the case format must get a widget (or fail here)."""
    covered = set(FIELD_BY_KEY) | {"schema_version", METASTASES, "pathology.ihc"}
    covered |= set(EDITOR_BY_KEY)
    paths = set()
    for name, field in Case.model_fields.items():
        sub = getattr(field.annotation, "model_fields", None)
        paths |= {f"{name}.{s}" for s in sub} if sub else {name}
    assert paths - covered == set()
    assert "tumor.size_cm" in paths


@pytest.mark.parametrize(
    ("editor", "model"),
    [
        (TREATMENT_LINES, TreatmentLine),
        (RADIOTHERAPY_COURSES, RadiotherapyCourse),
        (CODED_COMORBIDITIES, CodedComorbidity),
    ],
)
def test_every_field_of_a_list_item_has_a_widget_with_the_model_bounds(
    editor: ListEditor, model: type[Any]
) -> None:
    widgets = {f.key for f in editor.fields} | (
        {"doses_mg_m2"} if model is TreatmentLine else set()
    )
    assert widgets == set(model.model_fields) - {"nullable"}
    for f in editor.fields:
        if f.kind in ("int", "float"):
            b = model_bounds(model, f.key)
            assert (f.min, f.max) == (b.min, b.max), f.key
            assert f.min is not None and f.max is not None, f.key


def test_bounds_are_read_from_the_model() -> None:
    assert model_bounds(TreatmentLine, "cycles") == Bounds(1, 200, None)
    assert model_bounds(TreatmentLine, "line") == Bounds(1, 15, None)
    assert model_bounds(TreatmentLine, "regimen").max_chars == 200
    assert model_bounds(TreatmentLine, "note").max_chars == 500
    assert model_bounds(RadiotherapyCourse, "dose_gy") == Bounds(0, 150, None, min_exclusive=True)
    assert model_bounds(CodedComorbidity, "egfr_ml_min") == Bounds(1, 200, None)
    assert (DOSE_FIELD.min, DOSE_FIELD.max) == (0, 5000)
    assert TREATMENT_LINES.field("regimen").max_chars == 200


def _with_lines(*lines: dict[str, Any]) -> dict[str, Any]:
    form = case_to_form(demo_cases()[0])
    for values in lines:
        row = add_row(form, TREATMENT_LINES)
        for name, value in values.items():
            form[row_key(TREATMENT_LINES, row, name)] = value
    return form


def test_treatment_lines_typed_in_become_the_case_history() -> None:
    form = _with_lines(
        {"setting": "advanced", "line": 1, "drugs": ["doxorubicin"], "stop_reason": "progression"},
        {},  # a row added and left blank is not part of the case
        {"setting": "advanced", "drugs": ["gemcitabine", "docetaxel"], "stop_reason": "ongoing"},
    )
    rows_ = form[TREATMENT_LINES.key]
    form[dose_key(rows_[0], "doxorubicin")] = 450.0
    form[dose_key(rows_[0], "ifosfamide")] = 9000.0  # typed, then the drug was taken out
    form[row_key(TREATMENT_LINES, rows_[2], "end_date")] = "2026-01-01"  # ongoing: kept, not sent
    checked = check_form(form)
    assert checked.case is not None, checked.errors
    lines = checked.case.history.treatment_lines
    assert [(tl.line, tl.drugs, tl.stop_reason) for tl in lines] == [
        (1, ["doxorubicin"], "progression"),
        (None, ["gemcitabine", "docetaxel"], "ongoing"),
    ]
    assert lines[0].doses_mg_m2 == {"doxorubicin": 450.0}
    assert lines[1].end_date is None
    assert form[dose_key(rows_[0], "ifosfamide")] == 9000.0  # nothing typed is lost
    assert form[row_key(TREATMENT_LINES, rows_[2], "end_date")] == "2026-01-01"


def test_row_errors_land_on_the_widget_of_their_row() -> None:
    form = _with_lines(
        {"setting": "advanced", "line": 2, "drugs": ["doxorubicin"], "cycles": 0},
        {"setting": "advanced", "line": 1, "drugs": ["trabectedin"]},
    )
    first, second = form[TREATMENT_LINES.key]
    form[dose_key(first, "doxorubicin")] = 6000.0
    checked = check_form(form)
    assert checked.case is None
    assert set(checked.errors) == {
        row_key(TREATMENT_LINES, first, "cycles"),
        dose_key(first, "doxorubicin"),
        row_key(TREATMENT_LINES, second, "line"),
    }
    message = checked.errors[row_key(TREATMENT_LINES, second, "line")][0]
    assert (
        "history.treatment_lines[1].line" in message
        and "history.treatment_lines[0].line" in message
    )
    assert checked.general == []


def test_a_line_without_its_setting_is_named() -> None:
    form = _with_lines({"drugs": ["eribulin"]})
    (row,) = form[TREATMENT_LINES.key]
    checked = check_form(form)
    assert checked.errors[row_key(TREATMENT_LINES, row, "setting")] == [
        "history.treatment_lines[0].setting: required"
    ]


def test_none_ticked_means_none_and_no_row_unticked_means_not_recorded() -> None:
    form = case_to_form(demo_cases()[0])
    assert form[TREATMENT_LINES.none_key] is True  # DEMO-01: no systemic treatment
    data, _ = form_to_case_dict(form)
    assert data["history"]["treatment_lines"] == []
    form[TREATMENT_LINES.none_key] = False
    data, _ = form_to_case_dict(form)
    assert "treatment_lines" not in data.get("history", {})
    assert check_form(form).case.history.systemic_history_known is False  # type: ignore[union-attr]


def test_coded_comorbidity_egfr_only_for_renal_impairment_and_declines() -> None:
    form = case_to_form(demo_cases()[0])
    row = add_row(form, CODED_COMORBIDITIES)
    form[row_key(CODED_COMORBIDITIES, row, "code")] = "diabetes"
    form[row_key(CODED_COMORBIDITIES, row, "egfr_ml_min")] = 35
    assert not row_applies(CODED_COMORBIDITIES, "egfr_ml_min", form, row)
    form["patient.declines"] = ["amputation"]
    case = check_form(form).case
    assert case is not None
    assert case.patient.coded_comorbidities[0].egfr_ml_min is None
    assert [d.value for d in case.patient.declines] == ["amputation"]
    form[row_key(CODED_COMORBIDITIES, row, "code")] = "renal_impairment"
    case = check_form(form).case
    assert case is not None and case.patient.coded_comorbidities[0].egfr_ml_min == 35
    form["patient.declines"] = []
    form["patient.declines.none"] = True
    case = check_form(form).case
    assert case is not None and case.patient.given("declines") and case.patient.declines == []


def test_rows_are_added_moved_and_removed() -> None:
    form = empty_form()
    a, b = add_row(form, RADIOTHERAPY_COURSES), add_row(form, RADIOTHERAPY_COURSES)
    move_row_up(form, RADIOTHERAPY_COURSES, b)
    assert form[RADIOTHERAPY_COURSES.key] == [b, a]
    remove_row(form, RADIOTHERAPY_COURSES, b)
    assert form[RADIOTHERAPY_COURSES.key] == [a]
    assert not any(k.startswith(f"{RADIOTHERAPY_COURSES.key}.{b}.") for k in form)
    assert add_row(form, RADIOTHERAPY_COURSES) not in (a, b)  # ids are never reused
    row_keys = [k for k in form if k.startswith(f"{RADIOTHERAPY_COURSES.key}.{a}.")]
    assert row_keys and all(k in all_keys(form) for k in row_keys)


def test_a_draft_of_the_v1_form_is_restored_with_its_history_upgraded() -> None:
    saved = {
        "case_id": "OLD-1",
        "history.radiotherapy": "postoperative",
        "history.systemic_lines_advanced": 2,
        "history.prior_regimens": "doxorubicin\nGem/Doc",
        "history.progressed_on_last_line": True,
        "history.patient_preference": "home",
    }
    form = restore_form(saved)
    assert form["case_id"] == "OLD-1" and form["history.patient_preference"] == "home"
    data, _ = form_to_case_dict(form)
    assert data["history"]["treatment_lines"] == [
        {"setting": "advanced", "line": 1, "drugs": ["doxorubicin"], "regimen": "doxorubicin"},
        {
            "setting": "advanced",
            "line": 2,
            "drugs": ["gemcitabine", "docetaxel"],
            "regimen": "Gem/Doc",
            "stop_reason": "progression",
        },
    ]
    assert data["history"]["radiotherapy_courses"] == [
        {"timing": "postoperative", "target": "primary_site"}
    ]
    # A value the v1 form would have refused still keeps every regimen typed.
    kept = restore_form({**saved, "history.systemic_lines_advanced": 11})
    data, _ = form_to_case_dict(kept)
    assert [tl["regimen"] for tl in data["history"]["treatment_lines"]] == [
        "doxorubicin",
        "Gem/Doc",
    ]


def test_a_v2_draft_keeps_its_rows() -> None:
    form = case_to_form(next(c for c in demo_cases() if c.case_id == "DEMO-10"))
    restored = restore_form(json.loads(json.dumps(form)))
    assert restored == form


def test_identifier_like_text_in_a_row_is_warned_on_that_row() -> None:
    form = _with_lines({"setting": "advanced", "note": "seen by Dr X, MRN 00123456"})
    (row,) = form[TREATMENT_LINES.key]
    assert set(identifier_warnings(form)) == {row_key(TREATMENT_LINES, row, "note")}


def test_changed_fields_and_duplicate() -> None:
    case = demo_cases()[0]
    other = duplicate_case(case, "COPY-1")
    assert other.case_id == "COPY-1"
    assert [c[0] for c in changed_fields(case, other)] == ["case_id"]
    data = case.to_json_dict()
    data["tumor"]["size_cm"] = 3.5
    diff = changed_fields(parse_case(data), case)
    assert diff == [("tumor.size_cm", 3.5, case.tumor.size_cm)]


def test_draft_key() -> None:
    assert draft_key("local:ana", None) == "local:ana:*new"
    assert draft_key("local:ana", "LMS-7") == "local:ana:LMS-7"
    # A case whose id is "new" never shares the draft of a new case.
    assert draft_key("local:ana", "new") != draft_key("local:ana", None)
    # Local users (one name for everybody at the machine) keep drafts per browser session.
    assert draft_owner("local:ana", "ab12") != draft_owner("local:ana", "cd34")
    assert draft_key(draft_owner("local:ana", "ab12"), "X") != draft_key("local:ana", "X")


def test_drafts_of_other_browser_sessions_are_offered_apart_from_ones_own() -> None:
    user, at = "local:ana", datetime(2026, 11, 21, 10, 42, tzinfo=UTC)
    mine, theirs = draft_owner(user, "ab12"), draft_owner(user, "cd34")
    listed = [
        (draft_key(theirs, "DEMO-01"), at),
        (draft_key(mine, None), at),
        (draft_key(mine, "new"), at),
        (draft_key(draft_owner("local:anabel", "ab12"), "DEMO-02"), at),  # another user
    ]
    drafts = user_drafts(user, listed, owner=mine)
    assert [(d.case_id, d.elsewhere) for d in drafts] == [
        (None, False),
        ("new", False),
        ("DEMO-01", True),
    ]
    assert drafts[2].label.endswith("UTC in another browser session)")


def test_user_drafts_names_the_case_of_each_draft_key() -> None:
    user = "local:alice"
    at = datetime(2026, 11, 21, 10, 42, 5, tzinfo=UTC)
    listed = [
        (draft_key(user, "DEMO-03"), at),
        (draft_key(user, None), at - timedelta(hours=1)),
        (draft_key("local:alice:x", "DEMO-01"), at),  # another user, same first characters
        (draft_key("local:bob", "DEMO-02"), at),  # another user
    ]
    assert all(k.startswith(draft_prefix(user)) for k, _ in listed[:3])
    drafts = user_drafts(user, listed)
    assert [d.case_id for d in drafts] == ["DEMO-03", None]
    assert drafts[0].label == "Restore your unsaved draft of DEMO-03 (saved 2026-11-21 10:42 UTC)"
    assert drafts[1].label.startswith("Restore your unsaved draft of a new case (saved ")


def test_draft_label_is_in_utc() -> None:
    cet = timezone(timedelta(hours=1))
    [draft] = user_drafts("u", [("u:C-1", datetime(2026, 11, 21, 11, 42, tzinfo=cet))])
    assert draft.label.endswith("(saved 2026-11-21 10:42 UTC)")
