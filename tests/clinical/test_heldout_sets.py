"""The held-out clinical sets (``docs/clinical-review-heldout*.md``: HO, HX and HY) are well
formed: every case loads as case format v2 and has a well-formed expectation. Their cases are
NOT assessed here: the sets measure whether the rules generalise, so ``make test`` must not
turn them into a target (``make review-heldout``, ``review-heldout3`` and ``review-heldout4``
run them)."""

from __future__ import annotations

import pytest

from lms_board.case import load_case

from .review import (
    HELDOUT,
    HELDOUT3,
    HELDOUT4,
    KEYS,
    REQUIRED,
    ReviewSet,
    case_files,
    case_ids,
    expectations,
)

#: Each held-out set and the fewest cases it was written with.
SETS: dict[str, tuple[ReviewSet, int]] = {
    "HO": (HELDOUT, 30),
    "HX": (HELDOUT3, 30),
    "HY": (HELDOUT4, 32),
}


@pytest.mark.parametrize("name", SETS)
def test_every_case_has_an_expectation_and_every_expectation_a_case(name: str) -> None:
    rset, fewest = SETS[name]
    assert set(case_files(rset)) == set(expectations(rset))
    assert len(case_ids(rset)) >= fewest


@pytest.mark.parametrize(
    ("name", "case_id"), [(name, c) for name, (rset, _) in SETS.items() for c in case_ids(rset)]
)
def test_case_loads_and_its_expectation_is_well_formed(name: str, case_id: str) -> None:
    rset = SETS[name][0]
    case = load_case(case_files(rset)[case_id])
    assert case.case_id == case_id
    exp = expectations(rset)[case_id]
    assert REQUIRED <= set(exp), f"{case_id}: needs {sorted(REQUIRED - set(exp))}"
    assert set(exp) <= KEYS, f"{case_id}: unknown keys {sorted(set(exp) - KEYS)}"
    for item in exp.get("not_suitable_words", []):
        assert "name" in item, f"{case_id}: not_suitable_words entry without a name"
        assert set(item) <= {"name", "reason"}, f"{case_id}: unknown not_suitable_words keys"
    for key in ("must_include", "prompt_words", "trial_words"):
        for group in exp.get(key, []):
            assert group, f"{case_id}: empty word group in {key}"
