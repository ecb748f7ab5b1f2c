"""``assess(case) -> Assessment``: the one entry point of the clinical logic."""

from __future__ import annotations

from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.classify import classify, flags, workup_gaps
from lms_board.grading import fnclcc_grade
from lms_board.imaging import plan_imaging
from lms_board.knowledge import collect_evidence_ids, evidence_refs
from lms_board.recommend import recommend
from lms_board.staging import stage


def assess(case: Case) -> Assessment:
    """Grade, stage and classify one case; list its gaps, flags, options, trials and
    imaging plan, with every evidence id they cite resolved."""
    grade = fnclcc_grade(case.pathology)
    grade_value = grade.grade if grade else None
    gaps = workup_gaps(case, grade)
    found_flags = flags(case, grade)
    classification = classify(case, gaps)
    recs = recommend(case, classification, found_flags)
    plan = plan_imaging(case, grade_value, classification)
    ids = collect_evidence_ids(classification.rationale, gaps, recs, plan)
    return Assessment(
        case_id=case.case_id,
        classification=classification,
        grade=grade,
        stage=stage(case, grade_value),
        workup_gaps=gaps,
        flags=found_flags,
        options=recs.options,
        not_suitable=recs.not_suitable,
        trials=recs.trials,
        prompts=recs.prompts,
        imaging=plan,
        evidence=evidence_refs(ids),
    )
