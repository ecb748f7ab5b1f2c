"""The clinical rules, second round: the defect classes the held-out review found, and the
first round's judgement calls looked at again with a board's eyes. Each test states the
case and the judgement a sarcoma board would give, written (from ESMO-EURACAN, ESGO 2024,
the drug labels, ASCO-SNO-ASTRO and the trial registry records) before the rule it pins.
The whole assessment is run (``assess``), as the pages and exports see it.
"""

from __future__ import annotations

from typing import Any

import pytest
from rules_cases import (
    DELETE,
    EXTREMITY_LOCALIZED,
    METASTATIC,
    RETROPERITONEAL,
    UTERINE_RESECTED,
    line,
    make,
    option_ids,
    prompt_codes,
    run,
    trial_ids,
)

from lms_board.assessment import Assessment
from lms_board.knowledge import knowledge

OPTIONS = {o.id: o for o in knowledge().options}
SALUDO = "NCT06088290"


def not_suitable(a: Assessment, option_id: str) -> str:
    name = OPTIONS[option_id].name
    return next((n.reason for n in a.not_suitable if n.name == name), "")


def trial_not_suitable(a: Assessment, nct: str) -> str:
    return next((n.reason for n in a.not_suitable if f"({nct})" in n.name), "")


def trial_to_check(a: Assessment, nct: str) -> list[str]:
    return next(t.to_check for t in a.trials if t.nct == nct)


def caveats(a: Assessment, option_id: str) -> list[str]:
    return next(o.caveats for o in a.options if o.id == option_id)


def prompt(a: Assessment, code: str) -> str:
    return next(p.message for p in a.prompts if p.code == code)


def comorbid(*items: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"patient.coded_comorbidities": list(items), **changes}


def later_line(**changes: Any) -> dict[str, Any]:
    """After first-line doxorubicin (300 mg/m², progression)."""
    return {
        "patient.cumulative_doxorubicin_mg_m2": 300,
        "history.treatment_lines": [line("advanced", "doxorubicin", stop_reason="progression")],
        **changes,
    }


#: Metastatic uterine LMS (six unresectable lung nodules), ER/PR positive, grade 2.
UTERINE_METASTATIC: dict[str, Any] = {
    "extent.metastases": [{"site": "lung", "count": 6, "resectable": False}],
    "extent.disease_free_interval_months": 20,
    "pathology.differentiation_score": 2,
    "pathology.mitoses_per_10hpf": 12,
    "pathology.ihc": {"desmin": "positive", "er": "positive", "pr": "positive"},
    "pathology.tumor_ngs": True,
    "patient.lvef_percent": 62,
}


# =========================================================================== trial eligibility


@pytest.mark.parametrize(("lvef", "offered"), [(50, False), (45, False), (55, True)])
def test_trial_lvef_threshold_is_a_typed_criterion(lvef: int, offered: bool) -> None:
    """SaLuDo's registry record requires LVEF above 50%: at exactly 50% the trial is not
    offered, with the reason; doxorubicin itself stays (the 50% bar is the drug's)."""
    a = run(make(METASTATIC, {"patient.lvef_percent": lvef}))
    assert (SALUDO in trial_ids(a)) is offered
    if not offered:
        assert f"LVEF {lvef}%" in trial_not_suitable(a, SALUDO)
        assert "more than 50%" in trial_not_suitable(a, SALUDO)
    if lvef == 50:
        assert "doxorubicin" in option_ids(a)


def test_trial_lvef_not_recorded_is_to_check() -> None:
    a = run(make(METASTATIC, {"patient.lvef_percent": DELETE}))
    assert SALUDO in trial_ids(a)
    checks = " ".join(trial_to_check(a, SALUDO))
    assert "LVEF not recorded" in checks
    assert "LVEF above 50%" not in checks  # the free-text line became the typed criterion


@pytest.mark.parametrize(
    ("renal", "offered", "words"),
    [
        ({"code": "renal_impairment", "egfr_ml_min": 25}, False, "eGFR 25"),
        ({"code": "renal_impairment", "egfr_ml_min": 45}, True, ""),
        ({"code": "renal_impairment"}, True, "eGFR not recorded"),
    ],
)
def test_trial_renal_function_is_a_typed_criterion(
    renal: dict[str, Any], offered: bool, words: str
) -> None:
    a = run(make(METASTATIC, comorbid(renal)))
    assert (SALUDO in trial_ids(a)) is offered
    if not offered:
        assert words in trial_not_suitable(a, SALUDO)
        assert "30 mL/min" in trial_not_suitable(a, SALUDO)
    elif words:
        assert any(words in c for c in trial_to_check(a, SALUDO))


@pytest.mark.parametrize(
    ("severity", "offered"), [("moderate", False), ("severe", False), ("mild", True)]
)
def test_trial_hepatic_function_is_a_typed_criterion(severity: str, offered: bool) -> None:
    a = run(make(METASTATIC, comorbid({"code": "hepatic_impairment", "severity": severity})))
    assert (SALUDO in trial_ids(a)) is offered
    if not offered:
        assert "hepatic impairment" in trial_not_suitable(a, SALUDO).lower()
        assert "no more than mild" in trial_not_suitable(a, SALUDO)
    else:
        assert any("bilirubin" in c for c in trial_to_check(a, SALUDO))


def test_trial_prior_drug_exclusion_is_a_typed_criterion() -> None:
    """SaLuDo excludes any prior trabectedin or lurbinectedin, not only a failed one."""
    neoadjuvant = line("neoadjuvant", "trabectedin", stop_reason="completed", cycles=3)
    a = run(make(METASTATIC, {"history.treatment_lines": [neoadjuvant]}))
    assert SALUDO not in trial_ids(a)
    assert "trabectedin" in trial_not_suitable(a, SALUDO).lower()


# =========================================================================== organ dysfunction


def test_severe_hepatic_impairment_rules_out_pazopanib_eribulin_and_doxorubicin() -> None:
    """Pazopanib: only 200 mg/day was tolerated with moderate or severe impairment (NCI ODWG
    phase 1) and the label advises against it in severe; eribulin was not studied there;
    doxorubicin is contraindicated (Child-Pugh C)."""
    severe = comorbid({"code": "hepatic_impairment", "severity": "severe"})
    later = run(make(METASTATIC, later_line(**severe)))
    assert "pazopanib" not in option_ids(later)
    assert "severe hepatic impairment" in not_suitable(later, "pazopanib").lower()
    assert "eribulin" not in option_ids(later)
    first = run(make(METASTATIC, severe))
    assert "doxorubicin" not in option_ids(first)
    assert "hepatic" in not_suitable(first, "doxorubicin").lower()


def test_moderate_hepatic_impairment_keeps_pazopanib_with_the_reduced_dose() -> None:
    a = run(
        make(
            METASTATIC,
            later_line(**comorbid({"code": "hepatic_impairment", "severity": "moderate"})),
        )
    )
    assert "pazopanib" in option_ids(a)
    assert any("200 mg" in c for c in caveats(a, "pazopanib"))
    first = run(make(METASTATIC, comorbid({"code": "hepatic_impairment", "severity": "moderate"})))
    assert any("bilirubin" in c for c in caveats(first, "doxorubicin"))


def test_severe_organ_dysfunction_counts_towards_the_single_agent_rule() -> None:
    """ECOG 2 and severe hepatic impairment: two vulnerability factors, no combination."""
    a = run(
        make(
            METASTATIC,
            later_line(
                **comorbid({"code": "hepatic_impairment", "severity": "severe"}),
                **{"patient.ecog": 2},
            ),
        )
    )
    assert not [o for o in a.options if OPTIONS[o.id].combination]
    assert "severe hepatic impairment" in not_suitable(a, "gemcitabine-dacarbazine").lower()
    assert "best-supportive-care" in option_ids(a)


@pytest.mark.parametrize(
    "renal",
    [
        {"code": "renal_impairment", "egfr_ml_min": 25},
        {"code": "renal_impairment", "severity": "severe"},
    ],
)
def test_severe_renal_impairment_rules_combinations_out(renal: dict[str, Any]) -> None:
    """Severe renal impairment (eGFR under 30, or recorded as severe, e.g. on dialysis) is
    enough on its own: no combination chemotherapy, the reason names the kidneys; single
    agents stay."""
    alone = run(make(METASTATIC, comorbid(renal)))
    assert not [o for o in alone.options if OPTIONS[o.id].combination]
    assert "severe renal impairment" in not_suitable(alone, "doxorubicin-trabectedin").lower()
    assert "doxorubicin" in option_ids(alone)
    with_age = run(make(METASTATIC, comorbid(renal, **{"patient.age": 76})))
    assert not [o for o in with_age.options if OPTIONS[o.id].combination]


def test_moderate_renal_impairment_is_not_a_vulnerability_factor() -> None:
    a = run(make(METASTATIC, comorbid({"code": "renal_impairment", "egfr_ml_min": 45})))
    assert not any("single agent is preferred" in c for c in caveats(a, "doxorubicin-trabectedin"))


# =========================================================================== brain metastases


def test_brain_metastasis_gets_local_treatment_first() -> None:
    a = run(
        make(
            METASTATIC,
            {
                "extent.metastases": [
                    {"site": "brain", "count": 1, "resectable": True},
                    {"site": "lung", "count": 6, "resectable": False},
                ]
            },
        )
    )
    ids = option_ids(a)
    assert "brain-metastasis-local-treatment" in ids
    brain = ids.index("brain-metastasis-local-treatment")
    systemic = [i for i, o in enumerate(a.options) if o.modality == "systemic"]
    assert brain < min(systemic)
    name = a.options[brain].name.lower()
    assert "stereotactic radiosurgery" in name and "neurosurg" in name
    assert "brain-metastasis-local-treatment" not in option_ids(run(make(METASTATIC)))


# =========================================================================== the ovaries


def test_premenopausal_er_positive_advanced_uterine_lms_gets_the_ovarian_discussion() -> None:
    """Before endocrine therapy: ovarian suppression or oophorectomy (an aromatase inhibitor
    alone does not work while the ovaries do); the AI option says so."""
    pre = {**UTERINE_METASTATIC, "patient.age": 44, "patient.menopausal_status": "premenopausal"}
    a = run(make(UTERINE_RESECTED, pre))
    message = prompt(a, "ovarian_suppression").lower()
    assert "oophorectomy" in message and "gnrh" in message
    assert any("ovarian suppression" in c for c in caveats(a, "aromatase-inhibitor"))
    post = run(make(UTERINE_RESECTED, UTERINE_METASTATIC))
    assert "ovarian_suppression" not in prompt_codes(post)
    negative = {**pre, "pathology.ihc": {"er": "negative", "pr": "negative"}}
    assert "ovarian_suppression" not in prompt_codes(run(make(UTERINE_RESECTED, negative)))


def test_premenopausal_early_uterine_lms_keeps_the_ovarian_preservation_discussion() -> None:
    a = run(make(UTERINE_RESECTED, {"patient.menopausal_status": "premenopausal"}))
    assert "ovarian_preservation" in prompt_codes(a)
    assert "ovarian_suppression" not in prompt_codes(a)


# =========================================================================== bone and spine


def test_bone_metastases_prompt_covers_the_spine_and_the_cord() -> None:
    a = run(
        make(METASTATIC, {"extent.metastases": [{"site": "bone", "count": 2, "resectable": False}]})
    )
    message = prompt(a, "orthopaedic_assessment").lower()
    for words in ("spinal cord", "sins", "mri", "corticosteroid", "mirels"):
        assert words in message, words
    name = next(o.name for o in a.options if o.id == "bone-metastasis-stabilisation").lower()
    assert "spin" in name


# =========================================================================== metastatic extent


@pytest.mark.parametrize(
    ("mets", "provisional"),
    [
        ([{"site": "lung"}], True),
        ([{"site": "lung", "count": 2}], True),
        ([{"site": "lung", "resectable": True}], True),
        # Ten unresectable liver metastases: metastatic whatever the lung count turns out to be.
        ([{"site": "liver", "count": 10, "resectable": False}, {"site": "lung"}], False),
    ],
)
def test_metastatic_extent_not_assessed_is_a_named_gap(
    mets: list[dict[str, Any]], provisional: bool
) -> None:
    a = run(
        make(
            METASTATIC,
            {"extent.metastases": mets, "extent.disease_free_interval_months": 19},
        )
    )
    assert "metastatic_extent_not_assessed" in a.gap_codes()
    assert a.classification.provisional is provisional
    gap = next(g.message for g in a.workup_gaps if g.code == "metastatic_extent_not_assessed")
    assert "number of" in gap and "lung" in gap


def test_metastatic_extent_recorded_has_no_gap() -> None:
    assert "metastatic_extent_not_assessed" not in run(make(METASTATIC)).gap_codes()


# =========================================================================== what the patient declines


def test_declining_chemotherapy_rules_out_every_trial_with_chemotherapy_in_an_arm() -> None:
    a = run(make(METASTATIC, {"patient.declines": ["chemotherapy"]}))
    assert not {SALUDO, "NCT02997358"} & set(trial_ids(a))  # SaLuDo; LMS-04 as context
    assert "Declined by the patient (chemotherapy)" in trial_not_suitable(a, SALUDO)
    assert "doxorubicin" in trial_not_suitable(a, SALUDO)
    trial = caveats(a, "clinical-trial")
    assert any("no chemotherapy in any arm" in c for c in trial)


def test_an_antibody_drug_conjugate_counts_as_chemotherapy_for_a_decline() -> None:
    a = run(make(METASTATIC, later_line(**{"patient.declines": ["chemotherapy"]})))
    assert "NCT03425279" not in trial_ids(a)  # mecbotamab vedotin (MMAE payload)
    assert "pazopanib" in option_ids(a)


def test_declining_chemotherapy_keeps_a_trial_without_chemotherapy() -> None:
    a = run(make(RETROPERITONEAL, {"patient.declines": ["chemotherapy"]}))
    assert "NCT03838718" in trial_ids(a)  # RESAR, observational
    assert "NCT04031677" not in trial_ids(a)  # STRASS 2: a chemotherapy arm


def test_declining_trials_leaves_no_trial_example_and_says_why() -> None:
    a = run(make(METASTATIC, {"patient.declines": ["trial"]}))
    assert trial_ids(a) == []
    assert "Declined by the patient (trial)" in not_suitable(a, "clinical-trial")
    assert "Declined by the patient (trial)" in trial_not_suitable(a, SALUDO)


# =========================================================================== PARP trials


UTERINE_SECOND_LINE = {
    **UTERINE_METASTATIC,
    "pathology.ihc": {"desmin": "positive", "er": "negative", "pr": "negative"},
    **later_line(),
}


def test_parp_trials_are_context_only_for_a_recorded_hr_alteration() -> None:
    """A092104 (olaparib + temozolomide in uterine LMS not selected by biomarker) closed
    for futility and NCI 10250 is completed: neither is a referral, and as context they are
    shown only where the olaparib option they support is offered."""
    wild_type = run(
        make(UTERINE_RESECTED, {**UTERINE_SECOND_LINE, "pathology.molecular": ["BRCA2 wild-type"]})
    )
    assert not {"NCT05432791", "NCT03880019"} & set(trial_ids(wild_type))
    deleted = run(
        make(
            UTERINE_RESECTED,
            {**UTERINE_SECOND_LINE, "pathology.molecular": ["BRCA2 homozygous deletion"]},
        )
    )
    assert "olaparib-temozolomide" in option_ids(deleted)
    shown = [t for t in deleted.trials if t.nct in ("NCT05432791", "NCT03880019")]
    assert shown and all(t.why.startswith("Landmark trial") for t in shown)


def test_landmark_trials_follow_the_option_they_support() -> None:
    """LMS-04 is context for doxorubicin + trabectedin: not shown when the combination is
    not suitable (age 80 and frailty: a single agent)."""
    assert "NCT02997358" in trial_ids(run(make(METASTATIC)))
    frail = run(make(METASTATIC, {"patient.age": 80, "patient.comorbidities": ["frail"]}))
    assert "doxorubicin-trabectedin" not in option_ids(frail)
    assert "NCT02997358" not in trial_ids(frail)


# =========================================================================== judgement calls


def test_aromatase_inhibitor_is_offered_at_grade_3_but_after_chemotherapy() -> None:
    """ER/PR-positive advanced uterine LMS: the Royal Marsden series saw benefit at high grade
    too (shorter); a board offers it, after doxorubicin when the grade is 3, first when the
    disease is low grade."""
    g3 = {
        **UTERINE_METASTATIC,
        "pathology.differentiation_score": 3,
        "pathology.mitoses_per_10hpf": 25,
    }
    high = run(make(UTERINE_RESECTED, g3))
    ids = option_ids(high)
    assert "aromatase-inhibitor" in ids
    assert ids.index("doxorubicin") < ids.index("aromatase-inhibitor")
    assert any("high grade" in c.lower() for c in caveats(high, "aromatase-inhibitor"))
    low = option_ids(run(make(UTERINE_RESECTED, UTERINE_METASTATIC)))
    assert low.index("aromatase-inhibitor") < low.index("doxorubicin")


@pytest.mark.parametrize(
    ("changes", "prompted"),
    [
        (
            {
                "patient.age": 40,
                "patient.sex": "female",
                "patient.menopausal_status": "postmenopausal",
            },
            False,
        ),
        (
            {
                "patient.age": 47,
                "patient.sex": "female",
                "patient.menopausal_status": "premenopausal",
            },
            False,
        ),
        ({"patient.age": 40, "patient.sex": "female"}, True),
        ({"patient.age": 58, "patient.wishes_fertility_preservation": True}, True),
        ({"patient.age": 40}, True),
        ({"patient.age": 52}, False),
    ],
)
def test_fertility_prompt_follows_reproductive_potential(
    changes: dict[str, Any], prompted: bool
) -> None:
    a = run(make(EXTREMITY_LOCALIZED, changes))
    assert ("fertility_preservation" in prompt_codes(a)) is prompted


def test_clinical_trial_referral_moves_up_after_two_lines() -> None:
    """Heavily pre-treated: what is left gives a few months; a trial is discussed early."""
    two_lines = {
        "patient.cumulative_doxorubicin_mg_m2": 300,
        "history.treatment_lines": [
            line("advanced", "doxorubicin", stop_reason="progression"),
            line("advanced", "trabectedin", stop_reason="progression"),
        ],
    }
    ids = option_ids(run(make(METASTATIC, two_lines)))
    assert ids.index("clinical-trial") <= 2
    first = option_ids(run(make(METASTATIC)))
    assert first.index("clinical-trial") > first.index("doxorubicin")


def test_small_resected_r0_tumour_lists_observation_before_radiotherapy() -> None:
    """A deep 4 cm G2 forearm LMS after R0 resection: surgery alone is reasonable for T1
    tumours with clear margins (Pisters 2007); radiotherapy stays as a selective option."""
    a = run(
        make(
            EXTREMITY_LOCALIZED,
            {
                "tumor.size_cm": 4.0,
                "extent.primary_resectability": "resected",
                "pathology.margin": "R0",
                "history.surgery_date": "2026-10-01",
            },
        )
    )
    ids = option_ids(a)
    assert ids.index("observation-after-resection") < ids.index("radiotherapy-pre-or-postoperative")
    rt = caveats(a, "radiotherapy-pre-or-postoperative")
    assert any("5 cm or less" in c for c in rt)


def test_renal_impairment_without_egfr_asks_for_it() -> None:
    a = run(make(METASTATIC, comorbid({"code": "renal_impairment"})))
    reason = not_suitable(a, "doxorubicin-ifosfamide")
    assert "eGFR not recorded" in reason and "60" in reason


def test_suspected_uterine_sarcoma_with_a_fertility_wish_gets_a_caveat() -> None:
    a = run(
        make(
            UTERINE_RESECTED,
            {
                "patient.age": 34,
                "patient.menopausal_status": "premenopausal",
                "patient.wishes_fertility_preservation": True,
                "pathology": {"biopsy": "none"},
                "extent.primary_resectability": "resectable",
                "history.surgery_date": DELETE,
                "workup.mri_primary": True,
            },
        )
    )
    hysterectomy = caveats(a, "diagnostic-uterine-sarcoma")
    assert any("fertility" in c.lower() for c in hysterectomy)
    assert "diagnostic-uterine-biopsy" in option_ids(a)


def test_a_trial_without_typed_organ_criteria_asks_to_check_a_recorded_impairment() -> None:
    """Where the registry's organ-function criteria are not typed, a recorded hepatic or renal
    impairment is named in "to check", never silently passed."""
    a = run(
        make(
            METASTATIC,
            later_line(
                **comorbid(
                    {"code": "hepatic_impairment", "severity": "severe"},
                    {"code": "renal_impairment", "egfr_ml_min": 40},
                )
            ),
        )
    )
    checks = " ".join(trial_to_check(a, "NCT03425279"))
    assert "Hepatic impairment recorded (severe)" in checks
    assert "Renal impairment recorded (eGFR 40 mL/min)" in checks


def test_brain_metastasis_prompts_the_neuro_oncology_team() -> None:
    a = run(
        make(METASTATIC, {"extent.metastases": [{"site": "brain", "count": 2, "resectable": True}]})
    )
    message = prompt(a, "brain_metastasis_local_treatment").lower()
    assert "neuro-oncology" in message and "radiosurgery" in message
    assert "brain-mets-asco-sno-astro-2022" in next(
        p.evidence for p in a.prompts if p.code == "brain_metastasis_local_treatment"
    )
