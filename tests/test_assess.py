"""``assess(case)``: the shared example cases give what ``expected.json`` says; demo cases and
any valid case assess without error, deterministically, within the spec's vocabularies.

Option, trial and imaging words of expected.json (``option_words``, ``no_option_words``,
``not_suitable_words``, ``biopsy_words``, ``no_combination``) belong to the knowledge tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_case_files
from hypothesis import HealthCheck, given, settings
from strategies import valid_case_models

from lms_board.assess import assess
from lms_board.assessment import FLAG_CODES, GAP_CODES, Assessment
from lms_board.case import Case, load_case


def _load_expected() -> dict[str, dict[str, Any]]:
    files = shared_case_files()
    if not files:
        return {}
    data: dict[str, dict[str, Any]] = json.loads(
        (files[0].parent / "expected.json").read_text(encoding="utf-8")
    )
    return data


def _grade(a: Assessment) -> int | None:
    return a.grade.grade if a.grade else None


def _score(a: Assessment) -> int | None:
    return a.grade.score if a.grade else None


#: expected.json key -> (what the assessment gives, how it must relate to the expectation)
CHECKS: dict[str, tuple[Any, str]] = {
    "category": (lambda a: a.classification.category, "equal"),
    "subtype": (lambda a: a.classification.subtype, "equal"),
    "provisional": (lambda a: a.classification.provisional, "equal"),
    "grade": (_grade, "equal"),
    "score": (_score, "equal"),
    "stage_system": (lambda a: a.stage.system, "equal"),
    "t": (lambda a: a.stage.t, "equal"),
    "group": (lambda a: a.stage.group, "equal"),
    "stage_group_null": (lambda a: a.stage.group is None and bool(a.stage.note), "equal"),
    "gaps": (lambda a: a.gap_codes(), "same_set"),
    "flags": (lambda a: a.flag_codes(), "subset"),
}

EXPECTED = _load_expected()
EXPECTATIONS = [
    (case_id, key, entry[key])
    for case_id, entry in sorted(EXPECTED.items())
    for key in CHECKS
    if key in entry
] or [pytest.param("absent", "", None, marks=pytest.mark.skip(reason="../shared not present"))]


@pytest.fixture(scope="module")
def assessed(shared_dir: Path) -> dict[str, Assessment]:
    return {p.stem: assess(load_case(p)) for p in sorted((shared_dir / "cases").glob("PUB-*.json"))}


def test_every_shared_case_has_an_expectation(
    assessed: dict[str, Assessment], expected: dict[str, dict[str, Any]]
) -> None:
    assert set(assessed) == set(expected)


@pytest.mark.parametrize(
    ("case_id", "key", "want"),
    EXPECTATIONS,
    ids=[f"{e[0]}-{e[1]}" if isinstance(e, tuple) else "absent" for e in EXPECTATIONS],
)
def test_shared_case_matches_expected(
    case_id: str, key: str, want: Any, assessed: dict[str, Assessment]
) -> None:
    get, relation = CHECKS[key]
    got = get(assessed[case_id])
    if relation == "equal":
        assert got == want
    elif relation == "same_set":
        assert sorted(got) == sorted(want)
    else:
        assert set(want) <= set(got), f"missing {set(want) - set(got)}"


def test_expected_keys_are_all_known(expected: dict[str, dict[str, Any]]) -> None:
    """A new key in expected.json must be checked somewhere: here or in the knowledge tests."""
    here = {"note", *CHECKS}
    knowledge = {
        "option_words",
        "no_option_words",
        "not_suitable_words",
        "biopsy_words",
        "no_combination",
    }
    keys = {k for entry in expected.values() for k in entry}
    assert keys <= here | knowledge, keys - here - knowledge


# ------------------------------------------------------------------------- demo cases


def test_demo_cases_assess(demo_cases: list[Case]) -> None:
    for case in demo_cases:
        a = assess(case)
        assert a.case_id == case.case_id
        json.dumps(a.to_json_dict())


def test_demo_cases_cover_every_subtype(demo_cases: list[Case]) -> None:
    subtypes = {assess(c).classification.subtype for c in demo_cases}
    assert subtypes == {"localized", "oligometastatic", "locally_advanced", "metastatic"}


def test_demo_cases_cover_the_awkward_ones(demo_cases: list[Case]) -> None:
    results = [assess(c) for c in demo_cases]
    flags = {f for a in results for f in a.flag_codes()}
    assert {"poor_performance", "anthracycline_limit", "gist_not_excluded"} <= flags
    assert any(a.classification.provisional for a in results)
    assert "identifier_in_free_text" not in flags, "demo free text must look de-identified"


def test_demo_cases_are_for_the_december_board(demo_cases: list[Case]) -> None:
    from datetime import date

    assert {c.board_date for c in demo_cases} == {date(2026, 12, 1)}
    assert [c.case_id for c in demo_cases] == sorted(c.case_id for c in demo_cases)


# ------------------------------------------------------------------------- properties


def _check(a: Assessment, case: Case) -> None:
    assert a.case_id == case.case_id
    assert a.classification.category in ("resectable", "advanced")
    assert set(a.gap_codes()) <= set(GAP_CODES)
    assert set(a.flag_codes()) <= set(FLAG_CODES)
    assert len(a.gap_codes()) == len(set(a.gap_codes()))
    assert len(a.flag_codes()) == len(set(a.flag_codes()))
    assert a.classification.rationale, "every classification says why"
    # Category and subtype agree.
    pairs = {
        "localized": "resectable",
        "oligometastatic": "resectable",
        "locally_advanced": "advanced",
        "metastatic": "advanced",
    }
    assert pairs[a.classification.subtype] == a.classification.category


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_case_models())
def test_assess_never_raises_and_stays_in_vocabulary(case: Case) -> None:
    first = assess(case)
    _check(first, case)
    assert assess(case) == first
    json.dumps(first.to_json_dict(), ensure_ascii=False)
