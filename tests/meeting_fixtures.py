"""Shared makings of the meeting tests: a full core team, a meeting, and an oligometastatic
case with its primary in place (whose options allow "neoadjuvant chemotherapy, then
resection + metastasectomy" as a structured plan)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from lms_board.case import Case, parse_case
from lms_board.demo import demo_cases
from lms_board.meeting.model import AgendaItem, Attendee, Meeting

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
