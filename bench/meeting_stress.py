"""The concurrent-edit drill for meetings: N processes edit the same meeting at once.

Each worker makes ``edits`` edits; an edit reads the meeting, appends its own token to the
notes and saves on the version it read. A save refused as stale (somebody saved in between)
is retried on a fresh read, as a user re-applies an edit. At the end every committed edit's
token must be in the meeting (a missing one is a **lost update**), the version must be
1 + the number of commits and every version must be stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock

from bench.store_stress import DRILL_USER, _context, _open, integrity_check
from lms_board.meeting.model import Meeting
from lms_board.store.errors import StaleMeetingError
from lms_board.store.meeting_store import MeetingStore

#: How often one edit is retried after a stale refusal before the worker gives it up.
MAX_RETRIES = 1000


def drill_meeting() -> Meeting:
    return Meeting(
        date=date(2026, 12, 10),
        start_time=clock(14, 0),
        place="Drill room",
        chair="Drill chair",
        coordinator="Drill coordinator",
    )


def _edit(args: tuple[str, str, int, int]) -> tuple[list[str], int, int]:
    """One worker: ``edits`` read-append-save edits with retry; (committed tokens, stale
    refusals, edits given up)."""
    url, meeting_id, edits, worker = args
    meetings = MeetingStore(_open(url))
    committed: list[str] = []
    refused = given_up = 0
    for i in range(edits):
        token = f"w{worker}e{i}"
        for _attempt in range(MAX_RETRIES):
            current = meetings.meeting(meeting_id)
            notes = "\n".join(x for x in ((current.meeting.notes or ""), token) if x)
            edited = Meeting.model_validate({**current.meeting.model_dump(), "notes": notes})
            try:
                meetings.save_meeting(meeting_id, edited, current.version, f"worker-{worker}")
            except StaleMeetingError:
                refused += 1
                continue
            committed.append(token)
            break
        else:
            given_up += 1
    meetings.cases.close()
    return committed, refused, given_up


@dataclass
class MeetingDrillReport:
    processes: int
    edits_per_process: int
    committed: int
    stale_refusals: int
    given_up: int
    final_version: int
    stored_versions: int
    lost_updates: int
    integrity: str
    seconds: float
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.processes} processes x {self.edits_per_process} edits of one meeting: "
            f"{self.committed} committed ({self.stale_refusals} stale refusals retried, "
            f"{self.given_up} given up), final version {self.final_version}, "
            f"{self.stored_versions} versions stored, {self.lost_updates} lost updates, "
            f"integrity {self.integrity}, {self.seconds:.1f} s"
        )


def run_meeting_drill(url: str, processes: int = 6, edits: int = 25) -> MeetingDrillReport:
    """Create a meeting in the (empty) store at ``url`` and edit it from ``processes``
    processes at once; count the lost updates."""
    meetings = MeetingStore(_open(url))
    meeting_id = meetings.create_meeting(drill_meeting(), DRILL_USER).meeting_id
    start = time.perf_counter()
    jobs = [(url, meeting_id, edits, w) for w in range(processes)]
    with _context().Pool(processes) as pool:
        results = pool.map(_edit, jobs)
    seconds = time.perf_counter() - start
    tokens = [token for r in results for token in r[0]]
    final = meetings.meeting(meeting_id)
    present = set((final.meeting.notes or "").split("\n"))
    lost = sum(1 for token in tokens if token not in present)
    versions = meetings.meeting_versions(meeting_id)
    report = MeetingDrillReport(
        processes=processes,
        edits_per_process=edits,
        committed=len(tokens),
        stale_refusals=sum(r[1] for r in results),
        given_up=sum(r[2] for r in results),
        final_version=final.version,
        stored_versions=len(versions),
        lost_updates=lost,
        integrity=integrity_check(meetings.cases),
        seconds=seconds,
    )
    p = report.problems
    if lost:
        p.append(f"{lost} committed edits are missing from the meeting")
    if final.version != 1 + report.committed:
        p.append(f"final version {final.version} != 1 + committed ({1 + report.committed})")
    if [v.version for v in versions] != list(range(1, final.version + 1)):
        p.append("stored versions are not exactly 1..final")
    if len(present - {""}) != report.committed:
        p.append(f"{len(present - {''})} tokens in the notes, {report.committed} committed")
    if report.integrity != "ok":
        p.append(f"integrity check: {report.integrity}")
    return report
