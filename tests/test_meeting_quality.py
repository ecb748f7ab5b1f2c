"""Concordance and quality figures per meeting and overall, and their CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from meeting_fixtures import CORE_TEAM, MEETING_DAY, a_meeting, oligo_case

from lms_board.assess import assess
from lms_board.demo import demo_cases
from lms_board.meeting.capture import capture_decision, plan_steps
from lms_board.meeting.follow_through import action_state, grouped, ordered
from lms_board.meeting.model import ActionInput, Implementation
from lms_board.meeting.quality import concordance, quality_csv, quality_rows, quality_table
from lms_board.store import open_store
from lms_board.store.engine import dispose_engine
from lms_board.store.meeting_store import MeetingStore

U = "local:coordinator"
TODAY = date(2027, 1, 15)


@pytest.fixture
def board(tmp_path: Path) -> MeetingStore:
    """Two meetings: the first decides three cases (first option; another option; none) and
    defers one; the second decides the deferred case with the first option."""
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    store = open_store(url)
    cases = {c.case_id: c for c in [*demo_cases()[:4], oligo_case()]}
    for c in cases.values():
        store.create(c, "setup")
    meetings = MeetingStore(store)
    one = meetings.create_meeting(
        a_meeting(["DEMO-01", "DEMO-02", "DEMO-03", "SYN-OLIGO"]), U
    ).meeting_id
    two = meetings.create_meeting(a_meeting([], day=MEETING_DAY + timedelta(days=7)), U)
    a = {k: assess(c) for k, c in cases.items()}

    def decide(mid: str, cid: str, steps: list[list[str]], minutes: float, **kw: object) -> None:
        stored = store.get(cid)
        assert stored is not None
        d = capture_decision(
            a[cid],
            stored.version,
            CORE_TEAM,
            plan=plan_steps(a[cid], steps),
            intent="curative",
            discussion_minutes=minutes,
            **kw,  # type: ignore[arg-type]
        )
        meetings.record_decision(mid, cid, d, U)

    decide(one, "DEMO-01", [["wide-resection"], ["radiotherapy-pre-or-postoperative"]], 12.0)
    decide(one, "DEMO-02", [["sbrt-or-ablation"]], 8.5)
    decide(
        one,
        "DEMO-03",
        [["text:isolated limb perfusion"]],
        20.0,
        departure_reason='=HYPERLINK("x") patient wish',
    )
    stored = store.get("SYN-OLIGO")
    assert stored is not None
    meetings.record_decision(
        one,
        "SYN-OLIGO",
        capture_decision(
            a["SYN-OLIGO"], stored.version, CORE_TEAM[:4], outcome="deferred",
            deferral_reasons=["no chest CT", "no expert pathology review"],
        ),
        U,
    )  # fmt: skip
    meetings.move_case(one, "SYN-OLIGO", two.meeting_id, 1, U)
    decide(two.meeting_id, "SYN-OLIGO", [["wide-resection", "metastasectomy"]], 9.0)
    meetings.add_actions(
        one,
        "DEMO-01",
        [
            ActionInput(text="Book RT planning", owner="Dr RadOnc", due=date(2026, 12, 20)),
            ActionInput(text="Send letter", owner="Coordinator C", due=date(2027, 2, 1)),
            ActionInput(text="Discuss at clinic", owner="Dr Surgeon"),
        ],
        U,
    )
    meetings.record_implementation(
        one, "DEMO-01", Implementation(what_done="RT then resection", as_decided=True), U
    )
    meetings.record_implementation(
        one,
        "DEMO-02",
        Implementation(what_done="Metastasectomy", as_decided=False, reason="patient preference"),
        U,
    )
    yield meetings
    dispose_engine(url)


def _table(meetings: MeetingStore) -> list:  # type: ignore[type-arg]
    return quality_table(
        meetings.list_meetings(),
        meetings.decisions(),
        meetings.actions(),
        meetings.implementations(),
        TODAY,
    )


def test_concordance_reads_the_plan_against_the_tool_snapshot(board: MeetingStore) -> None:
    kinds = {d.case_id: concordance(d.decision) for d in board.decisions()}
    assert kinds == {
        "DEMO-01": "first",
        "DEMO-02": "any",
        "DEMO-03": "none",
        "SYN-OLIGO": "first",
    }
    deferred = board.decisions("MTG-2026-12-10")[-1]
    assert deferred.decision.outcome == "deferred" and concordance(deferred.decision) is None


def test_the_table_per_meeting_and_overall(board: MeetingStore) -> None:
    first, second, total = _table(board)
    assert (first.meeting, second.meeting, total.meeting) == (
        "MTG-2026-12-10",
        "MTG-2026-12-17",
        "All meetings",
    )
    assert (first.decided, first.deferred, first.deferral_rate) == (3, 1, 25.0)
    assert (first.first_option, first.any_option, first.no_option) == (1, 2, 1)
    assert first.first_option_rate == 33.3 and first.no_option_rate == 33.3
    assert first.no_option_reasons == ('=HYPERLINK("x") patient wish',)
    assert first.deferral_reasons == ("no chest CT", "no expert pathology review")
    assert first.quorum_not_met == 1  # the deferral was recorded with four core members
    # Slots: DEMO-01 10, DEMO-02 15, DEMO-03 10 (the deferral was not timed).
    assert first.cases == 4
    assert (first.timed_cases, first.minutes_used, first.minutes_slotted) == (3, 40.5, 35)
    assert first.minutes_over_slot == 5.5
    assert (first.implementation_recorded, first.implemented_as_decided) == (2, 1)
    assert first.implementation_rate == 50.0 and first.deviation_reasons == ("patient preference",)
    assert (first.actions_open, first.actions_overdue) == (3, 1)
    assert (second.decided, second.first_option, second.deferred) == (1, 1, 0)
    assert (total.decided, total.first_option, total.any_option, total.no_option) == (4, 2, 3, 1)
    assert total.cases == 5 and total.deferral_rate == 20.0


def test_the_csv_holds_the_same_table_with_formulas_neutralised(board: MeetingStore) -> None:
    rows = _table(board)
    text = quality_csv(rows)
    read = list(csv.DictReader(io.StringIO(text)))
    assert len(read) == 3 and read[2]["meeting"] == "All meetings"
    assert read[0]["reasons for no tool option"] == '\'=HYPERLINK("x") patient wish'
    shown = quality_rows(rows)
    assert read[0]["tool's first option %"] == shown[0]["tool's first option %"] == "33.3"
    assert read[2]["date"] == ""


def test_follow_through_lists_overdue_first(board: MeetingStore) -> None:
    actions = board.actions()
    assert [a.text for a in ordered(actions, TODAY)] == [
        "Book RT planning",
        "Send letter",
        "Discuss at clinic",
    ]
    done = board.change_action(actions[1].id, 1, U, status="done")
    assert [a.text for a in ordered([*actions[:1], done, actions[2]], TODAY)][-1] == "Send letter"
    groups = grouped(board.actions(), TODAY, "owner")
    assert groups[0][0] == "Dr RadOnc"  # the owner with an overdue action comes first
    assert action_state(actions[0], TODAY) == "overdue (due 2026-12-20)"
    assert action_state(actions[2], TODAY) == "open (no due date)"
    assert [g for g, _ in grouped(board.actions(), TODAY, "meeting")] == ["MTG-2026-12-10"]
