"""The clinical review set (``docs/clinical-review.md``): every case is assessed and must meet
the judgement a sarcoma board wrote for it in ``expected.yaml`` before it was ever run."""

from __future__ import annotations

import pytest

from lms_board.assessment import Assessment, Classification, Stage

from .review import (
    KEYS,
    REQUIRED,
    case_files,
    case_ids,
    expectations,
    has_word,
    is_combination,
    review,
    unmet,
)


def test_every_case_has_an_expectation_and_every_expectation_a_case() -> None:
    assert set(case_files()) == set(expectations())
    assert len(case_ids()) >= 36


@pytest.mark.parametrize("case_id", case_ids())
def test_expectation_is_well_formed(case_id: str) -> None:
    exp = expectations()[case_id]
    assert REQUIRED <= set(exp), f"{case_id}: needs {sorted(REQUIRED - set(exp))}"
    assert set(exp) <= KEYS, f"{case_id}: unknown keys {sorted(set(exp) - KEYS)}"
    for item in exp.get("not_suitable_words", []):
        assert "name" in item, f"{case_id}: not_suitable_words entry without a name"


@pytest.mark.parametrize("case_id", case_ids())
def test_review_case(case_id: str) -> None:
    result = review(case_id)
    assert result.matches, (
        f"{case_id} ({result.expected['note']}) does not match the board's judgement:\n  - "
        + "\n  - ".join(result.problems)
    )


# --------------------------------------------------------------------------- the checker itself


def _assessment(**changes: object) -> Assessment:
    base = Assessment(
        case_id="X",
        classification=Classification(
            category="advanced", subtype="metastatic", provisional=False, rationale=[]
        ),
        grade=None,
        stage=Stage(system=None),
        workup_gaps=[],
        flags=[],
    )
    return base.model_copy(update=changes)


def test_words_match_at_the_start_of_a_word_only() -> None:
    assert has_word("Declined by the patient", "declin")
    assert has_word("Re-excision", "excision")
    assert not has_word("Imaging findings", "NGS")
    assert has_word("Tumour NGS", ["sequencing", "NGS"])


def test_a_combination_is_two_drugs_given_together_not_alternatives() -> None:
    assert is_combination("Doxorubicin + trabectedin, then trabectedin maintenance")
    assert is_combination("Anthracycline (epirubicin or doxorubicin) + ifosfamide")
    assert not is_combination("Dacarbazine or temozolomide")
    assert not is_combination("Doxorubicin")


def test_the_checker_reports_every_unmet_expectation() -> None:
    exp = {
        "note": "n",
        "rationale": "r",
        "category": "resectable",
        "subtype": ["localized", "oligometastatic"],
        "first_option_words": ["biopsy"],
        "must_include": [["gemcitabine"]],
        "prompt_words": [["fertility"]],
        "flags": ["pediatric"],
        "no_combination_chemo": True,
    }
    problems = unmet(exp, _assessment())
    assert [p.split(":")[0] for p in problems] == [
        "category",
        "subtype",
        "first option",
        "missing option",
        "no prompt/caveat",
        "missing flag",
    ]


def test_the_checker_catches_an_offered_drug_a_combination_and_a_reasonless_exclusion() -> None:
    from lms_board.assessment import NotSuitable, Option

    option = Option(
        id="x",
        name="Doxorubicin + trabectedin",
        modality="systemic",
        intent="palliative",
        setting="first line",
        evidence=["e"],
        strength="phase 3 randomised",
    )
    a = _assessment(
        options=[option],
        not_suitable=[NotSuitable(name="Ifosfamide", reason="not preferred")],
    )
    exp = {
        "note": "n",
        "rationale": "r",
        "category": "advanced",
        "subtype": "metastatic",
        "must_not_include": ["trabectedin"],
        "not_suitable_words": [{"name": "ifosfamide", "reason": ["renal"]}],
        "no_combination_chemo": True,
    }
    problems = unmet(exp, a)
    assert len(problems) == 3
    assert problems[0].startswith("offered 'trabectedin'")
    assert "without a reason naming renal" in problems[1]
    assert problems[2].startswith("combination offered")
