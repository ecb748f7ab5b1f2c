"""A board meeting in a real browser, start to finish (except live capture, which the Present
page owns: the decisions are recorded here through ``lms_board.meeting.capture`` and the store,
as that panel would). A coordinator creates a meeting, adds three demo cases, records the
attendance, opens it again from its link after a reload, signs off a decision, downloads the
outcome letter (Word opened with python-docx, PDF with pypdf: the decision is in it), marks
an action done and opens the Concordance page. Screenshots at 1280 px width go to
``tests/e2e/screenshots/meeting-*.png``.

The app runs on its own data folder (the other browser tests' store is left as it was).
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from live_server import free_port, guarded, refused_connections, running
from meeting_fixtures import CORE_TEAM
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lms_board.assess import assess
from lms_board.meeting.capture import capture_decision, option_item, plan_steps
from lms_board.meeting.model import ActionInput
from lms_board.store import database_url, open_store
from lms_board.store.meeting_store import MeetingStore

from .conftest import require_chromium
from .test_dashboard import goto, open_app, pick, screenshot, settle

CASES = ("DEMO-01", "DEMO-03", "DEMO-05")


@pytest.fixture(scope="module")
def meeting_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``lms-board serve`` on a data folder of its own with the demo cases, under the
    network guard."""
    require_chromium()
    data = tmp_path_factory.mktemp("e2e-meeting")
    open_store(database_url({"LMS_BOARD_DATA": str(data)})).load_demo_cases_if_empty("e2e")
    env = {**os.environ, "LMS_BOARD_DATA": str(data), "LMS_BOARD_USER": "coordinator"}
    env.pop("DATABASE_URL", None)
    port = free_port()
    cmd = [sys.executable, "-m", "lms_board", "serve", "--port", str(port), "--no-init"]
    with running(
        cmd,
        cwd=data,
        env=guarded(env, data / "netguard.log"),
        port=port,
        log=data / "streamlit.log",
    ) as (url, _proc):
        yield url, data


def meetings_of(data: Path) -> MeetingStore:
    return MeetingStore(open_store(database_url({"LMS_BOARD_DATA": str(data)})))


def fill(page: Page, label: str, value: str, nth: int = 0) -> None:
    field = page.get_by_label(label, exact=True).nth(nth)
    field.fill(value)
    field.press("Enter")
    settle(page)


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settle(page)


def saved(page: Page, label: str) -> bytes:
    button = page.get_by_role("button", name=label, exact=True).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def record_decisions(data: Path, meeting_id: str) -> dict[str, str]:
    """What the Present page's panel would record: a decision on DEMO-01 and DEMO-05 (with
    follow-up actions, one overdue) and a deferral of DEMO-03. Returns case → recommendation."""
    ms = meetings_of(data)
    present = ms.meeting(meeting_id).meeting.attendees
    out = {}
    for case_id in CASES:
        stored = ms.cases.get(case_id)
        assert stored is not None
        a = assess(stored.case)
        if case_id == "DEMO-03":
            decision = capture_decision(
                a, stored.version, present, outcome="deferred", deferral_reasons=["expert review"]
            )
            actions = [ActionInput(text="Pathology expert review", owner="Dr Pathologist")]
        else:
            decision = capture_decision(
                a,
                stored.version,
                present,
                plan=plan_steps(a, [[a.options[0].id]]),
                intent="curative" if case_id == "DEMO-01" else "palliative",
                rationale=f"Board consensus for {case_id}.",
                options_discussed=[option_item(a, o.id) for o in a.options[:2]],
                discussion_minutes=12,
            )
            due = date.today() - timedelta(days=3) if case_id == "DEMO-01" else None
            actions = [
                ActionInput(text=f"Book the first step for {case_id}", owner="Nurse Key", due=due)
            ]
        ms.record_decision(meeting_id, case_id, decision, "local:chair", actions=actions)
        out[case_id] = decision.recommendation
    return out


def test_a_meeting_from_agenda_to_letter_to_concordance(
    page: Page, meeting_app: tuple[str, Path], shots: Path
) -> None:
    url, data = meeting_app
    open_app(page, url)
    expect(page.get_by_text("No meetings yet: create one on the Meeting page.")).to_be_visible()

    goto(page, "Meeting")
    expect(page.get_by_role("heading", name="Meeting", exact=True)).to_be_visible()
    fill(page, "Place", "Sarcoma unit, room 4")
    fill(page, "Video link", "https://video.example.org/sarcoma-board")
    fill(page, "Chair", "Dr Chair")
    fill(page, "Coordinator", "Coordinator C")
    picker = page.get_by_label("Add cases from the board", exact=True)
    for case_id in CASES:
        pick(page, picker, case_id)
        settle(page)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Add to the agenda").click()
    settle(page)
    for case_id in CASES:
        expect(page.get_by_text(case_id, exact=True).first).to_be_visible()
    expect(page.get_by_text("14:00–14:10").first).to_be_visible()
    expect(page.get_by_text("14:20–14:30").first).to_be_visible()
    screenshot(page, shots, "meeting-1-agenda")

    tab(page, "Attendance")
    for n, person in enumerate(CORE_TEAM):
        page.get_by_role("button", name="Add an attendee").click()
        settle(page)
        fill(page, "Name", person.name, n)
        pick(page, page.get_by_label("Specialty", exact=True).nth(n), person.specialty)
        settle(page)
        if n == 4:
            expect(page.get_by_text("Quorum not met: no specialist nursing")).to_be_visible()
    expect(page.get_by_text("Quorum met (6 attending)")).to_be_visible()
    screenshot(page, shots, "meeting-2-attendance")
    page.get_by_role("button", name="Create the meeting").click()
    settle(page)
    [stored] = meetings_of(data).list_meetings()
    mid = stored.meeting_id
    expect(page.get_by_text(f"Saved {mid} (version 1).")).to_be_visible()
    assert [i.case_id for i in stored.meeting.scheduled()] == list(CASES)
    assert stored.meeting.attendees == CORE_TEAM
    assert f"meeting={mid}" in page.url

    decided = record_decisions(data, mid)
    page.reload()  # the link names the meeting: it opens again
    expect(page.get_by_role("heading", name=f"Meeting · {mid}")).to_be_visible(timeout=30_000)
    settle(page)
    tab(page, "Decisions & letters")
    page.get_by_role("button", name="Sign off version 1").first.click()
    settle(page)
    expect(page.get_by_text("DEMO-01: decision version 1 signed off.")).to_be_visible()
    signed = meetings_of(data).decision(mid, "DEMO-01")
    assert signed is not None and signed.signer_name == "Dr Chair"
    screenshot(page, shots, "meeting-3-decisions")

    words = decided["DEMO-01"].split(",")[0]
    docx = Document(io.BytesIO(saved(page, "Outcome letter (Word)")))
    assert words in " ".join(p.text for p in docx.paragraphs)
    pdf = PdfReader(io.BytesIO(saved(page, "Outcome letter (PDF)")))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert words in text and "Signed off by Dr Chair" in text

    tab(page, "Follow-through")
    expect(page.get_by_text(re.compile(r"^overdue \(due ")).first).to_be_visible()
    screenshot(page, shots, "meeting-4-follow-through")
    page.get_by_role("button", name="Done").first.click()
    settle(page)
    [action] = [a for a in meetings_of(data).actions(meeting_id=mid) if a.case_id == "DEMO-01"]
    assert action.status == "done" and action.version == 2

    goto(page, "Board")
    expect(page.get_by_text(mid).first).to_be_visible()
    expect(page.get_by_role("button", name="Open this meeting")).to_be_visible()
    screenshot(page, shots, "meeting-5-board")

    goto(page, "Concordance")
    expect(page.get_by_role("heading", name="Concordance", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("33.3 %").first).to_be_visible()  # 1 deferral of 3 cases
    screenshot(page, shots, "meeting-6-concordance")
    assert refused_connections(data / "netguard.log") == []
