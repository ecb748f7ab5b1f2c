"""The imaging plan of a case: staging, biopsy, response, pitfalls and a dated surveillance
schedule.

Surveillance follows curative treatment (resectable: localized or oligometastatic). High
grade (G2-G3, and an unknown grade, treated as high) is seen every 3 months to year 3, every
6 months to year 5, then yearly to year 10; low grade (G1) every 6 months to year 5 with
chest imaging yearly, then yearly to year 10. Dates count from ``history.surgery_date``
(else the board date, else month offsets only). Advanced disease gets response assessment
instead (CT every 2-3 cycles, RECIST 1.1) and an empty surveillance list. The plan asks only
for what is still to do: an item whose ``done_when`` the case records as done is left out
(MRI of the primary recorded → no staging-MRI request), or replaced by its ``text_when_done``
(biopsy done → the tract to be excised with the specimen, the route to be confirmed).
Example: thigh LMS, G3, resected 2024-01-15 → MRI of the thigh and chest CT on 2024-04-15.
"""

from __future__ import annotations

import calendar
from datetime import date

from lms_board.assessment import Classification, ImagingItem, ImagingPlan, SurveillanceVisit
from lms_board.case import Case, Resectability
from lms_board.case_facts import diagnosis_status
from lms_board.classify import primary_resectability
from lms_board.knowledge import knowledge
from lms_board.knowledge.applies import in_scope
from lms_board.knowledge.loader import Knowledge, ordered_unique
from lms_board.knowledge.schema import DoneFact, GradeClass, ImagingRecord, SurveillanceSchedule

ADVANCED_BASIS = (
    "Advanced disease: no surveillance schedule. Response assessment replaces it (CT of the "
    "chest, abdomen and pelvis every 2–3 cycles, RECIST 1.1; see Response). Start a "
    "surveillance schedule once all disease has been treated with curative intent."
)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months; the day is clamped to the end of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def grade_class(grade: int | None) -> GradeClass:
    """G1 is low grade; G2, G3 and an unknown grade are high grade."""
    return "low" if grade == 1 else "high"


def surveillance_applies(classification: Classification) -> bool:
    """Surveillance follows curative treatment: resectable (localized or oligometastatic)."""
    return classification.category == "resectable"


def visit_months(schedule: SurveillanceSchedule) -> list[int]:
    """Months after the start date at which a visit falls (3, 6, … 36, 42, … 120)."""
    months: list[int] = []
    start = 0
    for period in schedule.periods:
        m = start + period.every_months
        while m <= period.until_month:
            months.append(m)
            m += period.every_months
        start = period.until_month
    return months


def surveillance_start(case: Case, classification: Classification) -> tuple[date | None, str]:
    """The date surveillance counts from, and a sentence saying why."""
    surgery = case.history.surgery_date
    primary_done = primary_resectability(case) in (Resectability.resected, Resectability.unknown)
    if surgery is not None and classification.subtype == "localized" and primary_done:
        return surgery, f"Dates count from the surgery date {surgery.isoformat()}."
    why = (
        "restart it from the date the metastases are treated"
        if classification.subtype == "oligometastatic"
        else "re-date it from the date of surgery"
    )
    if case.board_date is not None:
        return (
            case.board_date,
            f"Dates count from the board date {case.board_date.isoformat()} as a placeholder: "
            f"{why}.",
        )
    return None, f"No surgery or board date recorded: months only; {why}."


def _grade_sentence(grade: int | None) -> str:
    if grade is None:
        return "Grade unknown: treated as high grade until the FNCLCC grade is known."
    return f"FNCLCC grade G{grade}."


def surveillance_visits(
    case: Case, grade: int | None, classification: Classification, kb: Knowledge
) -> tuple[list[SurveillanceVisit], str]:
    """The dated surveillance visits and the sentence that explains their basis."""
    if not surveillance_applies(classification):
        return [], ADVANCED_BASIS
    schedule = kb.schedules[grade_class(grade)]
    start, start_sentence = surveillance_start(case, classification)
    has_mets = bool(case.extent.metastases)
    imaging = [
        s
        for s in kb.surveillance_imaging
        if (not s.sites or case.tumor.site in s.sites)
        and (s.with_metastases is None or s.with_metastases == has_mets)
    ]
    visits: list[SurveillanceVisit] = []
    for month in visit_months(schedule):
        when = add_months(start, month) if start is not None else None
        for s in imaging:
            every = schedule.distant_every_months
            if s.role == "distant" and every is not None and month % every:
                continue
            visits.append(
                SurveillanceVisit(
                    month=month,
                    date=when,
                    modality=s.modality,
                    region=s.region,
                    evidence=ordered_unique([*schedule.evidence, *s.evidence]),
                )
            )
    basis = " ".join(
        [
            "Surveillance after curative treatment.",
            schedule.description,
            _grade_sentence(grade),
            start_sentence,
        ]
    )
    return visits, basis


def done_facts(case: Case, grade: int | None) -> set[DoneFact]:
    """What the case records as done: the examinations marked yes, and a confirmed tissue
    diagnosis."""
    w = case.workup
    recorded: tuple[tuple[DoneFact, bool | None], ...] = (
        ("mri_primary", w.mri_primary),
        ("ct_chest", w.ct_chest),
        ("ct_abdomen_pelvis", w.ct_abdomen_pelvis),
        ("pet_ct", w.pet_ct),
        ("radiograph_primary", w.radiograph_primary),
    )
    done: set[DoneFact] = {name for name, value in recorded if value is True}
    if diagnosis_status(case, grade) == "confirmed":
        done.add("tissue_diagnosis")
    return done


def already_done(item: ImagingRecord, case: Case, grade: int | None) -> bool:
    """The item asks for something the case records as done (every one of its
    ``done_when``): the plan leaves it out. Example: MRI of the primary recorded → the staging
    MRI item is not asked for again."""
    return bool(item.done_when) and set(item.done_when) <= done_facts(case, grade)


def plan_imaging(
    case: Case,
    grade: int | None,
    classification: Classification,
    *,
    kb: Knowledge | None = None,
) -> ImagingPlan:
    """Staging, biopsy, response and pitfall advice for the case, and its surveillance."""
    kb = kb or knowledge()
    sections: dict[str, list[ImagingItem]] = {
        "staging": [],
        "biopsy": [],
        "response": [],
        "pitfall": [],
    }
    for item in kb.imaging:
        if not in_scope(item.applies, case, classification):
            continue
        text = item.text_when_done if already_done(item, case, grade) else item.text
        if text:
            sections[item.section].append(ImagingItem(text=text, evidence=list(item.evidence)))
    visits, basis = surveillance_visits(case, grade, classification, kb)
    return ImagingPlan(
        staging=sections["staging"],
        biopsy=sections["biopsy"],
        response=sections["response"],
        surveillance=visits,
        surveillance_basis=basis,
        pitfalls=sections["pitfall"],
    )
