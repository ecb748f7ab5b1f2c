"""Two users (and more) editing one meeting at once never lose an update: real processes on a
real SQLite file and on the real PostgreSQL server, connected as the app role."""

from __future__ import annotations

import threading

from meeting_fixtures import CORE_TEAM, a_meeting

from bench.meeting_stress import run_meeting_drill
from lms_board.assess import assess
from lms_board.demo import demo_cases
from lms_board.meeting.capture import capture_decision, plan_steps
from lms_board.store import open_store
from lms_board.store.errors import StaleDecisionError
from lms_board.store.meeting_store import MeetingStore

pytest_plugins = ["store_pg"]


def test_concurrent_edits_of_one_meeting_lose_no_update(store_url: str) -> None:
    report = run_meeting_drill(store_url, processes=6, edits=20)
    assert report.committed == 6 * 20 and report.given_up == 0
    assert report.lost_updates == 0
    assert report.final_version == 1 + report.committed == report.stored_versions
    assert report.integrity == "ok"
    assert report.problems == [], report.summary()
    assert open_store(store_url).verify_audit().ok


def test_two_users_recording_the_first_decision_at_once_one_wins(store_url: str) -> None:
    """The second is told the decision changed: it is never saved over the first."""
    store = open_store(store_url)
    case = demo_cases()[0]
    store.create(case, "setup")
    meetings = MeetingStore(store)
    mid = meetings.create_meeting(a_meeting([case.case_id]), "setup").meeting_id
    a = assess(case)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def record(worker: int) -> None:
        decision = capture_decision(
            a,
            1,
            CORE_TEAM,
            plan=plan_steps(a, [[a.options[worker % len(a.options)].id]]),
            intent="curative",
            rationale=f"worker {worker}",
        )
        start.wait()
        try:
            meetings.record_decision(mid, case.case_id, decision, f"user-{worker}")
        except StaleDecisionError:
            with lock:
                outcomes.append("refused")
            return
        with lock:
            outcomes.append(f"worker {worker}")

    threads = [threading.Thread(target=record, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "refused"]
    assert len(winners) == 1 and outcomes.count("refused") == 3
    versions = meetings.decision_versions(mid, case.case_id)
    assert len(versions) == 1 and versions[0].decision.rationale == winners[0]
