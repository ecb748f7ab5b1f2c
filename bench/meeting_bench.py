"""Figures for a board meeting's papers: the outcome letter (PDF and Word) and the minutes of
a 12-case meeting, each timed end to end as a user waits for it: read the meeting, its cases,
decisions and actions from a real SQLite store, assess the cases, render, log the export.

    .venv/bin/python -m bench.meeting_bench      # these figures alone
    make bench                                   # with every other figure
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, time
from functools import cache
from pathlib import Path

from bench.figure import Figure, median_s, spread, verdict
from lms_board.assess import assess
from lms_board.case import parse_case
from lms_board.demo import demo_cases
from lms_board.export.meeting_docs import meeting_paper
from lms_board.meeting.capture import capture_decision, option_item, plan_steps
from lms_board.meeting.model import ActionInput, AgendaItem, Attendee, Meeting
from lms_board.store import open_store
from lms_board.store.meeting_store import MeetingStore

LETTER_TARGET_MS = 300.0
MINUTES_TARGET_S = 2.0
MINUTES_CASES = 12
USER = "local:bench"
TEAM = [
    Attendee(name=f"Dr {s.title()}", specialty=s)  # type: ignore[arg-type]
    for s in (
        "sarcoma surgeon",
        "medical oncologist",
        "radiation oncologist",
        "radiologist",
        "pathologist",
        "specialist nurse",
    )
]


@cache
def _board() -> tuple[MeetingStore, str]:
    """A store with a 12-case meeting, every case decided (the first options in two steps),
    each with two follow-up actions and, for one case in three, a sign-off."""
    folder = Path(tempfile.mkdtemp(prefix="lms-board-meeting-bench-"))
    store = open_store(f"sqlite:///{folder / 'bench.sqlite3'}")
    base = demo_cases()
    ids = []
    for i in range(MINUTES_CASES):
        data = base[i % len(base)].to_json_dict()
        data["case_id"] = f"MEET-{i:02d}"
        store.create(parse_case(data), USER)
        ids.append(data["case_id"])
    meetings = MeetingStore(store)
    meeting = Meeting(
        date=date(2026, 12, 10),
        start_time=time(14, 0),
        place="Sarcoma unit, room 4",
        chair="Dr Chair",
        coordinator="Coordinator",
        agenda=[AgendaItem(case_id=c, minutes=10, referred_by="Dr Referrer") for c in ids],
        attendees=TEAM,
    )
    mid = meetings.create_meeting(meeting, USER).meeting_id
    for n, cid in enumerate(ids):
        stored = store.get(cid)
        assert stored is not None
        a = assess(stored.case)
        steps = [[o.id] for o in a.options[:2]]
        decision = capture_decision(
            a,
            stored.version,
            TEAM,
            plan=plan_steps(a, steps),
            intent=a.options[0].intent,
            rationale="As discussed: the board's reasons in two or three sentences. " * 2,
            options_discussed=[option_item(a, o.id) for o in a.options[:4]],
            discussion_minutes=9.5,
        )
        meetings.record_decision(
            mid,
            cid,
            decision,
            USER,
            actions=[
                ActionInput(text="Book the next step", owner="Dr Medical Oncologist"),
                ActionInput(text="Send the letter", owner="Coordinator", due=date(2026, 12, 17)),
            ],
        )
        if n % 3 == 0:
            meetings.sign_off(mid, cid, 1, USER, "Dr Chair")
    return meetings, mid


def letter_ms(fmt: str) -> Figure:
    """Median wall time of one outcome letter, end to end (store → assess → render → audit)."""
    meetings, mid = _board()

    def one() -> None:
        meeting_paper(meetings, USER, mid, "letter", case_id="MEET-01", fmt=fmt)  # type: ignore[arg-type]

    median, times = median_s(one)
    value = median * 1000
    return Figure(
        f"outcome letter ({fmt}), end to end",
        round(value, 1),
        "ms",
        verdict(value, LETTER_TARGET_MS),
        spread(times),
    )


def letter_pdf_ms() -> Figure:
    return letter_ms("pdf")


def letter_docx_ms() -> Figure:
    return letter_ms("docx")


def minutes_s() -> Figure:
    """Median wall time of the minutes of a 12-case meeting, end to end."""
    meetings, mid = _board()

    def one() -> None:
        meeting_paper(meetings, USER, mid, "minutes")

    median, times = median_s(one)
    return Figure(
        f"minutes, {MINUTES_CASES}-case meeting, end to end",
        round(median, 3),
        "s",
        verdict(median, MINUTES_TARGET_S),
        spread(times),
    )


FIGURES = [letter_pdf_ms, letter_docx_ms, minutes_s]


def main() -> int:
    from bench.run import table

    figures = [fn() for fn in FIGURES]
    print(table(figures))  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
