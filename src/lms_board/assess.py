"""``assess(case) -> Assessment``: the one entry point of the clinical logic."""

from __future__ import annotations

from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.classify import classify, flags, workup_gaps
from lms_board.grading import fnclcc_grade
from lms_board.staging import stage


def assess(case: Case) -> Assessment:
    """Grade, stage, classify and list gaps and flags for one case."""
    grade = fnclcc_grade(case.pathology)
    gaps = workup_gaps(case, grade)
    found_flags = flags(case, grade)
    classification = classify(case, gaps)
    return Assessment(
        case_id=case.case_id,
        classification=classification,
        grade=grade,
        stage=stage(case, grade.grade if grade else None),
        workup_gaps=gaps,
        flags=found_flags,
    )
