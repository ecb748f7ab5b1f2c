"""The third held-out clinical set (``docs/clinical-review-heldout3.md``) is well formed: every
case loads as case format v2 and has a well-formed expectation. Its cases are NOT assessed here:
the set measures whether the rules generalise, so ``make test`` must not turn it into a target
(``make review-heldout3`` runs it)."""

from __future__ import annotations

import pytest

from lms_board.case import load_case

from .review import HELDOUT3, KEYS, REQUIRED, case_files, case_ids, expectations


def test_every_heldout3_case_has_an_expectation_and_every_expectation_a_case() -> None:
    assert set(case_files(HELDOUT3)) == set(expectations(HELDOUT3))
    assert len(case_ids(HELDOUT3)) >= 30


@pytest.mark.parametrize("case_id", case_ids(HELDOUT3))
def test_heldout3_case_loads_and_its_expectation_is_well_formed(case_id: str) -> None:
    case = load_case(case_files(HELDOUT3)[case_id])
    assert case.case_id == case_id
    exp = expectations(HELDOUT3)[case_id]
    assert REQUIRED <= set(exp), f"{case_id}: needs {sorted(REQUIRED - set(exp))}"
    assert set(exp) <= KEYS, f"{case_id}: unknown keys {sorted(set(exp) - KEYS)}"
    for item in exp.get("not_suitable_words", []):
        assert "name" in item, f"{case_id}: not_suitable_words entry without a name"
        assert set(item) <= {"name", "reason"}, f"{case_id}: unknown not_suitable_words keys"
    for key in ("must_include", "prompt_words", "trial_words"):
        for group in exp.get(key, []):
            assert group, f"{case_id}: empty word group in {key}"
