"""The Present page (the meeting's deck and its decision panel) through AppTest, against a
fresh SQLite store per test: no meeting, an empty agenda, a case with and without a decision,
a structured plan recorded live, a stale save, a deferral, a refused incomplete decision."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from meeting_fixtures import CORE_TEAM, a_meeting, oligo_case
from streamlit.testing.v1 import AppTest

from lms_board.assess import assess
from lms_board.demo import demo_cases
from lms_board.meeting.capture import capture_decision, plan_steps
from lms_board.store import open_store
from lms_board.store.meeting_store import MeetingStore

APP = REPO_ROOT / "streamlit_app" / "app.py"
AGENDA = ["SYN-OLIGO", "DEMO-06", "DEMO-01"]
DP = "present_dp_"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LMS_BOARD_DATA", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_BOARD_USER", "chair")
    return tmp_path


@pytest.fixture
def meeting_id(data_dir: Path) -> str:
    """Eleven cases in the store, three on the meeting's agenda, no decision yet."""
    store = open_store()
    for case in [*demo_cases(), oligo_case()]:
        store.create(case, "setup")
    return MeetingStore(store).create_meeting(a_meeting(AGENDA), "local:coordinator").meeting_id


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("markdown", "caption", "info", "error", "warning", "title")
             for e in getattr(at, kind)]  # fmt: skip
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def deck(meeting_id: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    if meeting_id:
        at.session_state["current_meeting_id"] = meeting_id
    at.switch_page("../pages/present.py")
    return ok(at.run())


def names(case_id: str) -> dict[str, str]:
    case = oligo_case() if case_id == "SYN-OLIGO" else next(
        c for c in demo_cases() if c.case_id == case_id
    )  # fmt: skip
    return {o.id: o.name for o in assess(case).options}


def test_no_meeting_stored(data_dir: Path) -> None:
    at = deck()
    assert "No board meetings yet" in shown(at)


def test_picker_opens_the_meeting_in_agenda_order(meeting_id: str) -> None:
    at = deck()
    at.selectbox(key="present_meeting_pick").select(meeting_id)
    ok(at.run())
    body = shown(at)
    assert f"{meeting_id} · case 1 of 3 · 14:00–14:10" in body  # the agenda, not all 11 cases
    assert "SYN-OLIGO" in at.markdown[2].value.replace("\\", "")
    assert "No decision recorded yet." in body
    assert ":material/timer: 0:0" in body and "of 10 min" in body
    assert at.button(key="present_left").disabled and at.button(key="present_pageup").disabled
    at.button(key="present_right").click()
    body = shown(ok(at.run()))
    assert "case 2 of 3 · 14:10–14:25" in body and "DEMO-06" in body and "of 15 min" in body
    assert "Workup gaps (7)" in body and "4 more on the Assessment page." in body
    at.button(key="present_pagedown").click()
    body = shown(ok(at.run()))
    assert "case 3 of 3" in body and "DEMO-01" in body
    assert at.button(key="present_right").disabled
    at.button(key="present_pageup").click()
    assert "case 2 of 3" in shown(ok(at.run()))
    at.button(key="present_other").click()
    ok(at.run())
    assert at.selectbox(key="present_meeting_pick").value is None


def test_an_empty_agenda(data_dir: Path) -> None:
    mid = MeetingStore(open_store()).create_meeting(a_meeting([]), "local:c").meeting_id
    at = deck(mid)
    assert f"{mid} has no cases on its agenda yet" in shown(at)


def test_a_case_with_a_decision_shows_it(meeting_id: str) -> None:
    store = open_store()
    a = assess(next(c for c in demo_cases() if c.case_id == "DEMO-01"))
    decision = capture_decision(
        a, 1, CORE_TEAM[:5], intent="curative",
        plan=plan_steps(a, [["radiotherapy-pre-or-postoperative"], ["wide-resection"]]),
    )  # fmt: skip
    MeetingStore(store).record_decision(meeting_id, "DEMO-01", decision, "local:other")
    store_at = deck(meeting_id)
    store_at.session_state["current_case_id"] = "DEMO-01"
    body = shown(ok(store_at.run()))
    assert "case 3 of 3" in body
    assert "Decided" in body and decision.recommendation in body
    assert "quorum NOT met" in body and "version 1" in body and "local:other" in body
    assert "No decision recorded yet." not in body


def test_a_structured_plan_recorded_live(meeting_id: str) -> None:
    """ "Systemic therapy first, then wide resection + metastasectomy": two steps of options."""
    at = deck(meeting_id)
    opt = names("SYN-OLIGO")
    at.button(key="present_decide").click()
    ok(at.run())
    assert at.button(key="present_right").disabled  # no paging away while the panel is open
    at.multiselect(key=f"{DP}step0").set_value([opt["systemic-first-oligometastatic"]])
    at.multiselect(key=f"{DP}step1").set_value([opt["wide-resection"], opt["metastasectomy"]])
    at.selectbox(key=f"{DP}intent").select("curative")
    at.multiselect(key=f"{DP}discussed").set_value(list(opt.values())[:3])
    at.text_input(key=f"{DP}act0").input("Book chemotherapy start")
    at.text_input(key=f"{DP}act0_owner").input("Dr MedOnc")
    at.date_input(key=f"{DP}act0_due").set_value(date(2026, 12, 17))
    ok(at.run())
    assert "quorum met" in shown(at)
    at.button(key=f"{DP}save").click()
    body = shown(ok(at.run()))
    meetings = MeetingStore(open_store())
    stored = meetings.decision(meeting_id, "SYN-OLIGO")
    assert stored is not None and stored.version == 1 and stored.recorded_by == "local:chair"
    d = stored.decision
    assert [[i.option_id for i in s.items] for s in d.plan] == [
        ["systemic-first-oligometastatic"],
        ["wide-resection", "metastasectomy"],
    ]
    assert d.intent == "curative" and d.quorum.met and len(d.attendees_present) == 6
    assert len(d.options_discussed) == 3 and d.discussion_minutes is not None
    assert [(x.text, x.owner, x.due) for x in meetings.actions(meeting_id=meeting_id)] == [
        ("Book chemotherapy start", "Dr MedOnc", date(2026, 12, 17))
    ]
    assert open_store().get("SYN-OLIGO").status == "discussed"  # type: ignore[union-attr]
    assert d.recommendation in body and "Decided" in body  # the new status at once
    assert "No decision recorded yet." not in body
    assert f"{DP}step0" not in [w.key for w in at.multiselect]  # the panel closed
    assert not at.button(key="present_right").disabled


def test_a_stale_save_names_who_and_keeps_what_is_typed(meeting_id: str) -> None:
    at = deck(meeting_id)
    at.button(key="present_decide").click()
    ok(at.run())
    at.text_input(key=f"{DP}step0_text").input("Resection of the primary")
    at.selectbox(key=f"{DP}intent").select("curative")
    ok(at.run())
    a = assess(oligo_case())
    other = capture_decision(
        a, 1, CORE_TEAM, intent="palliative", plan=plan_steps(a, [["text:Best supportive care"]])
    )
    MeetingStore(open_store()).record_decision(meeting_id, "SYN-OLIGO", other, "local:dr-b")
    at.button(key=f"{DP}save").click()
    body = shown(ok(at.run()))
    assert "local:dr-b" in body and "Nothing was saved" in body
    assert at.text_input(key=f"{DP}step0_text").value == "Resection of the primary"
    assert at.selectbox(key=f"{DP}intent").value == "curative"
    assert MeetingStore(open_store()).decision(meeting_id, "SYN-OLIGO").version == 1  # type: ignore[union-attr]
    at.button(key=f"{DP}rebase").click()
    ok(at.run())
    at.button(key=f"{DP}save").click()
    body = shown(ok(at.run()))
    stored = MeetingStore(open_store()).decision(meeting_id, "SYN-OLIGO")
    assert stored is not None and stored.version == 2
    assert stored.decision.recommendation == "Resection of the primary"
    assert "Resection of the primary" in body


def test_a_deferral_says_what_is_awaited(meeting_id: str) -> None:
    at = deck(meeting_id)
    at.button(key="present_right").click()
    ok(at.run())
    at.button(key="present_decide").click()
    ok(at.run())
    at.radio(key=f"{DP}outcome").set_value("deferred")
    ok(at.run())
    assert at.multiselect(key=f"{DP}waiting").value == ["no tissue diagnosis", "no chest CT"]
    at.text_input(key=f"{DP}waiting_text").input("sarcoma surgeon's opinion")
    at.button(key=f"{DP}save").click()
    body = shown(ok(at.run()))
    stored = MeetingStore(open_store()).decision(meeting_id, "DEMO-06")
    assert stored is not None and stored.decision.outcome == "deferred"
    assert stored.decision.deferral_reasons == [
        "no tissue diagnosis", "no chest CT", "sarcoma surgeon's opinion"
    ]  # fmt: skip
    assert (
        "Deferred" in body and "no tissue diagnosis; no chest CT; sarcoma surgeon's opinion" in body
    )
    assert open_store().get("DEMO-06").status != "discussed"  # type: ignore[union-attr]


def test_an_incomplete_decision_is_refused_with_the_field_named(meeting_id: str) -> None:
    at = deck(meeting_id)
    at.button(key="present_decide").click()
    ok(at.run())
    at.text_input(key=f"{DP}step0_text").input("Resection of the primary")
    at.text_input(key=f"{DP}act0").input("Book CT")  # no owner
    at.button(key=f"{DP}save").click()
    body = shown(ok(at.run()))
    assert "intent: say whether the plan is curative, palliative or diagnostic" in body
    assert MeetingStore(open_store()).decision(meeting_id, "SYN-OLIGO") is None
    at.selectbox(key=f"{DP}intent").select("curative")
    at.button(key=f"{DP}save").click()
    body = shown(ok(at.run()))
    assert "Action 1 owner" in body
    assert MeetingStore(open_store()).decision(meeting_id, "SYN-OLIGO") is None
    assert at.text_input(key=f"{DP}act0").value == "Book CT"


def test_notes_on_request(meeting_id: str) -> None:
    at = deck(meeting_id)
    notes = (oligo_case().notes or "").splitlines()[0]
    assert notes and notes not in shown(at)
    at.toggle(key="present_notes").set_value(True)
    assert notes in shown(ok(at.run()))


def test_every_demo_case_on_the_deck(data_dir: Path) -> None:
    """A meeting of every demo case: each screen renders, in agenda order, with its case."""
    store = open_store()
    cases = demo_cases()
    for case in cases:
        store.create(case, "setup")
    ids = [c.case_id for c in reversed(cases)]
    mid = MeetingStore(store).create_meeting(a_meeting(ids), "local:c").meeting_id
    at = deck(mid)
    for n, case_id in enumerate(ids, start=1):
        body = shown(at)
        assert f"case {n} of {len(ids)}" in body and case_id in body
        assert "Top options" in body and "Why" in body
        if n < len(ids):
            at.button(key="present_right").click()
            ok(at.run())


def test_the_latest_treatment_line_is_never_left_out(data_dir: Path) -> None:
    """DEMO-10 (four lines and more): the deck shows the last items, the latest in bold."""
    from lms_board.export.text import history_items

    store = open_store()
    case = next(c for c in demo_cases() if c.case_id == "DEMO-10")
    store.create(case, "setup")
    mid = MeetingStore(store).create_meeting(a_meeting(["DEMO-10"]), "local:c").meeting_id
    items = history_items(case)
    assert len(items) > 3
    body = shown(deck(mid))
    assert f"**{items[-1]}**" in body and items[-2] in body
    assert f"{len(items) - 3} earlier on the Assessment page." in body
