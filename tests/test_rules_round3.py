"""The clinical rules, third round (issue 10, rules round 3): each class of missing rule, with
the judgement a sarcoma board would give written first (ESMO-EURACAN-GENTURIS, NCCN, ESGO
2024, TARPSWG, and the sources cited in ``knowledge/evidence.yaml``). The whole assessment is
run (``assess``), as the pages and exports see it; each fact of ``case_facts`` is pinned too.
"""

from __future__ import annotations

import pytest
from rules_cases import (
    DELETE,
    EXTREMITY_LOCALIZED,
    METASTATIC,
    RETROPERITONEAL,
    UTERINE_RESECTED,
    line,
    make,
    not_suitable_text,
    option_ids,
    prompt_codes,
    run,
    trial_ids,
)

from lms_board import case_facts as cf
from lms_board.assessment import Assessment
from lms_board.case import Site
from lms_board.exclusions import FEW_ANTHRACYCLINE_CYCLES, RULE_IDS
from lms_board.knowledge import knowledge
from lms_board.recommend import CLOSED_STATUSES

OPTIONS = {o.id: o for o in knowledge().options}


def reason(a: Assessment, option_id: str) -> str:
    name = OPTIONS[option_id].name
    return next(n.reason for n in a.not_suitable if n.name == name)


def prompt(a: Assessment, code: str) -> str:
    return next(p.message for p in a.prompts if p.code == code)


# =========================================================================== 1 radiation field

BREAST_RT = {
    "timing": "postoperative",
    "target": "other",
    "region": "left breast",
    "dose_gy": 50,
    "start_date": "2015-03-02",
}
CHEST_WALL = {
    "tumor.site": "trunk",
    "tumor.location": "left anterior chest wall",
    "history.radiotherapy_courses": [BREAST_RT],
}


def test_a_sarcoma_in_an_earlier_radiotherapy_field_is_radiation_associated() -> None:
    """Chest wall after breast radiotherapy: surgery leads, the radiotherapy option is not
    suitable (field already irradiated), the prompt names the field."""
    case = make(EXTREMITY_LOCALIZED, CHEST_WALL | {"extent.limb_salvage_feasible": DELETE})
    assert cf.radiation_associated(case) and cf.radiation_field(case) == "left breast (2015)"
    a = run(case)
    assert option_ids(a)[0] == "wide-resection-trunk"
    assert "radiotherapy-pre-or-postoperative" not in option_ids(a)
    assert "irradiated before" in reason(a, "radiotherapy-pre-or-postoperative")
    assert "left breast (2015)" in prompt(a, "radiation_associated_sarcoma")
    caveats = next(o for o in a.options if o.id == "wide-resection-trunk").caveats
    assert any("Radiation-associated sarcoma: surgery leads" in c for c in caveats)


@pytest.mark.parametrize(
    ("location", "region", "expected"),
    [
        ("right maxillary sinus", "both orbits (retinoblastoma)", True),
        ("left groin, inguinal region", "pelvis (cervical cancer)", True),
        ("left thigh, vastus lateralis", "mantle field (Hodgkin lymphoma)", False),
        ("right calf", "left breast", False),
    ],
)
def test_the_field_is_matched_by_body_region(location: str, region: str, expected: bool) -> None:
    course = {"timing": "definitive", "target": "other", "region": region}
    case = make(
        EXTREMITY_LOCALIZED,
        {"tumor.location": location, "history.radiotherapy_courses": [course]},
    )
    assert cf.radiation_associated(case) is expected


def test_a_course_without_a_target_counts_only_after_the_latency() -> None:
    """No target recorded: the course counts for another target only 3 years or more before
    the board (Cahan's latency); a recent course is this tumour's own treatment."""
    old = dict(BREAST_RT, target=DELETE)
    old.pop("target")
    recent = dict(old, start_date="2025-09-01")
    base = CHEST_WALL | {"extent.limb_salvage_feasible": DELETE}
    assert cf.radiation_associated(
        make(EXTREMITY_LOCALIZED, base | {"history.radiotherapy_courses": [old]})
    )
    assert not cf.radiation_associated(
        make(EXTREMITY_LOCALIZED, base | {"history.radiotherapy_courses": [recent]})
    )


def test_radiation_associated_written_in_the_notes_counts_too() -> None:
    case = make(EXTREMITY_LOCALIZED, {"notes": "Radiation-induced sarcoma suspected."})
    assert cf.radiation_associated(case)
    assert "radiation_associated_sarcoma" in prompt_codes(run(case))


# =========================================================================== 2 pregnancy

PREGNANT_FOREARM = {
    "patient.sex": "female",
    "patient.age": 31,
    "patient.pregnant": True,
    "patient.gestational_age_weeks": 20,
    "tumor.location": "forearm",
}


def test_pregnancy_gets_the_obstetric_prompt_and_no_radiotherapy() -> None:
    a = run(make(EXTREMITY_LOCALIZED, PREGNANT_FOREARM))
    assert "pregnancy" in prompt_codes(a)
    assert "obstetric team" in prompt(a, "pregnancy")
    assert option_ids(a)[0] == "wide-resection"
    assert "radiotherapy-pre-or-postoperative" not in option_ids(a)
    assert "deferred until after delivery" in reason(a, "radiotherapy-pre-or-postoperative")
    periop = next(o for o in a.options if o.id == "perioperative-chemotherapy-high-risk")
    assert any("20 weeks now" in c for c in periop.caveats)


@pytest.mark.parametrize(("weeks", "allowed"), [(10, False), (20, True), (37, False)])
def test_chemotherapy_in_pregnancy_by_trimester(weeks: int, allowed: bool) -> None:
    changes = {
        "patient.sex": "female",
        "patient.pregnant": True,
        "patient.gestational_age_weeks": weeks,
    }
    a = run(make(METASTATIC, changes))
    assert ("doxorubicin" in option_ids(a)) is allowed
    assert "pazopanib-first-line-older" not in option_ids(a)  # targeted: never in pregnancy
    assert trial_ids(a) == []
    assert "Pregnant" in not_suitable_text(a)


def test_pregnancy_read_from_the_notes_with_its_weeks() -> None:
    case = make(METASTATIC, {"notes": "Now 11 weeks pregnant, wishes to continue."})
    assert cf.pregnant(case) is True and cf.gestational_weeks(case) == 11
    assert "first trimester" in reason(run(case), "doxorubicin")


@pytest.mark.parametrize(
    "notes",
    [
        "Wishes to preserve fertility for a future pregnancy.",
        "Two previous pregnancies, both uneventful.",
        "Pregnancy test negative; not pregnant.",
    ],
)
def test_no_pregnancy_is_read_where_there_is_none(notes: str) -> None:
    case = make(METASTATIC, {"notes": notes})
    assert cf.pregnant(case) is None
    assert "pregnancy" not in prompt_codes(run(case))


def test_pregnancy_fields_follow_the_cross_field_rules() -> None:
    from lms_board.case import CaseError

    with pytest.raises(CaseError, match=r"patient\.pregnant: not for patient\.sex 'male'"):
        make(EXTREMITY_LOCALIZED, {"patient.pregnant": True})
    with pytest.raises(CaseError, match=r"patient\.gestational_age_weeks: only when"):
        make(METASTATIC, {"patient.gestational_age_weeks": 12})


# =========================================================================== 3 peripheral veins

POPLITEAL = {"tumor.site": "vascular", "tumor.location": "left popliteal vein"}


def test_a_peripheral_vein_lms_follows_the_extremity_rules() -> None:
    case = make(EXTREMITY_LOCALIZED, POPLITEAL | {"extent.limb_salvage_feasible": DELETE})
    assert cf.rule_site(case) == Site.extremity
    a = run(case)
    assert {"wide-resection", "radiotherapy-pre-or-postoperative"} <= set(option_ids(a))
    assert "rps-en-bloc-resection" not in option_ids(a)
    assert not any("retroperitoneal" in o.name.lower() for o in a.options)
    assert "localized.peripheral_vein" in [r.rule for r in a.classification.rationale]
    assert "NCT04031677" not in trial_ids(a)  # STRASS 2


def test_the_vena_cava_keeps_its_own_rules() -> None:
    case = make(RETROPERITONEAL, {"tumor.site": "vascular", "tumor.location": "infrarenal IVC"})
    assert cf.rule_site(case) == Site.vascular
    a = run(case)
    assert option_ids(a)[0] == "rps-en-bloc-resection"
    assert "STRASS" in not_suitable_text(a)
    iliac_and_cava = make(
        RETROPERITONEAL,
        {"tumor.site": "vascular", "tumor.location": "IVC extending into the common iliac vein"},
    )
    assert cf.rule_site(iliac_and_cava) == Site.vascular


# =========================================================================== 4 R1 / whoops

WHOOPS = {
    "pathology.biopsy": "excisional",
    "pathology.needle_gauge": DELETE,
    "pathology.image_guided": DELETE,
    "pathology.margin": "R1",
    "extent.primary_resectability": "resected",
    "pathology.mitoses_per_10hpf": 12,
    "pathology.necrosis_percent": 0,
}


@pytest.mark.parametrize(
    ("site", "location"),
    [("extremity", "thigh"), ("other", "left spermatic cord"), ("head_neck", "scalp")],
)
def test_r1_at_any_soft_tissue_site_gets_re_excision_first(site: str, location: str) -> None:
    changes = WHOOPS | {"tumor.site": site, "tumor.location": location}
    if site != "extremity":
        changes["extent.limb_salvage_feasible"] = DELETE
    a = run(make(EXTREMITY_LOCALIZED, changes))
    assert option_ids(a)[0] == "re-excision"
    assert "perioperative-chemotherapy-high-risk" not in option_ids(a)
    assert not [o for o in a.options if o.modality == "systemic"]  # G2: no chemotherapy


def test_an_unplanned_excision_with_unknown_margins_is_re_excised() -> None:
    a = run(make(EXTREMITY_LOCALIZED, WHOOPS | {"pathology.margin": "unknown"}))
    assert option_ids(a)[0] == "re-excision"
    observation = next(o for o in a.options if o.id == "observation-after-resection")
    assert any("re-excision is not feasible" in c for c in observation.caveats)


def test_retroperitoneal_r1_after_a_planned_en_bloc_resection_is_observed() -> None:
    """A microscopic margin at a vessel after a planned en bloc resection: surveillance, no
    re-resection (TARPSWG); an unplanned retroperitoneal excision is re-resected."""
    planned = make(
        RETROPERITONEAL,
        {
            "pathology.biopsy": "resection",
            "pathology.needle_gauge": DELETE,
            "pathology.image_guided": DELETE,
            "pathology.biopsy_route": DELETE,
            "pathology.margin": "R1",
            "extent.primary_resectability": "resected",
        },
    )
    a = run(planned)
    assert "re-resection-visceral" not in option_ids(a)
    assert option_ids(a)[0] == "observation-after-resection"
    unplanned = make(
        RETROPERITONEAL,
        {
            "pathology.biopsy": "resection",
            "pathology.needle_gauge": DELETE,
            "pathology.image_guided": DELETE,
            "pathology.biopsy_route": DELETE,
            "pathology.margin": "R1",
            "extent.primary_resectability": "resected",
            "notes": "Resected at a general hospital without a biopsy.",
        },
    )
    assert option_ids(run(unplanned))[0] == "re-resection-visceral"


# =========================================================================== 5 KIT / DOG1

GUT = {
    "tumor.site": "gastrointestinal",
    "tumor.location": "distal oesophagus",
    "tumor.depth": DELETE,
    "extent.limb_salvage_feasible": DELETE,
}


@pytest.mark.parametrize(
    "ihc",
    [
        {"kit": "negative", "dog1": "equivocal"},
        {"kit": "negative"},
        {"cd117": "equivocal", "dog1": "negative"},
    ],
)
def test_an_equivocal_or_missing_kit_or_dog1_keeps_the_call_provisional(
    ihc: dict[str, str],
) -> None:
    a = run(make(EXTREMITY_LOCALIZED, GUT | {"pathology.ihc": {"desmin": "positive", **ihc}}))
    assert a.classification.provisional
    assert "kit_dog1_not_done" in a.gap_codes()
    assert "gist_not_excluded" in a.flag_codes()


def test_a_mesenteric_tumour_is_screened_for_gist_a_renal_one_is_not() -> None:
    base = GUT | {"tumor.site": "other_visceral", "pathology.ihc": {"desmin": "positive"}}
    mesentery = run(make(EXTREMITY_LOCALIZED, base | {"tumor.location": "small-bowel mesentery"}))
    assert "gist_not_excluded" in mesentery.flag_codes()
    kidney = run(make(EXTREMITY_LOCALIZED, base | {"tumor.location": "left kidney"}))
    assert "gist_not_excluded" not in kidney.flag_codes()
    assert "kit_dog1_not_done" not in kidney.gap_codes()


# =========================================================================== 6 myomectomy

MYOMECTOMY = {
    "patient.age": 36,
    "patient.menopausal_status": "premenopausal",
    "pathology.biopsy": "excisional",
    "pathology.margin": DELETE,
    "extent.primary_resectability": "resectable",
    "history.surgery_date": DELETE,
    "notes": "LMS found at laparoscopic myomectomy; uterus and ovaries in place.",
}


def test_lms_at_myomectomy_gets_completion_hysterectomy_and_restaging() -> None:
    case = make(UTERINE_RESECTED, MYOMECTOMY)
    assert cf.uterus_retained(case)
    a = run(case)
    assert option_ids(a)[0] == "completion-hysterectomy"
    assert "no_local_mri" in a.gap_codes()
    assert {"uterus_retained_restaging", "ovarian_preservation", "fertility_preservation"} <= set(
        prompt_codes(a)
    )
    assert not any(i.startswith("uterine-adjuvant") for i in option_ids(a))
    assert not any(o.modality == "radiotherapy" for o in a.options)


def test_after_a_hysterectomy_the_uterus_is_not_retained() -> None:
    done = make(
        UTERINE_RESECTED, {"notes": "LMS after myomectomy; then underwent total hysterectomy."}
    )
    assert cf.uterus_retained(done) is False


# =========================================================================== 7 HRD uterine


def test_hrd_uterine_lms_gets_a_parp_prompt_even_in_first_line() -> None:
    changes = {
        "tumor.site": "uterus",
        "tumor.depth": DELETE,
        "pathology.tumor_ngs": True,
        "pathology.molecular": ["BRCA2 homozygous deletion"],
    }
    a = run(make(METASTATIC, changes))
    assert "parp_inhibitor" in prompt_codes(a)
    assert "olaparib" in prompt(a, "parp_inhibitor")
    wild = run(make(METASTATIC, changes | {"pathology.molecular": ["BRCA2 wild-type"]}))
    assert "parp_inhibitor" not in prompt_codes(wild)


# =========================================================================== 8 another cancer


def test_lines_for_another_cancer_count_toward_the_dose_but_not_as_progression() -> None:
    lines = [
        line(
            "adjuvant",
            "doxorubicin",
            "cyclophosphamide",
            doses_mg_m2={"doxorubicin": 240},
            for_other_cancer="breast cancer",
            stop_reason="completed",
        ),
        line(
            "advanced",
            "gemcitabine",
            stop_reason="progression",
            note="given for metastatic breast cancer",
        ),
    ]
    case = make(
        METASTATIC,
        {"patient.cumulative_doxorubicin_mg_m2": DELETE, "history.treatment_lines": lines},
    )
    f = cf.case_facts(case)
    assert f.exposure.cumulative_mg_m2 == 240
    assert f.line == 0  # no LMS line given yet: first-line options
    assert "gemcitabine" not in f.excluded
    a = run(case)
    assert "gemcitabine-single-agent" in option_ids(a)
    assert "for breast cancer" in case.history.numbered_lines()[0].label


# =========================================================================== 9 best response PD


def test_progressive_disease_as_best_response_is_progression() -> None:
    lines = [
        line(
            "advanced",
            "doxorubicin",
            line=1,
            best_response="progressive_disease",
            doses_mg_m2={"doxorubicin": 150},
        )
    ]
    a = run(make(METASTATIC, {"history.treatment_lines": lines}))
    assert "doxorubicin-later-line" not in option_ids(a)
    assert "Progressed on doxorubicin (line 1)" in not_suitable_text(a)


# =========================================================================== 10 oligoprogression


def test_oligoprogression_on_an_effective_line_gets_local_treatment_first() -> None:
    lines = [
        line("advanced", "pazopanib", line=1, stop_reason="ongoing", best_response="stable_disease")
    ]
    case = make(
        METASTATIC,
        {
            "history.treatment_lines": lines,
            "notes": "A single lung nodule is growing; the others are stable.",
        },
    )
    assert cf.oligoprogression(case)
    a = run(case)
    assert option_ids(a)[0] == "oligoprogression-local-treatment"
    assert "continuing the current line" in a.options[0].name
    widespread = make(
        METASTATIC, {"history.treatment_lines": lines, "notes": "Progression in all lung nodules."}
    )
    assert not cf.oligoprogression(widespread)


# =========================================================================== 11 ECOG 2 / frail
# (test_rules.py::test_round3_ecog2_or_frailty_alone_rules_combinations_out)

# =========================================================================== 12 the rest


def test_less_than_half_a_course_of_anthracycline_left_ranks_anthracyclines_last() -> None:
    lines = [
        line(
            "perioperative",
            "doxorubicin",
            "ifosfamide",
            doses_mg_m2={"doxorubicin": 300},
            stop_reason="completed",
        )
    ]
    a = run(
        make(
            METASTATIC,
            {"patient.cumulative_doxorubicin_mg_m2": DELETE, "history.treatment_lines": lines},
        )
    )
    ids = option_ids(a)
    anthracyclines = [i for i in ids if OPTIONS[i].anthracycline]
    others = [i for i in ids if OPTIONS[i].modality == "systemic" and not OPTIONS[i].anthracycline]
    assert anthracyclines and others
    assert ids.index(others[0]) < ids.index(anthracyclines[0])
    dox = next(o for o in a.options if o.id == "doxorubicin")
    assert any("less than half a course" in c for c in dox.caveats)
    assert FEW_ANTHRACYCLINE_CYCLES == 3


def test_a_local_recurrence_is_called_a_local_recurrence() -> None:
    a = run(make(EXTREMITY_LOCALIZED, {"tumor.presentation": "local_recurrence"}))
    texts = " ".join(r.text for r in a.classification.rationale)
    assert "the local recurrence is judged resectable" in texts
    assert "the primary" not in texts


def test_no_trial_that_takes_no_patients_is_offered() -> None:
    assert {"ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED"} <= CLOSED_STATUSES
    for t in knowledge().trials:
        if not t.landmark:
            assert t.status not in CLOSED_STATUSES, t.nct
            assert not t.status_text.lower().startswith(("closed", "completed")), t.nct


def test_declined_surgery_gets_radiotherapy_and_observation() -> None:
    a = run(make(EXTREMITY_LOCALIZED, {"patient.age": 84, "patient.declines": ["surgery"]}))
    assert {"radiotherapy-locally-advanced", "observation-surgery-declined"} <= set(option_ids(a))
    assert "Declined by the patient (surgery)" in reason(a, "wide-resection")


def test_the_round3_rule_ids_are_registered() -> None:
    assert {"pregnancy.radiotherapy", "pregnancy.trial", "pregnancy.targeted"} <= set(RULE_IDS)


def test_a_status_text_that_contradicts_the_status_is_refused() -> None:
    from lms_board.knowledge.schema import TrialRecord

    trial = knowledge().trials[0].model_dump()
    trial.update(status="ACTIVE_NOT_RECRUITING", status_text="Recruiting")
    with pytest.raises(ValueError, match="says recruiting"):
        TrialRecord.model_validate(trial)
    trial.update(status="RECRUITING", status_text="Closed for futility")
    with pytest.raises(ValueError, match="says closed"):
        TrialRecord.model_validate(trial)


def test_uterine_resected_base_is_unchanged() -> None:
    """The plain post-hysterectomy case keeps its stage-I options (no myomectomy words)."""
    a = run(make(UTERINE_RESECTED))
    assert "uterine-observation" in option_ids(a)
    assert "completion-hysterectomy" not in option_ids(a)


def test_a_recurrence_in_its_own_field_is_not_called_radiation_associated() -> None:
    case = make(
        EXTREMITY_LOCALIZED,
        {
            "tumor.presentation": "local_recurrence",
            "notes": "Recurrence in the radiotherapy field of the primary.",
        },
    )
    assert not cf.radiation_associated(case)
    primary = make(EXTREMITY_LOCALIZED, {"notes": "Arose in the previous radiotherapy field."})
    assert cf.radiation_associated(primary)


def test_a_biopsied_uterine_mass_is_not_a_retained_uterus_after_myomectomy() -> None:
    case = make(
        UTERINE_RESECTED,
        {
            "pathology.biopsy": "core_needle",
            "pathology.margin": DELETE,
            "extent.primary_resectability": "resectable",
            "history.surgery_date": DELETE,
            "notes": "Core biopsy of the uterine mass; uterus in place.",
        },
    )
    assert not cf.uterus_retained(case)
    a = run(case)
    assert "hysterectomy" in option_ids(a)
    assert "completion-hysterectomy" not in option_ids(a)
    myomectomy = run(make(UTERINE_RESECTED, MYOMECTOMY))
    assert "hysterectomy" not in option_ids(myomectomy)  # the completion record replaces it
