"""Options, not-suitable list and trial examples (``lms_board.recommend``): each safety rule on
its own, the public cases against ``expected.json``, and the hard rules over generated cases.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import DELETE, changed, valid_case_models

from lms_board.assessment import Classification, Flag, NotSuitable, TrialExample
from lms_board.case import Case, StopReason, parse_case
from lms_board.case_facts import case_facts
from lms_board.classify import classify, flags, workup_gaps
from lms_board.exclusions import trial_rulings
from lms_board.grading import fnclcc_grade
from lms_board.knowledge import PACKAGE_DIR, evidence_refs, load_knowledge
from lms_board.knowledge.applies import (
    drugs_in_text,
    line_of_therapy,
    prior_anthracycline,
    progressed_drugs,
)
from lms_board.knowledge.loader import TrialOverlay, apply_trial_overlay
from lms_board.knowledge.schema import OptionRecord, TrialRecord, TrialStatusUpdate
from lms_board.recommend import (
    Recommendations,
    excluded_by_anthracycline_limit,
    excluded_by_progression,
    option_exclusions,
    recommend,
    supportive_first,
)

KB = load_knowledge(PACKAGE_DIR)
OPTIONS = {o.id: o for o in KB.options}
TRIALS = {t.nct: t for t in KB.trials}
LIMIT = Flag(code="anthracycline_limit", message="No further anthracycline.")

#: Metastatic trunk LMS, fit, anthracycline-naive, first line.
BASE: dict[str, Any] = {
    "schema_version": 2,
    "case_id": "REC-01",
    "board_date": "2026-12-03",
    "patient": {
        "age": 60,
        "sex": "female",
        "ecog": 1,
        "lvef_percent": 60,
        "cumulative_doxorubicin_mg_m2": 0,
    },
    "tumor": {"site": "trunk", "size_cm": 8.0, "depth": "deep", "presentation": "primary"},
    "pathology": {
        "biopsy": "core_needle",
        "needle_gauge": 14,
        "image_guided": True,
        "diagnosis_confirmed": True,
        "expert_review": True,
        "differentiation_score": 2,
        "mitoses_per_10hpf": 22,
        "necrosis_percent": 30,
    },
    "workup": {"mri_primary": True, "ct_chest": True, "ct_abdomen_pelvis": True},
    "extent": {
        "nodes": "N0",
        "primary_resectability": "resected",
        "metastases": [{"site": "lung", "count": 9, "resectable": False}],
    },
    "history": {"treatment_lines": [], "radiotherapy_courses": []},
}


def make(changes: dict[str, Any] | None = None) -> Case:
    return parse_case(changed(BASE, changes or {}))


def advanced(*drugs: str, stop: str | None = None) -> dict[str, Any]:
    """An advanced line (numbered by its place) with these drugs and stop reason."""
    line: dict[str, Any] = {"setting": "advanced", "drugs": list(drugs)}
    if stop is not None:
        line["stop_reason"] = stop
    return line


#: One advanced line before, of unknown drugs (v1's "systemic_lines_advanced: 1").
ONE_LINE = {"history.treatment_lines": [{"setting": "advanced", "line": 1}]}


def why_not(option: OptionRecord, case: Case) -> str:
    """Every reason the option is not suitable for the case ("" when it is)."""
    classification, _, _ = classified(case)
    return " ".join(r.reason for r in option_exclusions(option, case, classification, KB))


def trial_why_not(trial: TrialRecord, case: Case) -> str:
    return " ".join(r.reason for r in trial_rulings(trial, case_facts(case)))


def classified(case: Case) -> tuple[Classification, list[Flag], int | None]:
    """The lead's classification, flags and grade for a case (what ``assess`` computes)."""
    grade = fnclcc_grade(case.pathology)
    gaps = workup_gaps(case, grade)
    return classify(case, gaps), flags(case, grade), grade.grade if grade else None


def run(case: Case) -> Recommendations:
    """Recommendations from the packaged knowledge (no local trial-status overlay)."""
    classification, found, _ = classified(case)
    return recommend(case, classification, found, kb=KB)


def names(items: list[Any]) -> list[str]:
    return [i.name for i in items]


# --------------------------------------------------------------------------- rule functions


def test_line_of_therapy_counts_unrecorded_as_first_line() -> None:
    assert line_of_therapy(make({"history.treatment_lines": None})) == 0
    assert line_of_therapy(make({"history.treatment_lines": DELETE})) == 0
    two = {"history.treatment_lines": [advanced("doxorubicin"), advanced("trabectedin")]}
    assert line_of_therapy(make(two)) == 2
    neoadjuvant = {"setting": "neoadjuvant", "drugs": ["doxorubicin", "ifosfamide"]}
    assert line_of_therapy(make({"history.treatment_lines": [neoadjuvant]})) == 0


@pytest.mark.parametrize(
    ("text", "drugs"),
    [
        ("Doxorubicin + trabectedin, then trabectedin maintenance", {"doxorubicin", "trabectedin"}),
        ("ADRIAMYCIN/DTIC", {"doxorubicin", "dacarbazine"}),
        ("gem/doc x6", {"gemcitabine", "docetaxel"}),
        ("doxorubicin75 q3w", {"doxorubicin"}),
        ("doxycycline for an infection", set()),
        ("Votrient 800 mg", {"pazopanib"}),
        ("", set()),
    ],
)
def test_drugs_are_found_in_free_text_case_insensitively(text: str, drugs: set[str]) -> None:
    assert drugs_in_text(text, KB) == drugs


def test_excluded_by_anthracycline_limit() -> None:
    assert excluded_by_anthracycline_limit(OPTIONS["doxorubicin"], [LIMIT])
    assert excluded_by_anthracycline_limit(OPTIONS["doxorubicin-trabectedin"], [LIMIT])
    assert excluded_by_anthracycline_limit(OPTIONS["doxorubicin"], []) is None
    assert (
        excluded_by_anthracycline_limit(OPTIONS["gemcitabine-docetaxel-first-line"], [LIMIT])
        is None
    )


def test_excluded_by_progression_on_the_lines_that_progressed() -> None:
    progressed = make(
        {
            "history.treatment_lines": [
                advanced("gemcitabine", "docetaxel", stop="completed"),
                advanced("doxorubicin", stop="progression"),
            ]
        }
    )
    assert progressed_drugs(progressed, KB) == {"doxorubicin"}
    assert "doxorubicin" in (excluded_by_progression(OPTIONS["doxorubicin"], progressed, KB) or "")
    assert excluded_by_progression(OPTIONS["trabectedin"], progressed, KB) is None
    # Gemcitabine was completed without progression: not excluded by this rule.
    assert excluded_by_progression(OPTIONS["gemcitabine-dacarbazine"], progressed, KB) is None
    stable = make({"history.treatment_lines": [advanced("doxorubicin", stop="completed")]})
    assert excluded_by_progression(OPTIONS["doxorubicin"], stable, KB) is None


def test_excluded_by_performance() -> None:
    ecog3 = make({"patient.ecog": 3})
    assert "combination" in why_not(OPTIONS["doxorubicin-dacarbazine"], ecog3)
    assert "ECOG 3" in why_not(OPTIONS["doxorubicin"], ecog3)
    assert why_not(OPTIONS["best-supportive-care"], ecog3) == ""
    ecog2 = make({"patient.ecog": 2})
    assert why_not(OPTIONS["doxorubicin-trabectedin"], ecog2)  # ECOG 0-1 only
    # ECOG 2 alone: no combination (round 3), the single agent stays.
    assert "ECOG 2: combination chemotherapy is not advised" in why_not(
        OPTIONS["doxorubicin-dacarbazine"], ecog2
    )
    assert why_not(OPTIONS["doxorubicin"], ecog2) == ""
    assert why_not(OPTIONS["doxorubicin-trabectedin"], make({"patient.ecog": None})) == ""


def test_olaparib_needs_a_recorded_homologous_recombination_alteration() -> None:
    option = OPTIONS["olaparib-temozolomide"]
    uterine = {"tumor.site": "uterus", "tumor.depth": None, **ONE_LINE}
    for finding in ("BRCA2 homozygous deletion", "HRD positive (RAD51)"):
        assert why_not(option, make({**uterine, "pathology.molecular": [finding]})) == ""
    assert why_not(option, make({**uterine, "pathology.hrd": "deficient"})) == ""
    for finding in ("RB1 loss", "BRCA2 wild-type", "no BRCA1/2 pathogenic variant", "HRD negative"):
        assert "homologous-recombination" in why_not(
            option, make({**uterine, "pathology.molecular": [finding]})
        ), finding
    assert why_not(OPTIONS["trabectedin"], make(ONE_LINE)) == ""


def test_prior_anthracycline_from_dose_or_regimens() -> None:
    assert prior_anthracycline(make(), KB) is False
    assert prior_anthracycline(make({"patient.cumulative_doxorubicin_mg_m2": 150}), KB) is True
    epirubicin = {"setting": "neoadjuvant", "drugs": ["epirubicin", "ifosfamide"]}
    assert (
        prior_anthracycline(
            make(
                {
                    "patient.cumulative_doxorubicin_mg_m2": None,
                    "history.treatment_lines": [epirubicin],
                }
            ),
            KB,
        )
        is True
    )
    # Dose not recorded: no anthracycline only when the lines are recorded (as none here).
    assert prior_anthracycline(make({"patient.cumulative_doxorubicin_mg_m2": None}), KB) is False
    unknown = {"patient.cumulative_doxorubicin_mg_m2": None, "history.treatment_lines": DELETE}
    assert prior_anthracycline(make(unknown), KB) is None
    later = make({**ONE_LINE, "patient.cumulative_doxorubicin_mg_m2": 300})
    assert "already been given" in why_not(OPTIONS["doxorubicin-later-line"], later)
    naive = make({"history.treatment_lines": [advanced("gemcitabine", "docetaxel")]})
    assert why_not(OPTIONS["doxorubicin-later-line"], naive) == ""


def test_trials_requiring_ecog_0_1_are_excluded_at_ecog_3() -> None:
    ecog3 = make({"patient.ecog": 3})
    assert trial_why_not(TRIALS["NCT06088290"], ecog3)
    assert trial_why_not(TRIALS["NCT06088290"], make()) == ""
    near_limit = make({"patient.cumulative_doxorubicin_mg_m2": 420})
    assert "anthracycline" in trial_why_not(TRIALS["NCT06088290"], near_limit)  # doxorubicin arm
    assert trial_why_not(TRIALS["NCT03838718"], ecog3) == ""  # observational registry


def test_supportive_first_only_at_poor_performance() -> None:
    recs = run(make())
    assert recs.options[0].modality != "supportive"
    reordered = supportive_first(recs.options, make({"patient.ecog": 4}))
    assert reordered[0].modality == "supportive"
    assert sorted(names(reordered)) == sorted(names(recs.options))


# --------------------------------------------------------------------------- whole recommendations


def test_first_line_ranks_doxorubicin_trabectedin_first() -> None:
    recs = run(make())
    assert recs.options[0].name == "Doxorubicin + trabectedin, then trabectedin maintenance"
    assert recs.options[0].strength == "phase 3 randomised"
    assert "Trabectedin" not in names(recs.options)  # later-line single agent
    # Only first-line trabectedin is set aside: doxorubicin can be given (TRUSTS).
    (trabectedin,) = recs.not_suitable
    assert trabectedin.name.startswith("Trabectedin first line")
    assert "TRUSTS" in trabectedin.reason


def test_later_line_after_doxorubicin_progression() -> None:
    recs = run(
        make(
            {
                "history.treatment_lines": [advanced("doxorubicin", stop="progression")],
                "patient.cumulative_doxorubicin_mg_m2": 300,
            }
        )
    )
    offered = " | ".join(names(recs.options)).lower()
    assert "doxorubicin" not in offered
    for word in ("trabectedin", "gemcitabine", "pazopanib", "eribulin"):
        assert word in offered
    assert any("doxorubicin" in n.name.lower() for n in recs.not_suitable)
    eribulin = next(o for o in recs.options if o.name == "Eribulin")
    assert any("liposarcoma" in c for c in eribulin.caveats)


def test_uterine_olaparib_needs_the_biomarker_and_says_a092104_was_negative() -> None:
    uterine = {
        "tumor.site": "uterus",
        "tumor.depth": None,
        "tumor.uterine_extension": "confined",
        "history.treatment_lines": [advanced("doxorubicin")],
        "patient.cumulative_doxorubicin_mg_m2": 300,
    }
    without = run(make(uterine))
    assert "olaparib" in " ".join(n.name.lower() for n in without.not_suitable)
    with_brca = run(make({**uterine, "pathology.molecular": ["BRCA2 homozygous deletion"]}))
    olap = next(o for o in with_brca.options if "Olaparib" in o.name)
    assert olap.strength == "phase 2"
    assert any("A092104" in c and "negative" in c for c in olap.caveats)


def test_unknown_ecog_is_offered_with_a_check() -> None:
    recs = run(make({"patient.ecog": None}))
    first = recs.options[0]
    assert any("ECOG not recorded" in c for c in first.caveats)


def test_trials_are_open_first_with_urls_dates_and_checks() -> None:
    recs = run(make({**ONE_LINE, "patient.cumulative_doxorubicin_mg_m2": 300}))
    assert recs.trials
    landmark = [TRIALS[t.nct].landmark for t in recs.trials]
    assert landmark == sorted(landmark), "open trials must come before landmark ones"
    for t in recs.trials:
        assert t.url == f"https://clinicaltrials.gov/study/{t.nct}"
        assert t.status_as_of == TRIALS[t.nct].status_as_of
        assert t.to_check and "ClinicalTrials.gov" in t.to_check[0]
        assert t.evidence == list(TRIALS[t.nct].evidence)  # publications; the source is t.url
        if TRIALS[t.nct].landmark:
            assert t.why.startswith("Landmark trial")


def test_saludo_matches_first_line_anthracycline_naive_and_says_why() -> None:
    recs = run(make())
    saludo = next(t for t in recs.trials if t.nct == "NCT06088290")
    assert "first line" in saludo.why and "ECOG 1" in saludo.why
    assert "LVEF 60% (needs more than 50%)" in saludo.why  # a typed registry criterion
    # Not for a patient who already had an anthracycline.
    exposed = run(make({"patient.cumulative_doxorubicin_mg_m2": 150}))
    assert "NCT06088290" not in [t.nct for t in exposed.trials]


def test_a_trial_closed_since_curation_is_no_longer_shown() -> None:
    later = make({**ONE_LINE, "patient.cumulative_doxorubicin_mg_m2": 300})
    classification, found, _ = classified(later)
    assert "NCT05269355" in [t.nct for t in recommend(later, classification, found).trials]
    update = TrialStatusUpdate.model_validate(
        {
            "status": "TERMINATED",
            "status_text": "Terminated",
            "status_as_of": "2026-11-01",
            "status_source": "test",
        }
    )
    overlay = TrialOverlay(source="t", written=date(2026, 11, 21), trials={"NCT05269355": update})
    kb = apply_trial_overlay(KB, overlay)
    assert "NCT05269355" not in [
        t.nct for t in recommend(later, classification, found, kb=kb).trials
    ]


def test_recommendations_expose_their_evidence() -> None:
    recs = run(make())
    ids = recs.evidence_ids()
    assert "lms04-2022" in ids
    assert set(evidence_refs(ids)) == set(ids)


# --------------------------------------------------------------------------- public cases


def _words_in(words: list[str], texts: list[str]) -> bool:
    return any(w.lower() in t.lower() for w in words for t in texts)


def test_public_cases_meet_expected_words(
    shared_cases: dict[str, dict[str, Any]], expected: dict[str, dict[str, Any]]
) -> None:
    from lms_board.imaging import plan_imaging
    from lms_board.knowledge.applies import in_scope

    checked = 0
    for case_id, exp in expected.items():
        case = parse_case(shared_cases[case_id])
        classification, found, grade = classified(case)
        recs = recommend(case, classification, found)
        option_names = names(recs.options)
        for group in exp.get("option_words", []):
            assert _words_in(group, option_names), f"{case_id}: none of {group} in {option_names}"
            checked += 1
        for word in exp.get("no_option_words", []):
            assert not _words_in([word], option_names), f"{case_id}: {word} offered"
            checked += 1
        for word in exp.get("not_suitable_words", []):
            assert _words_in([word], names(recs.not_suitable)), f"{case_id}: {word} not listed"
            checked += 1
        if exp.get("biopsy_words"):
            # The biopsy advice that applies to the case; the plan itself leaves it out once
            # a tissue diagnosis is confirmed (done_when), so both are read.
            biopsy = [i.text for i in plan_imaging(case, grade, classification).biopsy] + [
                i.text
                for i in KB.imaging
                if i.section == "biopsy" and in_scope(i.applies, case, classification)
            ]
            for word in exp["biopsy_words"]:
                assert _words_in([word], biopsy), f"{case_id}: {word} not in biopsy advice"
                checked += 1
        if exp.get("no_combination"):
            assert not any(OPTIONS[o.id].combination for o in recs.options), case_id
            checked += 1
    assert checked >= 15


def test_public_ecog3_case_gets_supportive_care_first(
    shared_cases: dict[str, dict[str, Any]],
) -> None:
    recs = run(parse_case(shared_cases["PUB-08"]))
    assert recs.options[0].modality == "supportive"
    assert any(n.name.startswith("Trial SaLuDo") for n in recs.not_suitable)


# --------------------------------------------------------------------------- hard rules, generated cases


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_case_models(control_chars=False))
def test_hard_safety_rules_hold_for_any_valid_case(case: Case) -> None:
    classification, found, _ = classified(case)
    recs = recommend(case, classification, found)
    offered = [OPTIONS[o.id] for o in recs.options]
    codes = {f.code for f in found}
    assert recs.options or recs.not_suitable, "every case says what it can and cannot have"

    if "anthracycline_limit" in codes:
        assert not any(o.anthracycline for o in offered)
        for t in recs.trials:
            assert not TRIALS[t.nct].anthracycline_arm

    for tl in case.history.treatment_lines:
        if tl.stop_reason == StopReason.progression:
            for o in offered:
                assert not set(tl.drugs) & set(o.drugs), (o.id, tl.drugs)

    ecog = case.patient.ecog
    if ecog is not None and ecog >= 3:
        assert not any(o.combination for o in offered)
        for t in recs.trials:
            limit = TRIALS[t.nct].applies.ecog_max
            assert limit is None or limit >= ecog, t.nct
        assert recs.options[0].modality == "supportive"
        assert recs.options[0].name.startswith("Best supportive care")

    for item in recs.evidence_items():
        # Every item shown has a source: its evidence, or for a trial (shown or set aside)
        # its ClinicalTrials.gov record.
        if isinstance(item, TrialExample):
            assert item.url.startswith("https://clinicaltrials.gov/study/")
        elif not item.evidence:
            assert isinstance(item, NotSuitable) and re.search(r"\(NCT\d{8}\)$", item.name)
    evidence_refs(recs.evidence_ids())  # every id resolves
