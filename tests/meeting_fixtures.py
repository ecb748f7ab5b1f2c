"""Shared makings of the meeting tests: a full core team, a meeting, and an oligometastatic
case with its primary in place (whose options allow "neoadjuvant chemotherapy, then
resection + metastasectomy" as a structured plan)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from lms_board.assess import assess
from lms_board.case import Case, parse_case
from lms_board.demo import demo_cases
from lms_board.meeting.capture import capture_decision, option_item, plan_steps
from lms_board.meeting.model import ActionInput, AgendaItem, Attendee, Meeting
from lms_board.store import CaseStore
from lms_board.store.meeting_store import MeetingStore

CORE_TEAM = [
    Attendee(name="Dr Surgeon", specialty="sarcoma surgeon"),
    Attendee(name="Dr MedOnc", specialty="medical oncologist"),
    Attendee(name="Dr RadOnc", specialty="radiation oncologist"),
    Attendee(name="Dr Radiologist", specialty="radiologist"),
    Attendee(name="Dr Pathologist", specialty="pathologist"),
    Attendee(name="Nurse Key", specialty="specialist nurse"),
]
MEETING_DAY = date(2026, 12, 10)


def oligo_case(case_id: str = "SYN-OLIGO") -> Case:
    """Synchronous lung metastases (two, resectable) with the thigh primary still in place."""
    data: dict[str, Any] = demo_cases()[1].to_json_dict()
    data["case_id"] = case_id
    data["question"] = "Synchronous lung nodules: chemotherapy first, then surgery of both?"
    data["pathology"]["biopsy"] = "core_needle"
    data["pathology"]["image_guided"] = True
    data["pathology"].pop("margin")
    data["extent"]["primary_resectability"] = "resectable"
    data["extent"].pop("disease_free_interval_months")
    data["history"] = {"treatment_lines": [], "radiotherapy_courses": []}
    return parse_case(data)


def a_meeting(case_ids: list[str], day: date = MEETING_DAY, **extra: Any) -> Meeting:
    fields: dict[str, Any] = {
        "date": day,
        "start_time": time(14, 0),
        "place": "Sarcoma unit, room 4",
        "video_link": "https://video.example.org/sarcoma-board",
        "chair": "Dr Chair",
        "coordinator": "Coordinator C",
        "agenda": [
            AgendaItem(case_id=c, minutes=10 + 5 * (i % 2), referred_by=f"Dr Referrer {i}")
            for i, c in enumerate(case_ids)
        ],
        "attendees": list(CORE_TEAM),
    }
    fields.update(extra)
    return Meeting(**fields)


def seed_board(store: CaseStore) -> str:
    """A meeting of four cases in ``store`` (which gets the demo cases and ``SYN-OLIGO``):
    SYN-OLIGO decided as "systemic therapy first, then wide resection + metastasectomy" and
    signed off, with two actions; DEMO-01 decided without a specialist nurse, not signed off;
    DEMO-06 deferred (no tissue diagnosis, no chest CT) with an overdue action; DEMO-03 with
    no decision yet. Returns the meeting id."""
    cases = [*demo_cases(), oligo_case()]
    for case in cases:
        store.create(case, "setup")
    meetings = MeetingStore(store)
    mid = meetings.create_meeting(
        a_meeting(["SYN-OLIGO", "DEMO-01", "DEMO-06", "DEMO-03"]), "local:coordinator"
    ).meeting_id
    by_id = {c.case_id: assess(c) for c in cases}
    a = by_id["SYN-OLIGO"]
    decision = capture_decision(
        a,
        1,
        CORE_TEAM,
        plan=plan_steps(
            a, [["systemic-first-oligometastatic"], ["wide-resection", "metastasectomy"]]
        ),
        intent="curative",
        rationale="Synchronous limited lung disease: chemotherapy first to test the biology.",
        options_discussed=[option_item(a, o.id) for o in a.options],
        discussion_minutes=14.5,
    )
    meetings.record_decision(
        mid,
        "SYN-OLIGO",
        decision,
        "local:chair",
        actions=[
            ActionInput(text="Book chemotherapy start", owner="Dr MedOnc", due=date(2026, 12, 17)),
            ActionInput(
                text="Restaging CT after 3 cycles", owner="Nurse Key", due=date(2027, 2, 20)
            ),
        ],
    )
    meetings.sign_off(mid, "SYN-OLIGO", 1, "local:chair", "Dr Chair")
    a1 = by_id["DEMO-01"]
    meetings.record_decision(
        mid,
        "DEMO-01",
        capture_decision(
            a1,
            1,
            CORE_TEAM[:5],
            plan=plan_steps(a1, [["radiotherapy-pre-or-postoperative"], ["wide-resection"]]),
            intent="curative",
        ),
        "local:chair",
    )
    meetings.record_decision(
        mid,
        "DEMO-06",
        capture_decision(
            by_id["DEMO-06"],
            1,
            CORE_TEAM,
            outcome="deferred",
            deferral_reasons=["no tissue diagnosis", "no chest CT"],
        ),
        "local:chair",
        actions=[ActionInput(text="Core biopsy", owner="Dr Radiologist", due=date(2026, 12, 3))],
    )
    return mid
