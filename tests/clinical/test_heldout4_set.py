"""The fourth held-out clinical set (``docs/clinical-review-heldout4.md``) is well formed: every
case loads as case format v2 and has a well-formed expectation. Its cases are NOT assessed here:
the set measures whether the rules generalise, so ``make test`` must not turn it into a target
(``make review-heldout4`` runs it)."""

from __future__ import annotations

import pytest

from lms_board.case import load_case

from .review import HELDOUT4, KEYS, REQUIRED, case_files, case_ids, expectations


def test_every_heldout4_case_has_an_expectation_and_every_expectation_a_case() -> None:
    assert set(case_files(HELDOUT4)) == set(expectations(HELDOUT4))
    assert len(case_ids(HELDOUT4)) >= 32


@pytest.mark.parametrize("case_id", case_ids(HELDOUT4))
def test_heldout4_case_loads_and_its_expectation_is_well_formed(case_id: str) -> None:
    case = load_case(case_files(HELDOUT4)[case_id])
    assert case.case_id == case_id
    exp = expectations(HELDOUT4)[case_id]
    assert REQUIRED <= set(exp), f"{case_id}: needs {sorted(REQUIRED - set(exp))}"
    assert set(exp) <= KEYS, f"{case_id}: unknown keys {sorted(set(exp) - KEYS)}"
    for item in exp.get("not_suitable_words", []):
        assert "name" in item, f"{case_id}: not_suitable_words entry without a name"
        assert set(item) <= {"name", "reason"}, f"{case_id}: unknown not_suitable_words keys"
    for key in ("must_include", "prompt_words", "trial_words"):
        for group in exp.get(key, []):
            assert group, f"{case_id}: empty word group in {key}"
