"""Readiness read from the assessment: Ready, or Defer with the missing items in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import shared_case_files

from lms_board.assess import assess
from lms_board.assessment import GAP_CODES
from lms_board.case import load_case, parse_case
from lms_board.demo import demo_cases
from lms_board.meeting.readiness import readiness
from lms_board.wording import GAP_LABELS, GAP_MISSING


def _demo(case_id: str) -> Any:
    return next(c for c in demo_cases() if c.case_id == case_id)


def test_every_gap_has_words() -> None:
    assert set(GAP_MISSING) == set(GAP_CODES) == set(GAP_LABELS)


@pytest.mark.parametrize("case_id", ["DEMO-01", "DEMO-02", "DEMO-03", "DEMO-04", "DEMO-05"])
def test_fully_worked_up_cases_are_ready(case_id: str) -> None:
    r = readiness(assess(_demo(case_id)))
    assert r.state == "ready" and r.label == "Ready" and not r.missing


def test_an_fna_without_staging_defers_with_the_missing_items_named() -> None:
    r = readiness(assess(_demo("DEMO-06")))
    assert r.state == "defer"
    assert r.missing_words() == ["no tissue diagnosis", "no chest CT"]
    assert r.label == "Defer: no tissue diagnosis, no chest CT"
    # The board's surgeon settles resectability in the meeting: never a reason to defer.
    assert [i.words for i in r.at_board] == ["resectability not assessed"]
    assert "FNA only (core biopsy preferred)" in [i.words for i in r.to_chase]


def test_gist_not_excluded_defers_a_gastrointestinal_case() -> None:
    r = readiness(assess(_demo("DEMO-09")))
    assert r.missing_words() == ["KIT and DOG1 not done (GIST not excluded)"]
    assert "no sarcoma-expert pathology review" in [i.words for i in r.to_chase]


def test_a_missing_chest_ct_does_not_defer_a_metastatic_case(
    case_dict: Callable[[], dict[str, Any]],
) -> None:
    """It can only find more disease: the metastatic call stands (not provisional)."""
    data = next(c for c in demo_cases() if c.case_id == "DEMO-04").to_json_dict()
    data["workup"]["ct_chest"] = False
    a = assess(parse_case(data))
    assert "no_chest_ct" in a.gap_codes() and a.classification.subtype == "metastatic"
    r = readiness(a)
    assert r.state == "ready" and "no chest CT" in [i.words for i in r.to_chase]


def test_the_same_gap_defers_a_localized_case(case_dict: Callable[[], dict[str, Any]]) -> None:
    data = case_dict()
    data["workup"]["ct_chest"] = False
    r = readiness(assess(parse_case(data)))
    assert r.state == "defer" and r.missing_words() == ["no chest CT"]


def test_unrecorded_distant_staging_and_identifiers_defer(
    case_dict: Callable[[], dict[str, Any]],
) -> None:
    data = case_dict()
    data["extent"].pop("metastases", None)
    data["notes"] = "Seen by Dr X; MRN 12345678 at the referring hospital."
    a = assess(parse_case(data))
    assert "identifier_in_free_text" in a.flag_codes()
    assert readiness(a).missing_words() == [
        "distant staging not recorded",
        "possible patient identifier in the free text",
    ]


@pytest.mark.parametrize("path", shared_case_files(), ids=lambda p: p.stem)
def test_readiness_follows_the_provisional_call(path: Any) -> None:
    """Over the shared cases: a case defers only when its call is provisional or unsafe to
    show, and every missing item is one of its own gaps or one of the two named conditions."""
    a = assess(load_case(path))
    r = readiness(a)
    own = set(a.gap_codes()) | {"distant_staging", "identifier_in_free_text"}
    assert {i.code for i in r.missing} <= own
    if r.state == "defer":
        assert a.classification.provisional or "identifier_in_free_text" in a.flag_codes()
