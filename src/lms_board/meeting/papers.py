"""Everything a meeting's documents and pages need, gathered once from the store: each agenda
case with its slot, stored case, assessment, readiness, latest decision and actions.

``gather(meetings, "MTG-2026-12-10")`` assesses each case once (``assess()``, the one path of
clinical logic); the letter, the minutes, the packet and the deck are all drawn from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.meeting.model import AgendaItem
from lms_board.meeting.quorum import QuorumResult, check_quorum
from lms_board.meeting.readiness import Readiness, readiness
from lms_board.meeting.timetable import Slot, timetable
from lms_board.store.errors import StoreError
from lms_board.store.meeting_records import StoredAction, StoredDecision, StoredMeeting
from lms_board.store.meeting_store import MeetingStore
from lms_board.store.records import StoredCase


@dataclass(frozen=True)
class AgendaEntry:
    """One case of the agenda with all that is known of it at this meeting."""

    item: AgendaItem
    slot: Slot | None  # None: moved on to another meeting
    stored: StoredCase | None  # None: the case was deleted since
    assessment: Assessment | None
    readiness: Readiness | None
    decision: StoredDecision | None
    actions: tuple[StoredAction, ...]

    @property
    def case_id(self) -> str:
        return self.item.case_id


@dataclass(frozen=True)
class MeetingPapers:
    stored: StoredMeeting
    #: Scheduled cases in agenda order, then the cases moved on to another meeting.
    entries: tuple[AgendaEntry, ...]
    quorum: QuorumResult
    audit_head: str | None = None

    @property
    def meeting_id(self) -> str:
        return self.stored.meeting_id

    def scheduled(self) -> list[AgendaEntry]:
        return [e for e in self.entries if e.slot is not None]

    def entry(self, case_id: str) -> AgendaEntry:
        """The scheduled case ``case_id``; :class:`StoreError` naming the agenda otherwise."""
        for e in self.scheduled():
            if e.case_id == case_id:
                return e
        on = ", ".join(e.case_id for e in self.scheduled()) or "none"
        raise StoreError(
            f"Case {case_id} is not on the agenda of meeting {self.meeting_id} (cases: {on})."
        )


def gather(
    meetings: MeetingStore,
    meeting_id: str,
    *,
    audit_head: bool = False,
    only: str | None = None,
) -> MeetingPapers:
    """The meeting's papers (``MeetingNotFoundError`` for an unknown id). ``audit_head``:
    also read the audit log's chain head (the minutes print it, to pin the log's end).
    ``only``: just that case's entry (a letter needs no other case assessed)."""
    stored = meetings.meeting(meeting_id)
    slots = {s.case_id: s for s in timetable(stored.meeting)}
    decisions = {d.case_id: d for d in meetings.decisions(meeting_id)}
    actions: dict[str, list[StoredAction]] = {}
    for action in meetings.actions(meeting_id=meeting_id):
        actions.setdefault(action.case_id, []).append(action)
    items = [*stored.meeting.scheduled()]
    items += [i for i in stored.meeting.agenda if i.state != "scheduled"]
    if only is not None:
        items = [i for i in items if i.case_id == only]
    entries = []
    for item in items:
        case = meetings.cases.get(item.case_id)
        assessment = assess(case.case) if case is not None else None
        entries.append(
            AgendaEntry(
                item=item,
                slot=slots.get(item.case_id) if item.state == "scheduled" else None,
                stored=case,
                assessment=assessment,
                readiness=readiness(assessment) if assessment is not None else None,
                decision=decisions.get(item.case_id),
                actions=tuple(actions.get(item.case_id, ())),
            )
        )
    head = meetings.cases.audit_head() if audit_head else None
    return MeetingPapers(stored, tuple(entries), check_quorum(stored.meeting.attendees), head)
