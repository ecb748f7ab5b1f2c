"""The meeting pages through Streamlit's AppTest, on a real SQLite file per test: the Board's
meetings, the Meeting page (create, agenda, attendance and quorum, a stale save, sign-off,
letters, moving a case, follow-through), the Concordance page, deep links (``?case=``,
``?meeting=``) and drafts that belong to the user who typed them.

Widgets are driven by their keys as a user would; what is stored is read back through the
store, and the oracles are written out here (times, quorum, shares), not taken from the app.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from meeting_fixtures import CORE_TEAM, a_meeting, seed_board
from pypdf import PdfReader
from robust.test_attack_app import AUTH
from streamlit.testing.v1 import AppTest
from test_pages import (
    APP,
    TIMEOUT,
    assert_ok,
    data_dir,
    fill_form,
    goto,
    new_session,
    widget_values,
)
from test_pages import texts as page_texts

from lms_board.assess import assess
from lms_board.demo import demo_case, demo_cases
from lms_board.meeting.capture import capture_decision
from lms_board.meeting.model import ActionInput, Attendee, PlanItem, PlanStep
from lms_board.store import CaseStore, open_store
from lms_board.store.meeting_store import MeetingStore

__all__ = ["data_dir"]  # the fixture, shared with test_pages

TODAY = date.today()


def texts(at: AppTest) -> str:
    """What the page says, without escapes or bold marks."""
    return page_texts(at).replace("**", "")


def store() -> CaseStore:
    return open_store()


def meetings() -> MeetingStore:
    return MeetingStore(open_store())


@pytest.fixture
def papers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """The deferred download callables the runs registered, by the end of their element id
    (what the server runs when the button is clicked)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def spy(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        found[str(kwargs.get("element_id", ""))] = data_callable
        return original(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def paper(found: dict[str, Callable[[], Any]], key: str) -> bytes:
    [build] = [b for element, b in found.items() if element.endswith(key)]
    data: bytes = build()
    return data


def with_demo() -> None:
    for case in demo_cases():
        store().create(case, "setup")


def meeting_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    assert_ok(at)
    return goto(at, "meeting")


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert_ok(at)
    return at


def type_in(at: AppTest, values: dict[str, Any]) -> AppTest:
    for key, value in values.items():
        at.get_by_key(key).set_value(value)
    at.run()
    assert_ok(at)
    return at


def add_attendees(at: AppTest, people: list[Attendee]) -> None:
    for person in people:
        click(at, "mtg_att_add")
        rid = at.session_state["mtg_att"][-1]
        type_in(at, {f"mtg_att_name_{rid}": person.name, f"mtg_att_spec_{rid}": person.specialty})


# -- empty store -----------------------------------------------------------------------------


def test_every_meeting_page_on_an_empty_store(data_dir: Path) -> None:
    at = new_session()
    assert "No meetings yet: create one on the Meeting page." in texts(at)
    goto(at, "meeting")
    assert at.title[0].value == "Meeting"
    assert [t.label for t in at.tabs] == ["Details & agenda", "Attendance"]
    assert "Quorum not met: no sarcoma surgery, no medical oncology" in texts(at)
    goto(at, "concordance")
    assert "No board decisions recorded yet" in texts(at)


# -- creating a meeting on the page ----------------------------------------------------------


def test_a_coordinator_builds_a_meeting_with_agenda_attendance_and_quorum(data_dir: Path) -> None:
    with_demo()
    at = meeting_page()
    day = TODAY + timedelta(days=7)
    type_in(
        at,
        {
            "mtg_date": day,
            "mtg_time": time(15, 30),
            "mtg_place": "Sarcoma unit, room 4",
            "mtg_chair": "Dr Chair",
            "mtg_coordinator": "Coordinator C",
        },
    )
    at.multiselect(key="mtg_add_pick").set_value(["DEMO-01", "DEMO-06", "DEMO-03"]).run()
    click(at, "mtg_add")
    type_in(at, {"mtg_min_DEMO-06": 20, "mtg_ref_DEMO-06": "Dr Referrer"})
    click(at, "mtg_down_DEMO-01")  # DEMO-06, DEMO-01, DEMO-03
    shown = texts(at)
    # 15:30 + 20 min, + 10 min, + 10 min: the running timetable follows the slots.
    assert "15:30–15:50 · DEMO-06" in shown and "15:50–16:00 · DEMO-01" in shown
    assert "16:00–16:10 · DEMO-03" in shown
    assert "Defer: no tissue diagnosis, no chest CT" in shown  # DEMO-06: FNA only, no chest CT

    add_attendees(at, CORE_TEAM[:5])
    assert "Quorum not met: no specialist nursing (5 attending)" in texts(at)
    add_attendees(at, CORE_TEAM[5:])
    assert "Quorum met (6 attending)" in texts(at)

    click(at, "mtg_save")
    [stored] = meetings().list_meetings()
    assert stored.meeting_id == f"MTG-{day.isoformat()}" and stored.version == 1
    m = stored.meeting
    assert [(i.case_id, i.minutes) for i in m.scheduled()] == [
        ("DEMO-06", 20),
        ("DEMO-01", 10),
        ("DEMO-03", 10),
    ]
    assert m.item("DEMO-06").referred_by == "Dr Referrer"  # type: ignore[union-attr]
    assert m.start_time == time(15, 30) and m.attendees == CORE_TEAM
    assert at.title[0].value == f"Meeting · {stored.meeting_id}".replace("-", "\\-")
    assert at.query_params.get("meeting") == stored.meeting_id
    assert f"Saved {stored.meeting_id} (version 1)." in texts(at)


def test_a_meeting_without_place_or_link_is_refused_with_the_fields_named(data_dir: Path) -> None:
    at = meeting_page()
    type_in(at, {"mtg_chair": "Dr Chair"})
    click(at, "mtg_save")
    said = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Coordinator: must not be empty" in said
    assert meetings().list_meetings() == []
    assert at.text_input(key="mtg_chair").value == "Dr Chair"  # nothing typed is lost
    type_in(at, {"mtg_coordinator": "C", "mtg_video": "not a link"})
    click(at, "mtg_save")
    said = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Video link: must be a web address starting with https://" in said


# -- stale save ------------------------------------------------------------------------------


def test_a_stale_save_says_so_keeps_what_was_typed_and_merges_on_request(data_dir: Path) -> None:
    with_demo()
    mid = (
        meetings().create_meeting(a_meeting(["DEMO-01", "DEMO-03"]), "local:coordinator").meeting_id
    )
    at = meeting_page({"meeting": mid})
    type_in(at, {"mtg_chair": "Dr Second Chair", "mtg_min_DEMO-03": 25})
    # Meanwhile someone else adds a case (version 2).
    other = meetings().meeting(mid)
    grown = a_meeting(["DEMO-01", "DEMO-03", "DEMO-05"])
    meetings().save_meeting(mid, grown, other.version, "local:other")

    click(at, "mtg_save")
    said = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Not saved: local:other saved this meeting" in said
    assert "(now version 2; you opened version 1). Their change: agenda +DEMO-05" in said
    assert meetings().meeting(mid).version == 2  # nothing written
    assert at.text_input(key="mtg_chair").value == "Dr Second Chair"  # kept
    assert at.number_input(key="mtg_min_DEMO-03").value == 25

    click(at, "mtg_save_over")
    stored = meetings().meeting(mid)
    assert stored.version == 3
    assert stored.meeting.chair == "Dr Second Chair"
    assert [(i.case_id, i.minutes) for i in stored.meeting.scheduled()] == [
        ("DEMO-01", 10),
        ("DEMO-03", 25),
    ], "my agenda change wins the agenda section (I changed it too)"
    assert "Saved" in texts(at)


def test_a_stale_save_keeps_their_section_when_mine_did_not_change_it(data_dir: Path) -> None:
    with_demo()
    mid = meetings().create_meeting(a_meeting(["DEMO-01"]), "local:coordinator").meeting_id
    at = meeting_page({"meeting": mid})
    type_in(at, {"mtg_place": "Room 9"})
    meetings().save_meeting(mid, a_meeting(["DEMO-01", "DEMO-05"]), 1, "local:other")
    click(at, "mtg_save")
    click(at, "mtg_save_over")
    m = meetings().meeting(mid).meeting
    assert m.place == "Room 9" and [i.case_id for i in m.scheduled()] == ["DEMO-01", "DEMO-05"]


# -- the Board's meetings --------------------------------------------------------------------


def test_the_board_lists_meetings_upcoming_first_with_readiness_and_times(data_dir: Path) -> None:
    with_demo()
    ms = meetings()
    past = ms.create_meeting(a_meeting(["DEMO-02"], TODAY - timedelta(days=14)), "c").meeting_id
    later = ms.create_meeting(a_meeting(["DEMO-04"], TODAY + timedelta(days=14)), "c").meeting_id
    soon = ms.create_meeting(
        a_meeting(["DEMO-06", "DEMO-01"], TODAY + timedelta(days=7)), "c"
    ).meeting_id
    at = new_session()
    labels = [e.label.replace("\\", "") for e in at.expander]
    order = [next(i for i, x in enumerate(labels) if x.startswith(m)) for m in (soon, later, past)]
    assert order == sorted(order), labels
    table = at.dataframe[0].value  # the first (soonest) meeting, open
    assert list(table["Case"]) == ["DEMO-06", "DEMO-01"]
    assert list(table["Time"]) == ["14:00–14:10", "14:10–14:25"]
    assert list(table["Readiness"]) == ["Defer: no tissue diagnosis, no chest CT", "Ready"]

    click(at, f"board_open_meeting_{later}")
    assert at.title[0].value.replace("\\", "") == f"Meeting · {later}"
    assert at.query_params.get("meeting") == later


# -- decisions, sign-off, letters ------------------------------------------------------------


def test_signed_and_unsigned_decisions_sign_off_and_the_letter(
    data_dir: Path, papers: dict[str, Callable[[], Any]]
) -> None:
    mid = seed_board(store())
    at = meeting_page({"meeting": mid})
    shown = texts(at)
    assert "Signed off by Dr Chair on" in shown  # SYN-OLIGO
    assert "Not signed off (decision version 1)." in shown  # DEMO-01, DEMO-06
    assert "No decision recorded yet: it is recorded on the Present page." in shown  # DEMO-03
    table = at.dataframe[0].value.set_index("Case")
    assert table.loc["SYN-OLIGO", "Decision"] == "decided, signed off (version 1)"
    assert table.loc["DEMO-06", "Decision"] == "deferred, not signed off (version 1)"

    type_in(at, {"mtgc_signer_DEMO-01": "Dr Deputy Chair"})
    click(at, "mtgc_sign_DEMO-01")
    signed = meetings().decision(mid, "DEMO-01")
    assert signed is not None and signed.signer_name == "Dr Deputy Chair"
    assert signed.signed_by == "local:tester"
    assert "DEMO-01: decision version 1 signed off." in texts(at)

    recommendation = signed.decision.recommendation
    pdf = paper(papers, "mtgc_dl_letter_pdf_DEMO-01")
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Radiotherapy, preoperative or postoperative" in words
    assert "Signed off by Dr Deputy Chair" in words
    docx = Document(io.BytesIO(paper(papers, "mtgc_dl_letter_docx_DEMO-01")))
    body = " ".join(p.text for p in docx.paragraphs)
    assert recommendation[:60] in body
    minutes = paper(papers, "mtgc_dl_minutes_pdf_")
    assert PdfReader(io.BytesIO(minutes)).pages
    exports = [e.detail for e in store().audit_log(None) if e.action == "export"]
    assert any(f"letter of meeting {mid}: outcome-letter-DEMO-01-" in d for d in exports)


def test_a_deferred_case_moves_to_the_next_meeting_with_its_history(data_dir: Path) -> None:
    mid = seed_board(store())
    nxt = meetings().create_meeting(a_meeting(["DEMO-02"], date(2026, 12, 17)), "c").meeting_id
    at = meeting_page({"meeting": mid})
    click(at, "mtgc_move_DEMO-06")
    here, there = meetings().meeting(mid).meeting, meetings().meeting(nxt).meeting
    assert here.item("DEMO-06") is None
    assert [(i.case_id, i.state, i.moved_to) for i in here.agenda if i.case_id == "DEMO-06"] == [
        ("DEMO-06", "moved", nxt)
    ]
    assert [i.case_id for i in there.scheduled()] == ["DEMO-02", "DEMO-06"]
    assert meetings().decision(mid, "DEMO-06") is not None  # the deferral stays recorded here
    assert f"DEMO-06 moved to {nxt}." in texts(at)
    assert f"DEMO-06: moved to {nxt}" in texts(at)


def test_what_was_done_is_recorded_with_the_reason_when_it_differs(data_dir: Path) -> None:
    mid = seed_board(store())
    at = meeting_page({"meeting": mid})
    type_in(
        at, {"mtgc_impl_what_SYN-OLIGO": "Metastasectomy only", "mtgc_impl_same_SYN-OLIGO": False}
    )
    type_in(at, {"mtgc_impl_why_SYN-OLIGO": "patient preference"})
    click(at, "mtgc_impl_save_SYN-OLIGO")
    [record] = meetings().implementations(meeting_id=mid, case_id="SYN-OLIGO")
    assert not record.implementation.as_decided
    assert record.implementation.reason == "patient preference"
    assert "Done: Metastasectomy only (differs: patient preference)" in texts(at)


# -- follow-through --------------------------------------------------------------------------


def test_an_overdue_action_comes_first_and_is_marked_done_with_compare_and_set(
    data_dir: Path,
) -> None:
    mid = seed_board(store())
    [late] = meetings().add_actions(
        mid,
        "DEMO-01",
        [ActionInput(text="Send the letter", owner="Coordinator C", due=TODAY - timedelta(5))],
        "c",
    )
    at = meeting_page({"meeting": mid})
    rows = [m.value.replace("\\", "") for m in at.markdown if "(due " in m.value]
    assert rows[0].startswith("Send the letter"), rows
    assert rows[0].endswith(f":red[**overdue (due {TODAY - timedelta(5)})**]")
    assert "1 overdue" in texts(at)

    click(at, f"mtga_done_{late.id}")
    [done] = [a for a in meetings().actions(meeting_id=mid) if a.id == late.id]
    assert done.status == "done" and done.version == 2 and done.updated_by == "local:tester"

    # A change somebody made in between is never overwritten.
    other = next(a for a in meetings().actions(meeting_id=mid) if a.status == "open")
    at.run()
    meetings().change_action(other.id, other.version, "local:other", owner="Dr Other")
    click(at, f"mtga_cancel_{other.id}")
    said = " ".join(e.value for e in at.error).replace("\\", "")
    assert f"Action {other.id}" in said and "changed by local:other" in said
    assert next(a for a in meetings().actions() if a.id == other.id).status == "open"


def test_actions_of_every_meeting_by_owner(data_dir: Path) -> None:
    mid = seed_board(store())
    at = meeting_page({"meeting": mid})
    at.segmented_control(key="mtga_scope").set_value("Every meeting, by owner").run()
    assert_ok(at)
    owners = [m.value.split("**")[1] for m in at.markdown if "action(s)" in m.value]
    assert sorted(owners) == owners and set(owners) == {"Dr MedOnc", "Dr Radiologist", "Nurse Key"}


# -- concordance -----------------------------------------------------------------------------


def test_concordance_page_figures_and_csv(data_dir: Path) -> None:
    mid = seed_board(store())
    case = demo_case("DEMO-03")
    plan = [PlanStep(items=[PlanItem(text="observation")])]
    decision = capture_decision(
        assess(case),
        1,
        CORE_TEAM,
        plan=plan,
        intent="palliative",
        departure_reason='=HYPERLINK("http://x")',
    )
    meetings().record_decision(mid, "DEMO-03", decision, "local:chair")
    at = goto(new_session(), "concordance")
    metrics = {m.label: m.value for m in at.metric}
    # 3 decided (SYN-OLIGO, DEMO-01 use tool options; DEMO-03 free text), 1 deferred of 4.
    assert metrics["No tool option"] == "33.3 %"
    assert metrics["Deferral rate"] == "25 %"
    assert len(at.get("plotly_chart")) == 4
    assert "Why no tool option was chosen: =HYPERLINK(" in texts(at)
    data = at.download_button(key="qc_csv").proto
    assert data.label == "Quality table (CSV)"
    table = at.dataframe[0].value
    assert list(table["meeting"]) == [mid, "All meetings"]


def test_the_quality_csv_neutralises_formula_cells(data_dir: Path) -> None:
    from lms_board.meeting.quality import quality_csv, quality_table

    mid = seed_board(store())
    decision = capture_decision(
        assess(demo_case("DEMO-03")),
        1,
        CORE_TEAM,
        plan=[PlanStep(items=[PlanItem(text="observation")])],
        intent="palliative",
        departure_reason="=1+1",
    )
    meetings().record_decision(mid, "DEMO-03", decision, "local:chair")
    ms = meetings()
    text = quality_csv(
        quality_table(ms.list_meetings(), ms.decisions(), ms.actions(), ms.implementations(), TODAY)
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["reasons for no tool option"] == "'=1+1"


# -- deep links ------------------------------------------------------------------------------


def test_a_case_link_opens_the_case_and_the_address_follows_the_case(data_dir: Path) -> None:
    with_demo()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["case"] = "DEMO-03"
    at.run()
    assert_ok(at)
    assert at.selectbox(key="app_case_pick").value == "DEMO-03"
    goto(at, "assessment")
    assert "DEMO-03" in at.title[0].value.replace("\\", "")
    assert at.query_params.get("case") == "DEMO-03"  # a page switch keeps it
    at.selectbox(key="app_case_pick").set_value("DEMO-05").run()
    assert at.query_params.get("case") == "DEMO-05"

    reload = AppTest.from_file(str(APP), default_timeout=TIMEOUT)  # a reload: a new session
    reload.query_params.update(at.query_params)
    reload.run()
    assert reload.selectbox(key="app_case_pick").value == "DEMO-05"


def test_a_link_to_something_missing_says_so(data_dir: Path) -> None:
    with_demo()
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update({"case": "NOPE-1", "meeting": "MTG-1999-01-01"})
    at.run()
    assert_ok(at)
    said = " ".join(w.value for w in at.warning)
    assert "case NOPE-1, which is not on the board" in said
    assert "meeting MTG-1999-01-01, which is not in the store" in said
    assert at.selectbox(key="app_case_pick").value is None
    assert "case" not in at.query_params and "meeting" not in at.query_params


def test_a_meeting_link_survives_a_reload(data_dir: Path) -> None:
    mid = seed_board(store())
    at = meeting_page({"meeting": mid})
    assert at.title[0].value.replace("\\", "") == f"Meeting · {mid}"
    goto(at, "board")
    assert at.query_params.get("meeting") == mid
    again = meeting_page(dict(at.query_params))
    assert again.title[0].value.replace("\\", "") == f"Meeting · {mid}"
    again.selectbox(key="mtg_pick").set_value("New meeting").run()
    assert "meeting" not in again.query_params


# -- who sees what ---------------------------------------------------------------------------

TWO = {**AUTH, "lms_board": {**AUTH["lms_board"], "coordinators": ["alice", "bob"]}}


def signed_in(sub: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets = TWO
    at.user = {"is_logged_in": True, "sub": sub, "name": sub.title()}
    at.run()
    assert_ok(at)
    return goto(at, page) if page else at


def test_a_draft_belongs_to_the_user_who_typed_it(data_dir: Path) -> None:
    alice = signed_in("alice", "intake")
    fill_form(alice, {"case_id": "ALICE-1", "question": "Alice's unsaved question"})
    assert [k for k, _ in store().list_drafts("alice")], "alice's draft is kept"

    bob = signed_in("bob", "intake")
    assert widget_values(bob, ["case_id", "question"]) == {"case_id": "", "question": ""}
    assert not [b for b in bob.button if "restore" in str(b.key)]
    assert "Alice's unsaved question" not in texts(bob)
    assert store().list_drafts("bob") == []

    again = signed_in("alice", "intake")  # alice in another browser: her draft follows her
    assert widget_values(again, ["case_id", "question"]) == {
        "case_id": "ALICE-1",
        "question": "Alice's unsaved question",
    }


def test_a_viewer_reads_the_meeting_but_changes_nothing(data_dir: Path) -> None:
    mid = seed_board(store())
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "sub": "v-1", "lms_board_role": "viewer"}
    at.query_params["meeting"] = mid
    at.run()
    goto(at, "meeting")
    assert at.title[0].value.replace("\\", "") == f"Meeting · {mid}"
    keys = {str(b.key) for b in at.button}
    assert not {
        k for k in keys if k.startswith(("mtg_save", "mtgc_sign", "mtga_done", "mtgc_move"))
    }
    assert "Dr Surgeon (sarcoma surgeon)" in texts(at)


def test_what_is_typed_survives_a_visit_to_another_page(data_dir: Path) -> None:
    with_demo()
    mid = meetings().create_meeting(a_meeting(["DEMO-01"]), "local:coordinator").meeting_id
    at = meeting_page({"meeting": mid})
    type_in(at, {"mtg_chair": "Dr Typed Chair", "mtg_min_DEMO-01": 35})
    goto(at, "board")
    goto(at, "meeting")
    assert at.text_input(key="mtg_chair").value == "Dr Typed Chair"
    assert at.number_input(key="mtg_min_DEMO-01").value == 35
    assert "Unsaved changes" in texts(at)
