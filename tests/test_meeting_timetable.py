"""The running timetable of a meeting."""

from __future__ import annotations

from datetime import time

from meeting_fixtures import a_meeting

from lms_board.meeting.model import AgendaItem
from lms_board.meeting.timetable import meeting_end, timetable


def test_slots_run_from_the_start_time() -> None:
    m = a_meeting(["A", "B", "C"])  # slots 10, 15, 10
    slots = timetable(m)
    assert [(s.position, s.case_id, s.start, s.end) for s in slots] == [
        (1, "A", time(14, 0), time(14, 10)),
        (2, "B", time(14, 10), time(14, 25)),
        (3, "C", time(14, 25), time(14, 35)),
    ]
    assert slots[1].label == "14:10–14:25"
    assert meeting_end(m) == time(14, 35)


def test_a_moved_case_takes_no_time() -> None:
    m = a_meeting(
        [],
        agenda=[
            AgendaItem(case_id="A", minutes=20, state="moved", moved_to="MTG-2026-12-17"),
            AgendaItem(case_id="B", minutes=5),
        ],
    )
    assert [(s.case_id, s.start) for s in timetable(m)] == [("B", time(14, 0))]
    assert meeting_end(m) == time(14, 5)
    assert meeting_end(a_meeting([])) == time(14, 0)
