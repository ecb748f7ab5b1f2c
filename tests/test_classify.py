"""Classification, workup gaps and flags (``lms_board.classify``), through ``assess``.

Every rule id the classifier emits is pinned by at least one test here (``RULE_IDS``), and
every gap and flag code of ``assessment.md`` has a positive and a negative case.
"""

from __future__ import annotations

from typing import Any

import pytest
from strategies import DELETE, changed

from lms_board.assess import assess
from lms_board.assessment import FLAG_CODES, GAP_CODES, Assessment
from lms_board.case import Case

#: A fully worked-up, resectable, high-grade deep thigh LMS: no gap, no flag.
BASE: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "CLS-01",
    "board_date": "2026-12-01",
    "presenter": "Sarcoma fellow",
    "question": "Preoperative radiotherapy then resection?",
    "notes": "Deep thigh mass, 11 cm on MRI; staging CT clear.",
    "patient": {
        "age": 54,
        "sex": "female",
        "ecog": 0,
        "lvef_percent": 60,
        "cumulative_doxorubicin_mg_m2": 0,
        "comorbidities": [],
    },
    "tumor": {"site": "extremity", "location": "left thigh", "size_cm": 11.0, "depth": "deep"},
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
        "ihc": {"desmin": "positive", "sma": "positive"},
    },
    "workup": {"mri_primary": True, "ct_chest": True, "ct_abdomen_pelvis": True},
    "extent": {
        "nodes": "N0",
        "metastases": [],
        "primary_resectability": "resectable",
        "limb_salvage_feasible": True,
    },
    "history": {"treatment_lines": [], "radiotherapy_courses": []},
}

#: Resected thigh primary with two resectable lung metastases 30 months later.
OLIGO = changed(
    BASE,
    {
        "pathology.biopsy": "resection",
        "pathology.needle_gauge": DELETE,
        "extent.primary_resectability": "resected",
        "extent.metastases": [{"site": "lung", "count": 2, "resectable": True}],
        "extent.disease_free_interval_months": 30,
    },
)

#: Every rationale rule id classify.py emits; each is pinned by a test below.
RULE_IDS = (
    "localized.resectable_primary",
    "localized.resected_primary",
    "localized.resectability_unknown",
    "localized.amputation_only",
    "localized.retroperitoneal",
    "localized.peripheral_vein",
    "locally_advanced.unresectable_primary",
    "locally_advanced.borderline_primary",
    "oligometastatic.criteria_met",
    "metastatic.unresectable_metastasis",
    "metastatic.metastasis_resectability_unknown",
    "metastatic.lesion_count_unknown",
    "metastatic.too_many_lesions",
    "metastatic.short_disease_free_interval",
    "metastatic.primary_not_resectable",
    "provisional.open_workup_gaps",
    "provisional.distant_extent_not_recorded",
    "fitness.poor_performance",
    "metastatic.limited_short_interval_curative_pathway",
    "patient.declines_curative_surgery",
)


def run(base: dict[str, Any], changes: dict[str, Any] | None = None) -> Assessment:
    return assess(Case.model_validate(changed(base, changes or {})))


def rules(a: Assessment) -> list[str]:
    return [r.rule for r in a.classification.rationale]


def kind(a: Assessment) -> tuple[str, str]:
    return a.classification.category, a.classification.subtype


# ------------------------------------------------------------------------ the baselines


def test_base_case_has_no_gap_and_no_flag() -> None:
    a = run(BASE)
    assert a.gap_codes() == []
    assert a.flag_codes() == []
    assert a.classification.provisional is False


def test_every_rationale_entry_has_a_stable_id_and_a_sentence() -> None:
    for base in (BASE, OLIGO):
        for r in run(base).classification.rationale:
            assert r.rule in RULE_IDS
            assert r.text.strip()


# ------------------------------------------------------------------- localized


def test_resectable_primary_is_resectable_localized() -> None:
    a = run(BASE)
    assert kind(a) == ("resectable", "localized")
    assert rules(a) == ["localized.resectable_primary"]
    assert a.classification.label == "Resectable · localized"


def test_resected_primary_is_resectable_localized() -> None:
    a = run(
        BASE,
        {
            "extent.primary_resectability": "resected",
            "pathology.biopsy": "resection",
            "pathology.needle_gauge": DELETE,
        },
    )
    assert kind(a) == ("resectable", "localized")
    assert "localized.resected_primary" in rules(a)


@pytest.mark.parametrize("resectability", ["unknown", None, DELETE])
def test_unknown_resectability_is_provisional_with_gap(resectability: Any) -> None:
    a = run(BASE, {"extent.primary_resectability": resectability})
    assert kind(a) == ("resectable", "localized")
    assert "localized.resectability_unknown" in rules(a)
    assert "provisional.open_workup_gaps" in rules(a)
    assert a.classification.provisional is True
    assert "resectability_not_assessed" in a.gap_codes()


def test_amputation_only_stays_resectable_localized_and_is_flagged() -> None:
    a = run(BASE, {"extent.limb_salvage_feasible": False})
    assert kind(a) == ("resectable", "localized")
    assert "localized.amputation_only" in rules(a)
    assert "amputation_only_option" in a.flag_codes()


def test_retroperitoneal_localized_names_en_bloc_rule() -> None:
    a = run(
        BASE,
        {
            "tumor.site": "retroperitoneum",
            "extent.limb_salvage_feasible": DELETE,
            "pathology.biopsy_route": "retroperitoneal",
        },
    )
    assert kind(a) == ("resectable", "localized")
    assert "localized.retroperitoneal" in rules(a)


def test_extremity_localized_has_no_retroperitoneal_rule() -> None:
    assert "localized.retroperitoneal" not in rules(run(BASE))


# --------------------------------------------------------------- locally advanced


def test_unresectable_primary_is_advanced_locally_advanced() -> None:
    a = run(BASE, {"extent.primary_resectability": "unresectable"})
    assert kind(a) == ("advanced", "locally_advanced")
    assert "locally_advanced.unresectable_primary" in rules(a)


def test_borderline_primary_is_locally_advanced_and_says_so() -> None:
    a = run(BASE, {"extent.primary_resectability": "borderline"})
    assert kind(a) == ("advanced", "locally_advanced")
    assert "locally_advanced.borderline_primary" in rules(a)
    text = next(
        r.text
        for r in a.classification.rationale
        if r.rule == "locally_advanced.borderline_primary"
    )
    assert "reassess" in text.lower()


# ------------------------------------------------------------------ oligometastatic


def test_two_resectable_lung_metastases_after_long_dfi_are_oligometastatic() -> None:
    a = run(OLIGO)
    assert kind(a) == ("resectable", "oligometastatic")
    assert rules(a) == ["oligometastatic.criteria_met"]


def test_resectable_not_yet_resected_primary_can_be_oligometastatic() -> None:
    a = run(
        OLIGO,
        {
            "extent.primary_resectability": "resectable",
            "extent.disease_free_interval_months": DELETE,
            "pathology.biopsy": "core_needle",
            "pathology.margin": DELETE,
        },
    )
    assert kind(a) == ("resectable", "oligometastatic")


@pytest.mark.parametrize(
    ("metastases", "subtype"),
    [
        ([{"site": "lung", "count": 5, "resectable": True}], "oligometastatic"),
        ([{"site": "lung", "count": 6, "resectable": True}], "metastatic"),
        (
            [
                {"site": "lung", "count": 3, "resectable": True},
                {"site": "liver", "count": 2, "resectable": True},
            ],
            "oligometastatic",
        ),
        (
            [
                {"site": "lung", "count": 3, "resectable": True},
                {"site": "liver", "count": 3, "resectable": True},
            ],
            "metastatic",
        ),
    ],
)
def test_oligometastatic_lesion_limit_is_five_in_total(
    metastases: list[dict[str, Any]], subtype: str
) -> None:
    a = run(OLIGO, {"extent.metastases": metastases})
    assert a.classification.subtype == subtype
    assert ("metastatic.too_many_lesions" in rules(a)) is (subtype == "metastatic")


@pytest.mark.parametrize(
    ("dfi", "subtype"),
    [(12, "oligometastatic"), (11, "metastatic"), (0, "metastatic"), (600, "oligometastatic")],
)
def test_oligometastatic_needs_dfi_of_twelve_months(dfi: int, subtype: str) -> None:
    a = run(OLIGO, {"extent.disease_free_interval_months": dfi})
    assert a.classification.subtype == subtype
    assert ("metastatic.short_disease_free_interval" in rules(a)) is (subtype == "metastatic")


@pytest.mark.parametrize("dfi", [None, DELETE])
def test_unknown_dfi_does_not_block_oligometastatic(dfi: Any) -> None:
    a = run(OLIGO, {"extent.disease_free_interval_months": dfi})
    assert kind(a) == ("resectable", "oligometastatic")


def test_one_unresectable_metastasis_makes_it_metastatic() -> None:
    a = run(
        OLIGO,
        {
            "extent.metastases": [
                {"site": "lung", "count": 1, "resectable": True},
                {"site": "liver", "count": 1, "resectable": False},
            ]
        },
    )
    assert kind(a) == ("advanced", "metastatic")
    assert "metastatic.unresectable_metastasis" in rules(a)


@pytest.mark.parametrize("resectable", [None, DELETE])
def test_metastasis_resectability_not_recorded_makes_it_metastatic(resectable: Any) -> None:
    a = run(OLIGO, {"extent.metastases[0].resectable": resectable})
    assert kind(a) == ("advanced", "metastatic")
    assert "metastatic.metastasis_resectability_unknown" in rules(a)


@pytest.mark.parametrize("count", [None, DELETE])
def test_missing_lesion_count_is_not_countable_so_metastatic(count: Any) -> None:
    a = run(OLIGO, {"extent.metastases[0].count": count})
    assert kind(a) == ("advanced", "metastatic")
    assert "metastatic.lesion_count_unknown" in rules(a)


@pytest.mark.parametrize("primary", ["unresectable", "borderline"])
def test_resectable_metastases_with_unresectable_primary_are_metastatic(primary: str) -> None:
    a = run(
        OLIGO,
        {
            "extent.primary_resectability": primary,
            "pathology.biopsy": "core_needle",
            "pathology.margin": DELETE,
        },
    )
    assert kind(a) == ("advanced", "metastatic")
    assert "metastatic.primary_not_resectable" in rules(a)


def test_metastatic_lists_every_failed_criterion() -> None:
    a = run(
        OLIGO,
        {
            "extent.metastases": [{"site": "lung", "count": 9, "resectable": False}],
            "extent.disease_free_interval_months": 3,
        },
    )
    assert {
        "metastatic.unresectable_metastasis",
        "metastatic.too_many_lesions",
        "metastatic.short_disease_free_interval",
    } <= set(rules(a))


# --------------------------------------------------------------- provisional / fitness


def test_localized_without_chest_ct_is_provisional() -> None:
    a = run(BASE, {"workup.ct_chest": False})
    assert a.classification.provisional is True
    assert "provisional.open_workup_gaps" in rules(a)


def test_metastatic_missing_only_more_imaging_is_not_provisional() -> None:
    # More imaging can only find more disease: it cannot undo a metastatic call.
    a = run(
        OLIGO,
        {
            "extent.metastases": [{"site": "lung", "count": 9, "resectable": False}],
            "workup.ct_abdomen_pelvis": False,
        },
    )
    assert kind(a) == ("advanced", "metastatic")
    assert "no_abdomen_pelvis_ct" in a.gap_codes()
    assert a.classification.provisional is False


def test_metastatic_without_tissue_diagnosis_is_provisional() -> None:
    a = run(
        OLIGO,
        {
            "extent.metastases": [{"site": "lung", "count": 9, "resectable": False}],
            "pathology.diagnosis_confirmed": False,
        },
    )
    assert a.classification.provisional is True


@pytest.mark.parametrize("ecog", [3, 4])
def test_poor_performance_keeps_category_and_adds_fitness_rule(ecog: int) -> None:
    fit = run(BASE)
    poor = run(BASE, {"patient.ecog": ecog})
    assert kind(poor) == kind(fit)
    assert "fitness.poor_performance" in rules(poor)


def test_ecog_two_has_no_fitness_rule() -> None:
    assert "fitness.poor_performance" not in rules(run(BASE, {"patient.ecog": 2}))


# ------------------------------------------------------------------------ workup gaps

RETRO = changed(
    BASE,
    {
        "tumor.site": "retroperitoneum",
        "extent.limb_salvage_feasible": DELETE,
        "pathology.biopsy_route": "retroperitoneal",
        "workup.mri_primary": False,
    },
)
UTERUS_IN_PLACE = changed(
    BASE,
    {
        "tumor.site": "uterus",
        "tumor.uterine_extension": "confined",
        "extent.limb_salvage_feasible": DELETE,
        "pathology.biopsy": "incisional",
        "pathology.needle_gauge": DELETE,
        "pathology.biopsy_route": "other",
    },
)
UTERUS_RESECTED = changed(
    UTERUS_IN_PLACE,
    {
        "pathology.biopsy": "resection",
        "extent.primary_resectability": "resected",
        "history.surgery_date": "2026-10-01",
    },
)

#: A gastric wall primary (KIT and DOG1 set by each case).
GI_BASE = changed(BASE, {"tumor.site": "gastrointestinal", "extent.limb_salvage_feasible": DELETE})

GAP_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # (gap code, base, changes, expected present?)
    (
        "no_tissue_diagnosis",
        BASE,
        {"pathology.biopsy": "none", "pathology.needle_gauge": DELETE},
        True,
    ),
    ("no_tissue_diagnosis", BASE, {"pathology.diagnosis_confirmed": False}, True),
    ("no_tissue_diagnosis", BASE, {"pathology.diagnosis_confirmed": DELETE}, True),
    (
        "no_tissue_diagnosis",
        BASE,
        {"pathology.biopsy": DELETE, "pathology.needle_gauge": DELETE},
        True,
    ),
    ("no_tissue_diagnosis", BASE, {}, False),
    (
        "fna_only",
        BASE,
        {"pathology.biopsy": "fine_needle_aspirate", "pathology.needle_gauge": DELETE},
        True,
    ),
    ("fna_only", BASE, {}, False),
    ("thin_core_needle", BASE, {"pathology.needle_gauge": 18}, True),
    ("thin_core_needle", BASE, {"pathology.needle_gauge": 17}, True),
    ("thin_core_needle", BASE, {"pathology.needle_gauge": 16}, False),
    ("thin_core_needle", BASE, {"pathology.needle_gauge": 14}, False),
    ("thin_core_needle", BASE, {"pathology.needle_gauge": DELETE}, False),
    ("not_image_guided", BASE, {"pathology.image_guided": False}, True),
    ("not_image_guided", BASE, {"pathology.image_guided": DELETE}, True),
    (
        "not_image_guided",
        BASE,
        {
            "pathology.biopsy": "fine_needle_aspirate",
            "pathology.needle_gauge": DELETE,
            "pathology.image_guided": False,
        },
        True,
    ),
    ("not_image_guided", BASE, {}, False),
    (
        "not_image_guided",
        BASE,
        {
            "pathology.biopsy": "incisional",
            "pathology.needle_gauge": DELETE,
            "pathology.image_guided": False,
        },
        False,
    ),
    ("transperitoneal_biopsy", RETRO, {"pathology.biopsy_route": "transperitoneal"}, True),
    ("transperitoneal_biopsy", RETRO, {}, False),
    ("transperitoneal_biopsy", BASE, {"pathology.biopsy_route": "transperitoneal"}, False),
    # An IVC (vascular) LMS is retroperitoneal too: the same gap (issue 10, class 7).
    (
        "transperitoneal_biopsy",
        RETRO,
        {"tumor.site": "vascular", "pathology.biopsy_route": "transperitoneal"},
        True,
    ),
    ("no_expert_pathology_review", BASE, {"pathology.expert_review": False}, True),
    ("no_expert_pathology_review", BASE, {"pathology.expert_review": DELETE}, True),
    ("no_expert_pathology_review", BASE, {}, False),
    ("no_local_mri", BASE, {"workup.mri_primary": False}, True),
    ("no_local_mri", BASE, {"workup.mri_primary": DELETE}, True),
    (
        "no_local_mri",
        BASE,
        {
            "tumor.site": "trunk",
            "extent.limb_salvage_feasible": DELETE,
            "workup.mri_primary": False,
        },
        True,
    ),
    (
        "no_local_mri",
        BASE,
        {
            "tumor.site": "head_neck",
            "extent.limb_salvage_feasible": DELETE,
            "workup.mri_primary": False,
        },
        True,
    ),
    ("no_local_mri", BASE, {}, False),
    ("no_local_mri", RETRO, {}, False),
    ("no_local_mri", UTERUS_IN_PLACE, {"workup.mri_primary": False}, True),
    ("no_local_mri", UTERUS_IN_PLACE, {"workup.mri_primary": True}, False),
    ("no_local_mri", UTERUS_RESECTED, {"workup.mri_primary": False}, False),
    ("no_chest_ct", BASE, {"workup.ct_chest": False}, True),
    ("no_chest_ct", BASE, {"workup.ct_chest": DELETE}, True),
    ("no_chest_ct", BASE, {}, False),
    ("no_abdomen_pelvis_ct", RETRO, {"workup.ct_abdomen_pelvis": False}, True),
    ("no_abdomen_pelvis_ct", UTERUS_RESECTED, {"workup.ct_abdomen_pelvis": DELETE}, True),
    ("no_abdomen_pelvis_ct", RETRO, {}, False),
    ("no_abdomen_pelvis_ct", BASE, {"workup.ct_abdomen_pelvis": False}, False),
    (
        "no_abdomen_pelvis_ct",
        BASE,
        {
            "workup.ct_abdomen_pelvis": False,
            "extent.metastases": [{"site": "lung", "count": 1, "resectable": True}],
        },
        True,
    ),
    ("resectability_not_assessed", BASE, {"extent.primary_resectability": "unknown"}, True),
    ("resectability_not_assessed", BASE, {"extent.primary_resectability": DELETE}, True),
    ("resectability_not_assessed", BASE, {}, False),
    (
        "resectability_not_assessed",
        BASE,
        {"extent.primary_resectability": "unresectable"},
        False,
    ),
    (
        "grade_unknown",
        BASE,
        {
            "pathology.differentiation_score": DELETE,
            "pathology.mitoses_per_10hpf": DELETE,
            "pathology.necrosis_percent": DELETE,
        },
        True,
    ),
    ("grade_unknown", BASE, {"pathology.necrosis_percent": DELETE}, True),
    (
        "grade_unknown",
        BASE,
        {"pathology.necrosis_percent": DELETE, "pathology.reported_grade": 2},
        False,
    ),
    ("grade_unknown", BASE, {}, False),
    # Gastric LMS: KIT and DOG1 must both have a clear result (issue 10, class 7); an
    # equivocal one leaves a GIST possible (round 3).
    *(
        ("kit_dog1_not_done", GI_BASE, {"pathology.ihc": ihc}, present)
        for ihc, present in (
            ({"desmin": "positive", "kit": "negative"}, True),
            ({"kit": "negative", "dog1": "not_done"}, True),
            ({}, True),
            ({"kit": "negative", "dog1": "negative"}, False),
            ({"CD117": "positive", "DOG1": "negative"}, False),
            ({"CD117": "positive", "DOG1": "equivocal"}, True),
            ({"kit": "negative", "dog1": "equivocal"}, True),
        )
    ),
    (
        "kit_dog1_not_done",
        GI_BASE,
        {"pathology.biopsy": "none", "pathology.needle_gauge": DELETE},
        False,
    ),
    ("kit_dog1_not_done", BASE, {"pathology.ihc": {}}, False),
    # A metastasis recorded without its number or resectability (round 2).
    ("metastatic_extent_not_assessed", BASE, {"extent.metastases": [{"site": "lung"}]}, True),
    (
        "metastatic_extent_not_assessed",
        BASE,
        {"extent.metastases": [{"site": "liver", "count": 3}]},
        True,
    ),
    (
        "metastatic_extent_not_assessed",
        BASE,
        {"extent.metastases": [{"site": "lung", "count": 2, "resectable": True}]},
        False,
    ),
    ("metastatic_extent_not_assessed", BASE, {}, False),
]


@pytest.mark.parametrize(
    ("code", "base", "changes", "present"),
    GAP_CASES,
    ids=[f"{c[0]}-{'yes' if c[3] else 'no'}-{i}" for i, c in enumerate(GAP_CASES)],
)
def test_workup_gap(
    code: str, base: dict[str, Any], changes: dict[str, Any], present: bool
) -> None:
    a = run(base, changes)
    assert (code in a.gap_codes()) is present, a.gap_codes()


@pytest.mark.parametrize(
    "site", ["retroperitoneum", "uterus", "gastrointestinal", "vascular", "other_visceral"]
)
def test_abdominal_sites_need_abdomen_pelvis_ct(site: str) -> None:
    a = run(
        BASE,
        {
            "tumor.site": site,
            "extent.limb_salvage_feasible": DELETE,
            "workup.ct_abdomen_pelvis": False,
        },
    )
    assert "no_abdomen_pelvis_ct" in a.gap_codes()


@pytest.mark.parametrize("site", ["extremity", "trunk", "head_neck"])
def test_non_abdominal_sites_without_metastases_need_no_abdomen_pelvis_ct(site: str) -> None:
    changes: dict[str, Any] = {"tumor.site": site, "workup.ct_abdomen_pelvis": False}
    if site != "extremity":
        changes["extent.limb_salvage_feasible"] = DELETE
    assert "no_abdomen_pelvis_ct" not in run(BASE, changes).gap_codes()


@pytest.mark.parametrize("code", GAP_CODES)
def test_every_gap_code_is_pinned_both_ways(code: str) -> None:
    present = {c[3] for c in GAP_CASES if c[0] == code}
    assert present == {True, False}, f"{code} needs a positive and a negative case"


def test_gaps_carry_a_message() -> None:
    a = run(
        BASE,
        {
            "pathology.biopsy": "none",
            "pathology.needle_gauge": DELETE,
            "workup": {},
            "extent.primary_resectability": DELETE,
        },
    )
    assert a.workup_gaps
    assert all(g.message.strip() for g in a.workup_gaps)


# ------------------------------------------------------------------------------ flags

GI = changed(
    BASE,
    {
        "tumor.site": "gastrointestinal",
        "extent.limb_salvage_feasible": DELETE,
        "pathology.ihc": {"desmin": "positive", "kit": "negative", "dog1": "negative"},
    },
)

FLAG_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    ("pediatric", BASE, {"patient.age": 17}, True),
    ("pediatric", BASE, {"patient.age": 0}, True),
    ("pediatric", BASE, {"patient.age": 18}, False),
    ("amputation_only_option", BASE, {"extent.limb_salvage_feasible": False}, True),
    ("amputation_only_option", BASE, {"extent.limb_salvage_feasible": True}, False),
    ("amputation_only_option", BASE, {"extent.limb_salvage_feasible": DELETE}, False),
    ("grade_discrepancy", BASE, {"pathology.reported_grade": 2}, True),
    ("grade_discrepancy", BASE, {"pathology.reported_grade": 3}, False),
    ("gist_not_excluded", GI, {"pathology.ihc.dog1": "not_done"}, True),
    ("gist_not_excluded", GI, {"pathology.ihc.dog1": DELETE}, True),
    ("gist_not_excluded", GI, {"pathology.ihc.kit": "equivocal"}, True),
    ("gist_not_excluded", GI, {"pathology.ihc": {}}, True),
    ("gist_not_excluded", GI, {"pathology.ihc": {"kit": "positive", "dog1": "positive"}}, True),
    ("gist_not_excluded", GI, {}, False),
    ("gist_not_excluded", GI, {"pathology.ihc": {"KIT": "negative", "DOG1": "negative"}}, False),
    ("gist_not_excluded", BASE, {"pathology.ihc": {}}, False),
    (
        "morcellated_uterine",
        UTERUS_RESECTED,
        {"tumor.morcellated": True},
        True,
    ),
    ("morcellated_uterine", UTERUS_RESECTED, {"tumor.morcellated": False}, False),
    ("morcellated_uterine", UTERUS_RESECTED, {}, False),
    ("anthracycline_limit", BASE, {"patient.cumulative_doxorubicin_mg_m2": 450}, True),
    ("anthracycline_limit", BASE, {"patient.cumulative_doxorubicin_mg_m2": 450.0}, True),
    # Less than one standard 75 mg/m² cycle left fires it too (issue 10, class 1).
    ("anthracycline_limit", BASE, {"patient.cumulative_doxorubicin_mg_m2": 449.9}, True),
    ("anthracycline_limit", BASE, {"patient.cumulative_doxorubicin_mg_m2": 420}, True),
    ("anthracycline_limit", BASE, {"patient.cumulative_doxorubicin_mg_m2": 376}, True),
    ("anthracycline_limit", BASE, {"patient.cumulative_doxorubicin_mg_m2": 375}, False),
    (
        "anthracycline_limit",
        BASE,
        {"patient.coded_comorbidities": [{"code": "heart_failure"}]},
        True,
    ),
    (
        "anthracycline_limit",
        BASE,
        {
            "patient.cumulative_doxorubicin_mg_m2": DELETE,
            "history.treatment_lines": [
                {"setting": "advanced", "drugs": ["doxorubicin"], "cycles": 6},
            ],
        },
        True,
    ),
    ("anthracycline_limit", BASE, {"patient.lvef_percent": 49}, True),
    ("anthracycline_limit", BASE, {"patient.lvef_percent": 50}, False),
    (
        "anthracycline_limit",
        BASE,
        {"patient.lvef_percent": DELETE, "patient.cumulative_doxorubicin_mg_m2": DELETE},
        False,
    ),
    ("poor_performance", BASE, {"patient.ecog": 3}, True),
    ("poor_performance", BASE, {"patient.ecog": 4}, True),
    ("poor_performance", BASE, {"patient.ecog": 2}, False),
    ("poor_performance", BASE, {"patient.ecog": DELETE}, False),
    ("identifier_in_free_text", BASE, {"notes": "MRN 1234567, deep thigh mass"}, True),
    ("identifier_in_free_text", BASE, {"notes": "record 123456"}, True),
    ("identifier_in_free_text", BASE, {"notes": "record 12345"}, False),
    ("identifier_in_free_text", BASE, {"question": "ask jane.doe@example.org"}, True),
    ("identifier_in_free_text", BASE, {"presenter": "call +44 20 7946 0958"}, True),
    ("identifier_in_free_text", BASE, {"notes": "phone 555-123-4567"}, True),
    ("identifier_in_free_text", BASE, {"notes": "DOB 1970-01-02"}, True),
    (
        "identifier_in_free_text",
        BASE,
        {"patient.comorbidities": ["seen by dr@clinic.example"]},
        True,
    ),
    ("identifier_in_free_text", BASE, {"history.patient_preference": "DOB 02/03/1961"}, True),
    (
        "identifier_in_free_text",
        BASE,
        {
            "notes": "Deep thigh mass 12 cm, mitoses 22/10 HPF, necrosis 30%, "
            "CT 2026-11-10, doxorubicin 75 mg/m2 x 6."
        },
        False,
    ),
]


@pytest.mark.parametrize(
    ("code", "base", "changes", "present"),
    FLAG_CASES,
    ids=[f"{c[0]}-{'yes' if c[3] else 'no'}-{i}" for i, c in enumerate(FLAG_CASES)],
)
def test_flag(code: str, base: dict[str, Any], changes: dict[str, Any], present: bool) -> None:
    a = run(base, changes)
    assert (code in a.flag_codes()) is present, a.flag_codes()


@pytest.mark.parametrize("code", FLAG_CODES)
def test_every_flag_code_is_pinned_both_ways(code: str) -> None:
    present = {c[3] for c in FLAG_CASES if c[0] == code}
    assert present == {True, False}, f"{code} needs a positive and a negative case"


def test_identifier_flag_names_the_field() -> None:
    a = run(BASE, {"history.patient_preference": "contact me at a.b@example.org"})
    flag = next(f for f in a.flags if f.code == "identifier_in_free_text")
    assert "Patient preference: looks like it holds an e-mail address" in flag.message


def test_grade_discrepancy_does_not_change_the_computed_grade() -> None:
    a = run(BASE, {"pathology.reported_grade": 1})
    assert a.grade is not None
    assert (a.grade.grade, a.grade.reported_grade, a.grade.discrepancy) == (3, 1, True)


# ------------------------------------------------------------------- rule id coverage

#: rule id -> (base, changes) of a case that emits it. The table the closing note cites.
RULE_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "localized.resectable_primary": (BASE, {}),
    "localized.resected_primary": (
        BASE,
        {
            "extent.primary_resectability": "resected",
            "pathology.biopsy": "resection",
            "pathology.needle_gauge": DELETE,
        },
    ),
    "localized.resectability_unknown": (BASE, {"extent.primary_resectability": "unknown"}),
    "provisional.distant_extent_not_recorded": (BASE, {"extent.metastases": DELETE}),
    "localized.amputation_only": (BASE, {"extent.limb_salvage_feasible": False}),
    "localized.retroperitoneal": (RETRO, {}),
    "localized.peripheral_vein": (
        BASE,
        {
            "tumor.site": "vascular",
            "tumor.location": "right common femoral vein",
            "extent.limb_salvage_feasible": DELETE,
        },
    ),
    "locally_advanced.unresectable_primary": (
        BASE,
        {"extent.primary_resectability": "unresectable"},
    ),
    "locally_advanced.borderline_primary": (BASE, {"extent.primary_resectability": "borderline"}),
    "oligometastatic.criteria_met": (OLIGO, {}),
    "metastatic.unresectable_metastasis": (OLIGO, {"extent.metastases[0].resectable": False}),
    "metastatic.metastasis_resectability_unknown": (
        OLIGO,
        {"extent.metastases[0].resectable": DELETE},
    ),
    "metastatic.lesion_count_unknown": (OLIGO, {"extent.metastases[0].count": DELETE}),
    "metastatic.too_many_lesions": (OLIGO, {"extent.metastases[0].count": 6}),
    "metastatic.short_disease_free_interval": (OLIGO, {"extent.disease_free_interval_months": 11}),
    "metastatic.primary_not_resectable": (
        OLIGO,
        {
            "extent.primary_resectability": "unresectable",
            "pathology.biopsy": "core_needle",
            "pathology.margin": DELETE,
        },
    ),
    "provisional.open_workup_gaps": (BASE, {"workup.ct_chest": False}),
    "fitness.poor_performance": (BASE, {"patient.ecog": 3}),
    "metastatic.limited_short_interval_curative_pathway": (
        OLIGO,
        {"extent.disease_free_interval_months": 0},
    ),
    "patient.declines_curative_surgery": (BASE, {"patient.declines": ["surgery"]}),
}


def test_rule_table_covers_every_rule_id() -> None:
    assert set(RULE_CASES) == set(RULE_IDS)


@pytest.mark.parametrize("rule", RULE_IDS)
def test_rule_fires(rule: str) -> None:
    base, changes = RULE_CASES[rule]
    assert rule in rules(run(base, changes))


def test_rule_ids_match_the_source() -> None:
    """A new rule id in classify.py must be added to RULE_IDS (and pinned above)."""
    import inspect
    import re

    import lms_board.classify as classify_module

    source = inspect.getsource(classify_module)
    found = set(
        re.findall(
            r'"((?:localized|locally_advanced|oligometastatic|metastatic|provisional|fitness|patient)'
            r'\.[a-z_]+)"',
            source,
        )
    )
    assert found == set(RULE_IDS)


@pytest.mark.parametrize("metastases", [DELETE, None])
def test_missing_or_null_metastases_mean_not_known_so_provisional_and_no_stage(
    metastases: Any,
) -> None:
    """Case format: missing means "not known", never "no"; only [] means none found."""
    a = run(BASE, {"extent.metastases": metastases})
    assert a.classification.provisional is True
    assert a.stage.group is None and a.stage.m is None
    assert "not recorded" in a.stage.note


def test_empty_metastases_list_means_none_found() -> None:
    a = run(BASE, {"extent.metastases": []})
    assert "provisional.distant_extent_not_recorded" not in rules(a)
    assert a.stage.m == "M0"
