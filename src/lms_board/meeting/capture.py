"""Building a decision from what the board chose: the plan from the assessment's options (by
id) and free text, with the quorum and what the tool proposed snapshotted at that moment.

Example: for an oligometastatic case, ``plan_steps(a, [["systemic-first-oligometastatic"],
["metastasectomy", "text:resection of the primary"]])`` reads "Systemic therapy first, …,
then Metastasectomy (…) + resection of the primary".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from lms_board.assessment import Assessment, Intent
from lms_board.meeting.model import (
    Attendee,
    MeetingDecision,
    Outcome,
    PlanItem,
    PlanStep,
    ToolSnapshot,
)
from lms_board.meeting.quorum import QuorumRule, check_quorum
from lms_board.tables import classification_text

#: A plan item given as text starts with this; anything else is an option id.
FREE_TEXT = "text:"


def tool_snapshot(assessment: Assessment, case_version: int) -> ToolSnapshot:
    """The options the tool proposed (in its order) for the case version the board saw."""
    from lms_board.knowledge import knowledge_reviewed_date

    return ToolSnapshot(
        option_ids=[o.id for o in assessment.options],
        option_names=[o.name for o in assessment.options],
        classification=classification_text(assessment),
        case_version=case_version,
        knowledge_reviewed=knowledge_reviewed_date(),
    )


def option_item(assessment: Assessment, option_id: str) -> PlanItem:
    """The assessment's option ``option_id`` as a plan item; ``ValueError`` naming the options
    when the case has no such option."""
    for option in assessment.options:
        if option.id == option_id:
            return PlanItem(option_id=option.id, text=option.name)
    known = ", ".join(o.id for o in assessment.options) or "none"
    raise ValueError(
        f"option {option_id!r} is not an option of case {assessment.case_id} ({known})"
    )


def plan_item(assessment: Assessment, entry: str) -> PlanItem:
    """``"text:resection of the primary"`` → free text; anything else → an option by id."""
    if entry.startswith(FREE_TEXT):
        return PlanItem(text=entry.removeprefix(FREE_TEXT))
    return option_item(assessment, entry)


def plan_steps(assessment: Assessment, steps: Iterable[Iterable[str]]) -> list[PlanStep]:
    """Plan steps from entries (option ids or ``text:…``), steps in order."""
    return [PlanStep(items=[plan_item(assessment, e) for e in step]) for step in steps]


def capture_decision(
    assessment: Assessment,
    case_version: int,
    attendees_present: Sequence[Attendee],
    *,
    outcome: Outcome = "decided",
    plan: Sequence[PlanStep] = (),
    intent: Intent | None = None,
    rationale: str | None = None,
    departure_reason: str | None = None,
    options_discussed: Sequence[PlanItem] = (),
    trial_nct: str | None = None,
    trial_note: str | None = None,
    deferral_reasons: Sequence[str] = (),
    discussion_minutes: float | None = None,
    decided_at: datetime | None = None,
    rule: QuorumRule | None = None,
) -> MeetingDecision:
    """A validated decision with the quorum of ``attendees_present`` and the tool's options
    snapshotted (``ValidationError`` naming the field when something is missing)."""
    extra = {"decided_at": decided_at} if decided_at is not None else {}
    return MeetingDecision(
        outcome=outcome,
        plan=list(plan),
        intent=intent,
        rationale=rationale,
        departure_reason=departure_reason,
        options_discussed=list(options_discussed),
        trial_nct=trial_nct,
        trial_note=trial_note,
        deferral_reasons=list(deferral_reasons),
        attendees_present=list(attendees_present),
        quorum=check_quorum(attendees_present, rule).snapshot(),
        tool=tool_snapshot(assessment, case_version),
        discussion_minutes=discussion_minutes,
        **extra,
    )
