"""The imaging plan (``lms_board.imaging``): staging, biopsy, response and pitfalls by site,
and the dated surveillance schedule by grade.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import valid_case_models
from test_recommend import classified, make

from lms_board.assessment import ImagingPlan
from lms_board.case import Case
from lms_board.imaging import (
    ADVANCED_BASIS,
    add_months,
    done_facts,
    grade_class,
    plan_imaging,
    surveillance_start,
    visit_months,
)
from lms_board.knowledge import PACKAGE_DIR, collect_evidence_ids, evidence_refs, load_knowledge

KB = load_knowledge(PACKAGE_DIR)

#: Resected deep thigh LMS, no metastases, surgery 2024-01-15.
LOCALIZED: dict[str, Any] = {
    "tumor.site": "extremity",
    "extent.metastases": [],
    "extent.primary_resectability": "resected",
    "pathology.margin": "R0",
    "history.surgery_date": "2024-01-15",
}


def plan(changes: dict[str, Any], grade: int | None = 3) -> ImagingPlan:
    case = make(changes)
    classification, _, _ = classified(case)
    return plan_imaging(case, grade, classification)


def months(p: ImagingPlan) -> list[int]:
    return sorted({v.month for v in p.surveillance})


# --------------------------------------------------------------------------- schedule arithmetic


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 1, 15), 3, date(2024, 4, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2023, 11, 30), 15, date(2025, 2, 28)),
        (date(2024, 1, 15), 120, date(2034, 1, 15)),
    ],
)
def test_add_months_clamps_the_day(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


def test_grade_class_treats_unknown_as_high() -> None:
    assert grade_class(1) == "low"
    assert grade_class(2) == grade_class(3) == grade_class(None) == "high"


def test_high_grade_visits_per_period() -> None:
    m = visit_months(KB.schedules["high"])
    assert [x for x in m if x <= 36] == list(range(3, 37, 3))  # 12 visits to year 3
    assert [x for x in m if 36 < x <= 60] == [42, 48, 54, 60]  # 4 more to year 5
    assert [x for x in m if x > 60] == [72, 84, 96, 108, 120]  # 5 yearly to year 10


def test_low_grade_visits_per_period() -> None:
    m = visit_months(KB.schedules["low"])
    assert [x for x in m if x <= 60] == list(range(6, 61, 6))  # 10 visits to year 5
    assert [x for x in m if x > 60] == [72, 84, 96, 108, 120]


# --------------------------------------------------------------------------- surveillance plans


def test_high_grade_extremity_dates_from_the_surgery_date() -> None:
    p = plan(LOCALIZED, grade=3)
    assert months(p) == visit_months(KB.schedules["high"])
    first = [v for v in p.surveillance if v.month == 3]
    assert {(v.modality, v.region) for v in first} == {("MRI", "primary site"), ("CT", "chest")}
    assert {v.date for v in first} == {date(2024, 4, 15)}
    assert next(v.date for v in p.surveillance if v.month == 120) == date(2034, 1, 15)
    assert "surgery date 2024-01-15" in p.surveillance_basis
    assert all(v.evidence for v in p.surveillance)


def test_unknown_grade_is_treated_as_high_and_the_basis_says_so() -> None:
    p = plan(LOCALIZED, grade=None)
    assert months(p) == visit_months(KB.schedules["high"])
    assert "treated as high grade" in p.surveillance_basis


def test_low_grade_images_the_chest_at_longer_intervals() -> None:
    p = plan(LOCALIZED, grade=1)
    assert months(p) == visit_months(KB.schedules["low"])
    per_modality = Counter(v.region for v in p.surveillance)
    assert per_modality["primary site"] == 15
    chest = sorted(v.month for v in p.surveillance if v.region == "chest")
    assert chest == [12, 24, 36, 48, 60, 72, 84, 96, 108, 120]


def test_uterine_surveillance_is_ct_without_pelvic_mri_after_hysterectomy() -> None:
    p = plan(
        {
            **LOCALIZED,
            "tumor.site": "uterus",
            "tumor.depth": None,
            "tumor.uterine_extension": "confined",
        },
        grade=2,
    )
    assert {(v.modality, v.region) for v in p.surveillance} == {("CT", "chest/abdomen/pelvis")}
    assert len(p.surveillance) == 21


def test_retroperitoneal_surveillance_is_ct_chest_abdomen_pelvis() -> None:
    p = plan({**LOCALIZED, "tumor.site": "retroperitoneum", "tumor.depth": None})
    assert {v.region for v in p.surveillance} == {"chest/abdomen/pelvis"}


def test_board_date_is_a_placeholder_when_surgery_is_to_come() -> None:
    p = plan(
        {
            **LOCALIZED,
            "extent.primary_resectability": "resectable",
            "pathology.margin": None,
            "history.surgery_date": None,
        }
    )
    assert p.surveillance[0].date == date(2027, 3, 3)  # board date 2026-12-03 + 3 months
    assert "placeholder" in p.surveillance_basis


def test_no_dates_without_surgery_or_board_date() -> None:
    p = plan({**LOCALIZED, "history.surgery_date": None, "board_date": None})
    assert p.surveillance and all(v.date is None for v in p.surveillance)
    assert "months only" in p.surveillance_basis


def test_oligometastatic_restarts_from_the_metastasis_treatment() -> None:
    case = make(
        {
            **LOCALIZED,
            "extent.metastases": [{"site": "lung", "count": 2, "resectable": True}],
            "extent.disease_free_interval_months": 30,
        }
    )
    classification, _, _ = classified(case)
    assert classification.subtype == "oligometastatic"
    start, why = surveillance_start(case, classification)
    assert start == case.board_date and "metastases are treated" in why
    p = plan_imaging(case, 2, classification)
    assert {v.region for v in p.surveillance} == {"primary site", "chest/abdomen/pelvis"}
    assert any("2-3 cycles" in i.text for i in p.response)


def test_advanced_disease_gets_response_assessment_not_surveillance() -> None:
    p = plan({})  # the base case: metastatic, first line
    assert p.surveillance == []
    assert p.surveillance_basis == ADVANCED_BASIS
    assert any("RECIST 1.1" in i.text and "6-9 weeks" in i.text for i in p.response)


# --------------------------------------------------------------------------- staging, biopsy, pitfalls


NOTHING_DONE: dict[str, Any] = {
    "workup.mri_primary": False,
    "workup.ct_chest": False,
    "workup.ct_abdomen_pelvis": False,
    "workup.radiograph_primary": False,
}
ALL_DONE: dict[str, Any] = {
    "workup.mri_primary": True,
    "workup.ct_chest": True,
    "workup.ct_abdomen_pelvis": True,
    "workup.radiograph_primary": True,
}
NO_TISSUE: dict[str, Any] = {"pathology": {"biopsy": "none"}}


def test_extremity_staging_has_mri_ct_and_radiographs() -> None:
    text = " ".join(i.text for i in plan({**LOCALIZED, **NOTHING_DONE}).staging)
    assert "MRI of the primary site with and without contrast" in text
    assert "CT of the chest, abdomen and pelvis with contrast" in text
    assert "radiographs" in text


def test_the_plan_asks_only_for_what_is_not_yet_done() -> None:
    """Staging MRI, CT and radiographs recorded, an image-guided 14 G core biopsy with the
    diagnosis confirmed: none of them is asked for again (the issue's contradiction)."""
    p = plan({**LOCALIZED, **ALL_DONE})
    staging = " ".join(i.text for i in p.staging)
    assert "MRI of the primary site" not in staging
    assert "CT of the chest, abdomen and pelvis" not in staging
    assert "radiographs" not in staging
    assert not any("core needle biopsy" in i.text for i in p.biopsy)
    half = plan({**LOCALIZED, **ALL_DONE, "workup.ct_abdomen_pelvis": False})
    assert any("CT of the chest, abdomen and pelvis" in i.text for i in half.staging)
    untouched = plan({**LOCALIZED, **NOTHING_DONE, **NO_TISSUE})
    assert any("core needle biopsy" in i.text for i in untouched.biopsy)


def test_retroperitoneal_biopsy_is_retroperitoneal_never_transperitoneal() -> None:
    p = plan({"tumor.site": "retroperitoneum", "tumor.depth": None, **NOTHING_DONE, **NO_TISSUE})
    route = [i.text for i in p.biopsy if "route" in i.text and "Retroperitoneal" in i.text]
    assert route and "never transperitoneal" in route[0]
    for item in p.biopsy:
        assert "transperitoneal route is" not in item.text.lower()
    assert any(
        "core needle biopsy" in i.text and "fine-needle aspirate is not enough" in i.text
        for i in p.biopsy
    )
    staging = " ".join(i.text for i in p.staging)
    assert "contrast-enhanced CT" in staging and "vascular origin" in staging


def test_a_done_biopsy_leaves_what_still_matters_for_the_surgeon() -> None:
    """Diagnosis confirmed on a retroperitoneal core biopsy: no new biopsy is asked for, but
    the route is to be checked and the tract excised with the specimen (the spec's
    'retroperitoneal biopsy advice says retroperitoneal')."""
    p = plan({"tumor.site": "retroperitoneum", "tumor.depth": None, **ALL_DONE})
    text = " ".join(i.text for i in p.biopsy)
    assert "should precede any treatment" not in text and "core needle biopsy" not in text
    assert "check the route was retroperitoneal" in text
    assert "remove the biopsy tract with the specimen" in text


def test_extremity_biopsy_advice_has_no_retroperitoneal_route() -> None:
    assert not any("transperitoneal" in i.text for i in plan(LOCALIZED).biopsy)


def test_pitfalls_cover_the_grade() -> None:
    text = " ".join(i.text for i in plan(LOCALIZED).pitfalls)
    assert "cannot give the grade" in text


def test_every_imaging_item_cites_resolvable_evidence() -> None:
    p = plan({"tumor.site": "retroperitoneum", "tumor.depth": None})
    for item in [*p.staging, *p.biopsy, *p.response, *p.pitfalls]:
        assert item.evidence
    evidence_refs(collect_evidence_ids(p))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_case_models(control_chars=False))
def test_any_valid_case_gets_a_consistent_plan(case: Case) -> None:
    classification, _, grade = classified(case)
    p = plan_imaging(case, grade, classification)
    assert p.pitfalls and p.surveillance_basis
    done = done_facts(case, grade)
    asked = {i.text for i in [*p.staging, *p.biopsy]}
    for record in KB.imaging:  # nothing recorded as done is asked for again
        if record.done_when and set(record.done_when) <= done:
            assert record.text not in asked, record.id
    evidence_refs(collect_evidence_ids(p))
    if classification.category == "advanced":
        assert p.surveillance == []
    else:
        assert months(p) == visit_months(KB.schedules[grade_class(grade)])
        dated = [v.date for v in p.surveillance]
        if dated and dated[0] is not None:
            assert dated == sorted(dated)
    if case.tumor.site.value == "retroperitoneum" and "tissue_diagnosis" not in done:
        assert any("never transperitoneal" in i.text for i in p.biopsy)
