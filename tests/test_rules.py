"""The clinical rules of issue 10, one defect class at a time: the cases each rule must get
right and the judgement a sarcoma board would give, written from ESMO-EURACAN 2018/2021,
SEOM 2021, NCCN 2022, ESGO 2024, TARPSWG and ``shared/evidence`` before the rules were
coded. Each test names the class it pins. The whole assessment is run (``assess``), as the
pages and exports see it.
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
    not_suitable_text,
    option_ids,
    option_names,
    prompt_codes,
    run,
    trial_ids,
)

from lms_board.assessment import Assessment
from lms_board.exclusions import RULE_EVIDENCE, RULE_IDS
from lms_board.knowledge import knowledge
from lms_board.treatment import EV_ANTHRACYCLINE

OPTIONS = {o.id: o for o in knowledge().options}
ANTHRACYCLINE_OPTIONS = {o.id for o in knowledge().options if o.anthracycline}


def offered_drugs(a: Assessment) -> set[str]:
    return {d for o in a.options for d in OPTIONS[o.id].drugs}


def not_suitable(a: Assessment, option_id: str) -> str:
    """The reason an option is not suitable ("" if it is not listed there)."""
    name = OPTIONS[option_id].name
    return next((n.reason for n in a.not_suitable if n.name == name), "")


def _lines(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"history.treatment_lines": list(lines)}


def later_line(**changes: Any) -> dict[str, Any]:
    """After first-line doxorubicin (300 mg/m², progression)."""
    return {
        "patient.cumulative_doxorubicin_mg_m2": 300,
        **_lines(line("advanced", "doxorubicin", stop_reason="progression")),
        **changes,
    }


# =========================================================================== class 1


def test_c1_420_mg_m2_leaves_less_than_a_cycle_so_no_anthracycline() -> None:
    """Issue class 1: 420 mg/m² given → ≈ 30 left, less than one cycle: every anthracycline
    option is not suitable with the remaining dose in the reason, and the flag fires."""
    a = run(make(METASTATIC, {"patient.cumulative_doxorubicin_mg_m2": 420}))
    assert "anthracycline_limit" in a.flag_codes()
    assert not set(option_ids(a)) & ANTHRACYCLINE_OPTIONS
    for oid in ("doxorubicin", "doxorubicin-trabectedin", "doxorubicin-dacarbazine"):
        assert "≈ 30 mg/m² of anthracycline left: less than one cycle" in not_suitable(a, oid)
    # The first line when an anthracycline cannot be given.
    assert {"gemcitabine-docetaxel-first-line", "trabectedin-first-line"} <= set(option_ids(a))
    assert "gemcitabine-single-agent" in option_ids(a)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"patient.lvef_percent": 45}, "LVEF 45%"),
        ({"patient.coded_comorbidities": [{"code": "heart_failure"}]}, "heart failure"),
    ],
)
def test_c1_low_lvef_or_heart_failure_rules_out_anthracyclines(
    changes: dict[str, Any], words: str
) -> None:
    a = run(make(METASTATIC, changes))
    assert "anthracycline_limit" in a.flag_codes()
    assert not set(option_ids(a)) & ANTHRACYCLINE_OPTIONS
    assert words in not_suitable(a, "doxorubicin")
    assert "cardio_oncology" in prompt_codes(a)
    # SaLuDo gives doxorubicin in both arms.
    assert "NCT06088290" not in trial_ids(a)
    assert "anthracycline" in not_suitable_text(a).split("Trial SaLuDo")[1]


def test_c1_epirubicin_is_counted_at_0_8_and_the_dose_left_is_shown() -> None:
    """Neoadjuvant epirubicin 400 mg/m² ≈ 320 doxorubicin-equivalent: 130 left, one cycle."""
    a = run(
        make(
            METASTATIC,
            {
                "patient.cumulative_doxorubicin_mg_m2": DELETE,
                **_lines(
                    line(
                        "neoadjuvant",
                        "epirubicin",
                        "ifosfamide",
                        stop_reason="completed",
                        doses_mg_m2={"epirubicin": 400},
                    )
                ),
            },
        )
    )
    doxorubicin = next(o for o in a.options if o.id == "doxorubicin")
    assert any("≈ 130 mg/m² left" in c for c in doxorubicin.caveats)
    assert "anthracycline_limit" not in a.flag_codes()


def test_c1_anthracycline_dose_unknown_is_offered_only_with_a_prompt_to_calculate() -> None:
    a = run(
        make(
            METASTATIC,
            {
                "patient.cumulative_doxorubicin_mg_m2": DELETE,
                **_lines(line("adjuvant", "doxorubicin", "ifosfamide", stop_reason="completed")),
            },
        )
    )
    doxorubicin = next(o for o in a.options if o.id == "doxorubicin")
    assert any("calculate the cumulative doxorubicin-equivalent" in c for c in doxorubicin.caveats)
    assert any("rechallenge" in c for c in doxorubicin.caveats)
    assert {"anthracycline_dose_to_calculate", "cardio_oncology"} <= set(prompt_codes(a))


def test_c1_six_cycles_without_a_dose_are_estimated_at_the_limit() -> None:
    a = run(
        make(
            METASTATIC,
            {
                "patient.cumulative_doxorubicin_mg_m2": DELETE,
                **_lines(line("adjuvant", "doxorubicin", cycles=6, stop_reason="completed")),
            },
        )
    )
    assert "anthracycline_limit" in a.flag_codes()
    assert not set(option_ids(a)) & ANTHRACYCLINE_OPTIONS


# =========================================================================== class 2


THREE_LINES = _lines(
    line("advanced", "trabectedin", stop_reason="progression"),
    line("advanced", "gemcitabine", "docetaxel", stop_reason="progression"),
    line("advanced", "pazopanib", stop_reason="progression"),
)


def test_c2_every_drug_progressed_on_in_any_line_is_out() -> None:
    """Issue class 2: trabectedin, then gemcitabine + docetaxel, then pazopanib, each with
    progression: none is offered again, each says where it failed."""
    a = run(make(METASTATIC, {"patient.cumulative_doxorubicin_mg_m2": 0, **THREE_LINES}))
    assert not offered_drugs(a) & {"trabectedin", "gemcitabine", "docetaxel", "pazopanib"}
    assert "progressed on trabectedin (line 1)" in not_suitable(a, "trabectedin").lower()
    assert (
        "progressed on gemcitabine (line 2)" in not_suitable(a, "gemcitabine-dacarbazine").lower()
    )
    assert "progressed on pazopanib (line 3)" in not_suitable(a, "pazopanib").lower()
    assert {"eribulin", "dacarbazine-or-temozolomide"} <= set(option_ids(a))
    # Still anthracycline-naive: doxorubicin is the obvious next line.
    assert option_ids(a)[0] == "doxorubicin-later-line"


def test_c2_trials_with_a_failed_drug_in_any_arm_are_not_offered() -> None:
    """The trabectedin-vs-gemcitabine trial is not offered after progression on
    gemcitabine (its control arm), and the reason names the arm."""
    a = run(
        make(
            METASTATIC,
            later_line(
                **_lines(
                    line("advanced", "doxorubicin", stop_reason="progression"),
                    line("advanced", "gemcitabine", "docetaxel", stop_reason="progression"),
                )
            ),
        )
    )
    assert "NCT04383119" not in trial_ids(a)
    reason = not_suitable_text(a).split("(NCT04383119)")[1]
    assert "Control arm" in reason and "gemcitabine (line 2)" in reason
    # The landmark trabectedin-vs-dacarbazine trial stays (no failed drug in it).
    assert "NCT01343277" in trial_ids(a)


def test_c2_progression_on_epirubicin_rules_out_doxorubicin_too() -> None:
    """Anthracyclines are cross-resistant: progression on neoadjuvant epirubicin rules out
    doxorubicin first line."""
    a = run(
        make(
            METASTATIC,
            _lines(line("neoadjuvant", "epirubicin", "ifosfamide", stop_reason="progression")),
        )
    )
    assert not set(option_ids(a)) & ANTHRACYCLINE_OPTIONS
    assert "progressed on epirubicin (neoadjuvant), the same class" in not_suitable(
        a, "doxorubicin"
    )
    assert "trabectedin-first-line" in option_ids(a)  # doxorubicin cannot be given


def test_c2_stopped_for_toxicity_is_a_reason_too() -> None:
    a = run(
        make(
            METASTATIC,
            later_line(
                **_lines(
                    line("advanced", "doxorubicin", stop_reason="progression"),
                    line("advanced", "gemcitabine", "docetaxel", stop_reason="toxicity"),
                )
            ),
        )
    )
    assert "docetaxel stopped for toxicity (line 2)" in not_suitable(
        a, "gemcitabine-docetaxel-later-line"
    )


def test_c2_a_replaced_line_without_stop_reason_counts_as_failed() -> None:
    a = run(
        make(
            METASTATIC,
            later_line(
                **_lines(
                    line("advanced", "doxorubicin", stop_reason="progression"),
                    line("advanced", "eribulin"),
                    line("advanced", "pazopanib", stop_reason="ongoing"),
                )
            ),
        )
    )
    assert "line 2, replaced by line 3: counted as failed" in not_suitable(a, "eribulin")
    pazopanib = next(o for o in a.options if o.id == "pazopanib")
    assert any("being given now" in c for c in pazopanib.caveats)


# =========================================================================== class 3


@pytest.mark.parametrize(
    "pathology",
    [
        {"biopsy": "none"},
        {"biopsy": DELETE},
        {"biopsy": "fine_needle_aspirate", "diagnosis_confirmed": True},
    ],
)
def test_c3_no_treatment_before_a_tissue_diagnosis(pathology: dict[str, Any]) -> None:
    """Issue class 3: no biopsy, or an FNA with the grade unknown: the first option is the
    image-guided core biopsy; surgery, radiotherapy and chemotherapy wait."""
    changes: dict[str, Any] = {
        "pathology.needle_gauge": DELETE,
        "pathology.differentiation_score": DELETE,
        "pathology.mitoses_per_10hpf": DELETE,
        "pathology.necrosis_percent": DELETE,
        **{f"pathology.{k}": v for k, v in pathology.items()},
    }
    a = run(make(EXTREMITY_LOCALIZED, changes))
    assert option_ids(a) == ["diagnostic-core-biopsy"]
    for oid in ("wide-resection", "radiotherapy-pre-or-postoperative"):
        assert not_suitable(a, oid).startswith("No tissue diagnosis yet")
    assert a.trials == []


def test_c3_retroperitoneal_biopsy_by_the_retroperitoneal_route() -> None:
    a = run(make(RETROPERITONEAL, {"pathology.biopsy": "none", "pathology.needle_gauge": DELETE}))
    first = a.options[0]
    assert first.id == "diagnostic-core-biopsy-retroperitoneal"
    assert "retroperitoneal route" in first.name and "never transperitoneal" in first.name
    assert "rps-en-bloc-resection" not in option_ids(a)
    assert "NCT04031677" not in trial_ids(a)  # STRASS 2 waits for the diagnosis


def test_c3_metastatic_without_tissue_biopsies_a_lesion_and_gives_no_chemotherapy() -> None:
    a = run(make(METASTATIC, {"pathology.biopsy": "none", "pathology.needle_gauge": DELETE}))
    assert a.options[0].modality == "diagnostic"
    assert "diagnostic-biopsy-metastasis" in option_ids(a)
    assert not [o for o in a.options if o.modality in ("systemic", "radiotherapy", "surgery")]
    assert not_suitable(a, "doxorubicin").startswith("No tissue diagnosis yet")


def test_c3_tissue_taken_but_not_confirmed_is_sent_to_expert_review() -> None:
    a = run(make(EXTREMITY_LOCALIZED, {"pathology.diagnosis_confirmed": DELETE}))
    assert option_ids(a) == ["diagnostic-pathology-review"]
    assert "not recorded as confirmed" in not_suitable(a, "wide-resection")


# =========================================================================== class 4


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {
                "pathology.differentiation_score": 1,
                "pathology.mitoses_per_10hpf": 2,
                "pathology.necrosis_percent": 0,
                "tumor.size_cm": 7.0,
            },
            "grade 1",
        ),
        ({"pathology.differentiation_score": DELETE}, "grade unknown"),
        ({"tumor.depth": "superficial"}, "superficial"),
        ({"tumor.depth": "unknown"}, "Depth not recorded"),
        ({"tumor.size_cm": 5.0}, "5 cm: needs more than 5 cm"),
    ],
)
def test_c4_perioperative_chemotherapy_only_for_known_high_risk(
    changes: dict[str, Any], words: str
) -> None:
    """Issue class 4: grade 3 (known), deep and over 5 cm, trunk or extremity only."""
    a = run(make(EXTREMITY_LOCALIZED, changes))
    assert "perioperative-chemotherapy-high-risk" not in option_ids(a)
    assert words.lower() in not_suitable(a, "perioperative-chemotherapy-high-risk").lower()


def test_c4_high_risk_thigh_gets_perioperative_chemotherapy_and_retroperitoneum_does_not() -> None:
    assert "perioperative-chemotherapy-high-risk" in option_ids(run(make(EXTREMITY_LOCALIZED)))
    rps = run(make(RETROPERITONEAL, {"pathology.differentiation_score": 3}))
    assert "perioperative-chemotherapy-high-risk" not in option_ids(rps)
    assert not not_suitable(rps, "perioperative-chemotherapy-high-risk")


# =========================================================================== class 5

STAGE_IIIA = {"tumor.uterine_extension": "abdominal_one_site"}


def test_c5_stage_iiia_resected_gets_adjuvant_discussion_not_gog0277() -> None:
    """Issue class 5: completely resected FIGO IIIA: adjuvant therapy is discussable,
    GOG-0277 (stage I only) is not cited, the stage-I-only UC-SAR-2212 is not offered."""
    a = run(make(UTERINE_RESECTED, STAGE_IIIA))
    assert a.stage.group == "IIIA"
    assert {"uterine-adjuvant-doxorubicin", "uterine-observation-advanced-stage"} <= set(
        option_ids(a)
    )
    assert "uterine-observation" not in option_ids(a)
    assert not any("gog0277-2018" in o.evidence for o in a.options)
    assert not not_suitable(a, "uterine-adjuvant-chemotherapy")
    assert "NCT06524583" not in trial_ids(a)
    assert "NCT01533207" not in trial_ids(a)  # GOG-0277 as context: stage I only


def test_c5_stage_i_resected_gets_observation_with_gog0277_and_uc_sar_2212() -> None:
    a = run(make(UTERINE_RESECTED))
    assert a.stage.group == "IB"
    assert "uterine-observation" in option_ids(a)
    assert "GOG-0277" in not_suitable(a, "uterine-adjuvant-chemotherapy")
    assert "NCT06524583" in trial_ids(a)
    assert "uterine-adjuvant-doxorubicin" not in option_ids(a)


def test_c5_morcellation_makes_the_stage_unreliable() -> None:
    a = run(make(UTERINE_RESECTED, {"tumor.morcellated": True}))
    assert "morcellated_uterine" in a.flag_codes()
    assert "morcellation_restaging" in prompt_codes(a)
    observation = next(o for o in a.options if o.id == "uterine-observation")
    assert any("re-exploration" in c for c in observation.caveats)


def _uterine_metastatic(**changes: Any) -> dict[str, Any]:
    return {
        "extent.metastases": [{"site": "lung", "count": 3, "resectable": False}],
        "extent.disease_free_interval_months": 40,
        "pathology.differentiation_score": 2,
        "pathology.mitoses_per_10hpf": 4,
        "pathology.necrosis_percent": 0,
        "pathology.ihc": {"desmin": "positive", "er": "positive", "pr": "positive"},
        **changes,
    }


def test_c5_er_pr_positive_low_grade_metastatic_gets_hormones_and_surveillance() -> None:
    a = run(make(UTERINE_RESECTED, _uterine_metastatic()))
    assert a.classification.category == "advanced"
    assert {"aromatase-inhibitor", "active-surveillance-indolent"} <= set(option_ids(a))
    assert "hormone_receptors_not_done" not in prompt_codes(a)


def test_c5_no_active_surveillance_once_the_disease_has_progressed_on_treatment() -> None:
    a = run(make(UTERINE_RESECTED, _uterine_metastatic(**later_line())))
    assert "active-surveillance-indolent" not in option_ids(a)
    assert "aromatase-inhibitor" in option_ids(a)


def test_c5_uterine_prompts_wait_for_tissue() -> None:
    a = run(
        make(
            UTERINE_RESECTED,
            _uterine_metastatic(
                **{"pathology.biopsy": "none", "pathology.diagnosis_confirmed": DELETE}
            ),
        )
    )
    assert not {"tumour_ngs", "hormone_receptors_not_done"} & set(prompt_codes(a))


def test_c5_high_grade_gets_the_hormonal_option_later_and_receptor_negative_none() -> None:
    """Round 2: at grade 3 an aromatase inhibitor is still an option for ER/PR-positive
    disease (the Royal Marsden series saw shorter but real benefit), after doxorubicin and
    with a caveat; active surveillance stays for low grade only."""
    g3 = run(
        make(
            UTERINE_RESECTED,
            _uterine_metastatic(
                **{"pathology.differentiation_score": 3, "pathology.mitoses_per_10hpf": 30}
            ),
        )
    )
    ids = option_ids(g3)
    assert ids.index("doxorubicin") < ids.index("aromatase-inhibitor")
    assert "active-surveillance-indolent" not in option_ids(g3)
    negative = run(
        make(UTERINE_RESECTED, _uterine_metastatic(**{"pathology.ihc": {"er": "negative"}}))
    )
    assert "aromatase-inhibitor" not in option_ids(negative)


@pytest.mark.parametrize(
    ("pathology", "offered"),
    [
        ({"pathology.molecular": ["BRCA2 wild-type"]}, False),
        ({"pathology.molecular": ["BRCA2 homozygous deletion"]}, True),
        ({"pathology.tumor_ngs": True, "pathology.hrd": "deficient"}, True),
        ({"pathology.tumor_ngs": True, "pathology.hrd": "proficient"}, False),
        ({}, False),
    ],
)
def test_c5_olaparib_only_with_a_recorded_hrd_alteration(
    pathology: dict[str, Any], offered: bool
) -> None:
    a = run(make(UTERINE_RESECTED, _uterine_metastatic(**later_line(**pathology))))
    assert ("olaparib-temozolomide" in option_ids(a)) is offered


def test_c5_a_tumour_brca_finding_prompts_germline_testing() -> None:
    found = run(make(UTERINE_RESECTED, {"pathology.molecular": ["BRCA2 homozygous deletion"]}))
    assert "germline_testing" in prompt_codes(found)
    wild = run(make(UTERINE_RESECTED, {"pathology.molecular": ["BRCA2 wild-type"]}))
    assert "germline_testing" not in prompt_codes(wild)


def test_c5_advanced_uterine_without_ngs_gets_the_ngs_prompt() -> None:
    assert "tumour_ngs" in prompt_codes(run(make(UTERINE_RESECTED, _uterine_metastatic())))
    done = run(make(UTERINE_RESECTED, _uterine_metastatic(**{"pathology.tumor_ngs": True})))
    assert "tumour_ngs" not in prompt_codes(done)
    assert "tumour_ngs" not in prompt_codes(run(make(UTERINE_RESECTED)))  # not advanced


def test_c5_hormone_receptors_not_done_in_uterine_lms_is_prompted() -> None:
    a = run(make(UTERINE_RESECTED, {"pathology.ihc": {"desmin": "positive"}}))
    assert "hormone_receptors_not_done" in prompt_codes(a)


# =========================================================================== class 6


SMALL_SUPERFICIAL_G1_R0 = {
    "tumor.site": "trunk",
    "tumor.size_cm": 2.5,
    "tumor.depth": "superficial",
    "extent.limb_salvage_feasible": DELETE,
    "extent.primary_resectability": "resected",
    "pathology.biopsy": "excisional",
    "pathology.needle_gauge": DELETE,
    "pathology.margin": "R0",
    "pathology.differentiation_score": 1,
    "pathology.mitoses_per_10hpf": 3,
    "pathology.necrosis_percent": 0,
}


def test_c6_no_radiotherapy_for_a_small_superficial_low_grade_r0_tumour() -> None:
    """Issue class 6: 2.5 cm superficial G1 after R0 excision: observation, no RT."""
    a = run(make(EXTREMITY_LOCALIZED, SMALL_SUPERFICIAL_G1_R0))
    assert "radiotherapy-pre-or-postoperative" not in option_ids(a)
    assert not_suitable(a, "radiotherapy-pre-or-postoperative").startswith("Not indicated")
    assert option_ids(a)[0] == "observation-after-resection"


@pytest.mark.parametrize(
    "changes",
    [
        {"pathology.margin": "R1"},
        {"tumor.size_cm": 6.0},
        {"tumor.depth": "deep"},
        {"pathology.differentiation_score": 3},
    ],
)
def test_c6_radiotherapy_stays_when_any_risk_factor_is_present(changes: dict[str, Any]) -> None:
    a = run(make(EXTREMITY_LOCALIZED, {**SMALL_SUPERFICIAL_G1_R0, **changes}))
    assert "radiotherapy-pre-or-postoperative" in option_ids(a)


def test_c6_a_recurrence_in_an_irradiated_field_gets_re_excision_not_a_second_course() -> None:
    a = run(
        make(
            EXTREMITY_LOCALIZED,
            {
                "tumor.presentation": "local_recurrence",
                "history.radiotherapy_courses": [
                    {"timing": "preoperative", "target": "primary_site", "dose_gy": 50}
                ],
            },
        )
    )
    assert option_ids(a)[0] == "irradiated-field-recurrence-resection"
    assert "already been irradiated" in not_suitable(a, "radiotherapy-pre-or-postoperative")
    assert "reirradiation_limits" in prompt_codes(a)
    assert "wide-resection" not in option_ids(a)  # the recurrence option says it


@pytest.mark.parametrize("site", ["retroperitoneum", "vascular"])
def test_c6_no_preoperative_radiotherapy_for_retroperitoneal_or_caval_lms(site: str) -> None:
    a = run(make(RETROPERITONEAL, {"tumor.site": site}))
    assert "STRASS" in not_suitable(a, "rps-preoperative-radiotherapy")
    assert not [o for o in a.options if o.modality == "radiotherapy"]


# =========================================================================== class 7


def test_c7_ivc_lms_transperitoneal_biopsy_abdominal_staging_and_no_preop_rt() -> None:
    a = run(
        make(
            RETROPERITONEAL,
            {
                "tumor.site": "vascular",
                "tumor.location": "infrarenal inferior vena cava",
                "pathology.biopsy_route": "transperitoneal",
                "workup.ct_abdomen_pelvis": False,
            },
        )
    )
    assert {"transperitoneal_biopsy", "no_abdomen_pelvis_ct"} <= set(a.gap_codes())
    assert a.classification.provisional
    resection = next(o for o in a.options if o.id == "rps-en-bloc-resection")
    assert any("Vena cava" in c for c in resection.caveats)
    assert "not standard" in not_suitable(a, "rps-preoperative-radiotherapy").lower()


def test_c7_gastric_lms_without_kit_dog1_is_provisional_and_has_no_limb_wording() -> None:
    a = run(
        make(
            EXTREMITY_LOCALIZED,
            {
                "tumor.site": "gastrointestinal",
                "tumor.location": "gastric body",
                "tumor.depth": "unknown",
                "extent.limb_salvage_feasible": DELETE,
                "pathology.ihc": {"desmin": "positive", "kit": "negative"},
            },
        )
    )
    assert "kit_dog1_not_done" in a.gap_codes()
    assert "gist_not_excluded" in a.flag_codes()
    assert a.classification.provisional
    assert "visceral-resection" in option_ids(a)
    assert not any("limb" in n.lower() for n in option_names(a))


# =========================================================================== class 8


@pytest.mark.parametrize(
    ("mets", "dfi", "primary"),
    [
        ([{"site": "lung", "count": 2, "resectable": True}], 0, "resectable"),
        ([{"site": "lung", "count": 3, "resectable": True}], 7, "resected"),
    ],
)
def test_c8_limited_metastases_with_a_short_interval_keep_a_curative_pathway(
    mets: list[dict[str, Any]], dfi: int, primary: str
) -> None:
    """Issue class 8: still advanced by the rule, but the curative-intent pathway is offered
    first and explained in the rationale."""
    a = run(
        make(
            METASTATIC,
            {
                "extent.metastases": mets,
                "extent.disease_free_interval_months": dfi,
                "extent.primary_resectability": primary,
            },
        )
    )
    assert (a.classification.category, a.classification.subtype) == ("advanced", "metastatic")
    rules = [r.rule for r in a.classification.rationale]
    assert "metastatic.limited_short_interval_curative_pathway" in rules
    assert option_ids(a)[0] == "limited-metastases-curative-pathway"
    assert a.options[0].intent == "curative"
    assert "doxorubicin-trabectedin" in option_ids(a)  # the systemic part


def test_c8_widespread_metastases_get_no_curative_pathway() -> None:
    a = run(make(METASTATIC, {"extent.disease_free_interval_months": 0}))
    assert "limited-metastases-curative-pathway" not in option_ids(a)


# =========================================================================== class 9

FRAIL_KIDNEYS_NERVES = {
    "patient.age": 77,
    "patient.ecog": 2,
    "patient.coded_comorbidities": [
        {"code": "renal_impairment", "egfr_ml_min": 40},
        {"code": "peripheral_neuropathy", "severity": "moderate"},
    ],
}


def test_c9_older_ecog2_with_ckd_and_neuropathy() -> None:
    """Issue class 9: 77, ECOG 2, CKD and neuropathy: no ifosfamide, no combination (two
    vulnerability factors), the nerves and the kidneys named, geriatric and cardio-oncology
    prompts."""
    a = run(make(METASTATIC, FRAIL_KIDNEYS_NERVES))
    assert "ifosfamide" not in offered_drugs(a)
    assert "eGFR 40" in not_suitable(a, "doxorubicin-ifosfamide")
    assert not [o.id for o in a.options if OPTIONS[o.id].combination]
    assert "ECOG 2 and age 77: combination chemotherapy is not advised" in not_suitable(
        a, "gemcitabine-docetaxel-first-line"
    )
    assert {"doxorubicin", "pazopanib-first-line-older", "gemcitabine-single-agent"} <= set(
        option_ids(a)
    )
    assert {"geriatric_assessment", "cardio_oncology", "neuropathy_caution"} <= set(prompt_codes(a))


def test_c9_age_alone_demotes_combinations_with_a_caveat() -> None:
    """Age 75 or over alone (ECOG 1, not frail) moves combinations after single agents."""
    a = run(
        make(
            METASTATIC,
            {
                "patient.age": 76,
                "patient.ecog": 1,
                "patient.coded_comorbidities": [
                    {"code": "peripheral_neuropathy", "severity": "moderate"}
                ],
            },
        )
    )
    gem_doc = next(o for o in a.options if o.id == "gemcitabine-docetaxel-first-line")
    assert any("single agent is preferred" in c for c in gem_doc.caveats)
    assert any("neuropathy" in c.lower() for c in gem_doc.caveats)
    systemic = [o for o in a.options if o.modality == "systemic" and o.id != "clinical-trial"]
    combos = [OPTIONS[o.id].combination for o in systemic]
    assert combos == sorted(combos), "single agents before combinations"


@pytest.mark.parametrize(
    "changes",
    [{"patient.ecog": 2}, {"patient.ecog": 1, "patient.comorbidities": ["frail, lives alone"]}],
    ids=["ecog2", "frail"],
)
def test_round3_ecog2_or_frailty_alone_rules_combinations_out(changes: dict[str, Any]) -> None:
    """Round 3, item 11: ECOG 2 or frailty on its own: no combination among the options;
    each combination is "not suitable" with the reason; single agents stay."""
    a = run(make(METASTATIC, changes))
    assert not [o.id for o in a.options if OPTIONS[o.id].combination]
    reason = not_suitable(a, "gemcitabine-docetaxel-first-line")
    assert "combination chemotherapy is not advised" in reason
    assert ("ECOG 2" in reason) or ("frailty" in reason.lower())
    assert {"doxorubicin", "gemcitabine-single-agent"} <= set(option_ids(a))


@pytest.mark.parametrize(
    ("renal", "excluded"),
    [
        ({"code": "renal_impairment", "egfr_ml_min": 59}, True),
        ({"code": "renal_impairment"}, True),
        ({"code": "renal_impairment", "egfr_ml_min": 60}, False),
    ],
)
def test_c9_ifosfamide_with_renal_impairment(renal: dict[str, Any], excluded: bool) -> None:
    a = run(make(METASTATIC, {"patient.coded_comorbidities": [renal]}))
    assert ("doxorubicin-ifosfamide" not in option_ids(a)) is excluded
    if not excluded:
        option = next(o for o in a.options if o.id == "doxorubicin-ifosfamide")
        assert any("eGFR 60" in c for c in option.caveats)


def test_c9_severe_neuropathy_rules_out_taxanes_and_eribulin() -> None:
    a = run(
        make(
            METASTATIC,
            later_line(
                **{
                    "patient.coded_comorbidities": [
                        {"code": "peripheral_neuropathy", "severity": "severe"}
                    ],
                }
            ),
        )
    )
    assert not offered_drugs(a) & {"docetaxel", "eribulin"}
    assert "neuropathy" in not_suitable(a, "eribulin").lower()


def test_c9_hepatic_impairment_rules_out_or_cautions_trabectedin() -> None:
    moderate = run(
        make(
            METASTATIC,
            later_line(
                **{
                    "patient.coded_comorbidities": [
                        {"code": "hepatic_impairment", "severity": "moderate"}
                    ],
                }
            ),
        )
    )
    assert "trabectedin" not in offered_drugs(moderate)
    assert "hepatic impairment" in not_suitable(moderate, "trabectedin").lower()
    mild = run(
        make(
            METASTATIC,
            later_line(
                **{
                    "patient.coded_comorbidities": [
                        {"code": "hepatic_impairment", "severity": "mild"}
                    ],
                }
            ),
        )
    )
    trabectedin = next(o for o in mild.options if o.id == "trabectedin")
    assert any("bilirubin" in c for c in trabectedin.caveats)


@pytest.mark.parametrize("age", [29, 32])
def test_c9_young_patients_get_a_fertility_prompt_before_gonadotoxic_treatment(age: int) -> None:
    a = run(make(EXTREMITY_LOCALIZED, {"patient.age": age}))
    assert "fertility_preservation" in prompt_codes(a)
    older = run(make(EXTREMITY_LOCALIZED, {"patient.age": 52}))
    assert "fertility_preservation" not in prompt_codes(older)


def test_c9_premenopausal_uterine_lms_gets_ovarian_preservation_and_fertility() -> None:
    a = run(
        make(
            UTERINE_RESECTED,
            {
                "patient.age": 32,
                "patient.menopausal_status": "premenopausal",
                "patient.wishes_fertility_preservation": True,
            },
        )
    )
    assert {"ovarian_preservation", "fertility_preservation"} <= set(prompt_codes(a))
    post = run(make(UTERINE_RESECTED))
    assert "ovarian_preservation" not in prompt_codes(post)


def test_c9_what_the_patient_declines_is_not_suitable() -> None:
    amputation = run(
        make(
            EXTREMITY_LOCALIZED,
            {"extent.limb_salvage_feasible": False, "patient.declines": ["amputation"]},
        )
    )
    assert "Declined by the patient (amputation)" in not_suitable(amputation, "amputation")
    assert {"isolated-limb-perfusion", "radiotherapy-locally-advanced"} <= set(
        option_ids(amputation)
    )
    assert "No operation is planned" in not_suitable(
        amputation, "radiotherapy-pre-or-postoperative"
    )
    exenteration = run(
        make(
            UTERINE_RESECTED,
            {
                "extent.primary_resectability": "resectable",
                "pathology.biopsy": "core_needle",
                "pathology.margin": DELETE,
                "history.surgery_date": DELETE,
                "tumor.uterine_extension": "bladder_or_rectum",
                "patient.declines": ["pelvic_exenteration"],
            },
        )
    )
    assert "pelvic exenteration" in not_suitable(exenteration, "pelvic-exenteration")


def test_c9_declining_the_curative_operation_brings_the_non_surgical_options() -> None:
    """A pelvic recurrence into the bladder needing an exenteration she declines: the
    exenteration is not suitable, and systemic therapy and radiotherapy are offered."""
    a = run(
        make(
            UTERINE_RESECTED,
            {
                "tumor.presentation": "local_recurrence",
                "tumor.uterine_extension": "bladder_or_rectum",
                "extent.primary_resectability": "resectable",
                "pathology.biopsy": "core_needle",
                "pathology.margin": DELETE,
                "patient.declines": ["pelvic_exenteration"],
            },
        )
    )
    assert a.classification.category == "resectable"
    assert "patient.declines_curative_surgery" in [r.rule for r in a.classification.rationale]
    assert "Declined by the patient" in not_suitable(a, "pelvic-exenteration")
    assert {"doxorubicin", "palliative-radiotherapy"} <= set(option_ids(a))


def test_c9_declining_chemotherapy_and_trials() -> None:
    a = run(make(METASTATIC, later_line(**{"patient.declines": ["chemotherapy", "trial"]})))
    offered = [OPTIONS[o.id] for o in a.options if o.modality == "systemic"]
    assert [o.id for o in offered] == ["pazopanib"]
    assert "Declined by the patient (chemotherapy)" in not_suitable(a, "trabectedin")
    assert "Declined by the patient (trial)" in not_suitable(a, "clinical-trial")
    assert not [t for t in a.trials if not t.why.startswith("Landmark")]


# =========================================================================== class 10


def test_c10_first_line_options_when_anthracyclines_cannot_be_given() -> None:
    a = run(make(METASTATIC, {"patient.lvef_percent": 40}))
    ids = option_ids(a)
    assert {"gemcitabine-docetaxel-first-line", "gemcitabine-single-agent"} <= set(ids)
    assert "trabectedin-first-line" in ids


def test_c10_trusts_is_said_when_doxorubicin_can_be_given() -> None:
    a = run(make(METASTATIC))
    assert "TRUSTS" in not_suitable(a, "trabectedin-first-line")


def test_c10_pazopanib_first_line_from_60_only() -> None:
    assert "pazopanib-first-line-older" in option_ids(run(make(METASTATIC, {"patient.age": 60})))
    young = run(make(METASTATIC, {"patient.age": 59}))
    assert "pazopanib-first-line-older" not in option_ids(young)
    assert not not_suitable(young, "pazopanib-first-line-older")


def test_c10_isolated_limb_perfusion_for_a_limb_threatening_tumour() -> None:
    a = run(make(EXTREMITY_LOCALIZED, {"extent.primary_resectability": "unresectable"}))
    assert "isolated-limb-perfusion" in option_ids(a)
    assert "isolated-limb-perfusion" not in option_ids(run(make(EXTREMITY_LOCALIZED)))


def test_c10_bone_metastases_get_orthopaedic_assessment() -> None:
    a = run(
        make(
            METASTATIC,
            {"extent.metastases": [{"site": "bone", "count": 2, "resectable": False}]},
        )
    )
    assert "bone-metastasis-stabilisation" in option_ids(a)
    assert "orthopaedic_assessment" in prompt_codes(a)


# =========================================================================== trials


def test_trials_are_filtered_by_line_and_fitness() -> None:
    first = run(make(METASTATIC))
    assert "NCT06088290" in trial_ids(first)  # SaLuDo: first line, naive, ECOG 0-1
    second = run(make(METASTATIC, later_line()))
    assert "NCT06088290" not in trial_ids(second)
    assert "NCT05269355" in trial_ids(second)
    ecog2 = run(make(METASTATIC, later_line(**{"patient.ecog": 2})))
    assert "NCT05269355" not in trial_ids(ecog2)  # ECOG 0-1


# =========================================================================== the catalogue


def test_every_rule_prompt_and_conditional_option_is_documented(repo_root: Any) -> None:
    """docs/clinical-rules.md lists every rule id, prompt code and option with conditional
    exclusions, so the catalogue cannot drift from the code and the data."""
    import inspect
    import re

    import lms_board.exclusions as module

    doc = (repo_root / "docs" / "clinical-rules.md").read_text(encoding="utf-8")
    source = inspect.getsource(module)
    literal = set(re.findall(r'Ruling\(\s*"([a-z_]+\.[a-z_]+)"', source))
    computed = set(re.findall(r'"(history\.[a-z_]+)"', source))
    assert literal | computed <= set(RULE_IDS)
    for rule in RULE_IDS:
        assert f"`{rule}`" in doc, rule
    for p in knowledge().prompts:
        assert f"`{p.code}`" in doc, p.code
    for o in knowledge().options:
        if o.not_suitable_when or o.id.startswith("diagnostic-"):
            assert o.id in doc or "diagnostic-*" in doc, o.id


def test_rule_evidence_ids_resolve() -> None:
    kb = knowledge()
    for e in (*RULE_EVIDENCE, *EV_ANTHRACYCLINE):
        assert e in kb.evidence, e
