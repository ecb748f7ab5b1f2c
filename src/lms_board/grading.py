"""FNCLCC grade of an LMS from its three components (differentiation, mitoses, necrosis).

Example: differentiation 2, 22 mitoses/10 HPF (score 3), 30 % necrosis (score 1)
gives a score of 6, grade 3.
"""

from __future__ import annotations

from lms_board.assessment import Grade
from lms_board.case import Pathology


def mitotic_score(mitoses_per_10hpf: int) -> int:
    """0–9 mitoses per 10 HPF → 1, 10–19 → 2, ≥ 20 → 3."""
    if mitoses_per_10hpf < 10:
        return 1
    if mitoses_per_10hpf < 20:
        return 2
    return 3


def necrosis_score(necrosis_percent: float) -> int:
    """No necrosis → 0, < 50 % → 1, ≥ 50 % → 2."""
    if necrosis_percent <= 0:
        return 0
    if necrosis_percent < 50:
        return 1
    return 2


def grade_from_score(score: int) -> int:
    """Total score 2–3 → G1, 4–5 → G2, 6–8 → G3."""
    if score <= 3:
        return 1
    if score <= 5:
        return 2
    return 3


def fnclcc_grade(pathology: Pathology) -> Grade | None:
    """The FNCLCC grade, computed when all three components are known.

    With a component missing, the reported grade stands (``source="reported"``);
    with neither, the grade is unknown. ``None`` when nothing at all is recorded.
    A reported grade that disagrees with the computed one is kept and flagged.
    """
    diff = pathology.differentiation_score
    mit = (
        None if pathology.mitoses_per_10hpf is None else mitotic_score(pathology.mitoses_per_10hpf)
    )
    nec = None if pathology.necrosis_percent is None else necrosis_score(pathology.necrosis_percent)
    reported = pathology.reported_grade
    if diff is None and mit is None and nec is None and reported is None:
        return None
    score = diff + mit + nec if diff is not None and mit is not None and nec is not None else None
    grade = grade_from_score(score) if score is not None else reported
    return Grade(
        differentiation=diff,
        mitoses=mit,
        necrosis=nec,
        score=score,
        grade=grade,
        reported_grade=reported,
        discrepancy=score is not None and reported is not None and reported != grade,
        source="computed"
        if score is not None
        else "reported"
        if reported is not None
        else "unknown",
    )
