"""The meeting's running timetable: each scheduled case's start and end from the start time
and the slots before it. Example: start 14:00, slots 10, 15, 10 → 14:00, 14:10, 14:25; ends
14:35.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from lms_board.meeting.model import Meeting


@dataclass(frozen=True)
class Slot:
    """One case's place in the timetable (``position`` counts from 1)."""

    position: int
    case_id: str
    start: time
    end: time
    minutes: int

    @property
    def label(self) -> str:
        """``14:10–14:25``."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def timetable(meeting: Meeting) -> list[Slot]:
    """The scheduled cases in agenda order with their times (moved cases left out)."""
    at = datetime.combine(meeting.date, meeting.start_time)
    slots = []
    for position, item in enumerate(meeting.scheduled(), start=1):
        end = at + timedelta(minutes=item.minutes)
        slots.append(Slot(position, item.case_id, at.time(), end.time(), item.minutes))
        at = end
    return slots


def meeting_end(meeting: Meeting) -> time:
    """When the last slot ends (the start time for an empty agenda)."""
    total = sum(item.minutes for item in meeting.scheduled())
    return (datetime.combine(meeting.date, meeting.start_time) + timedelta(minutes=total)).time()
