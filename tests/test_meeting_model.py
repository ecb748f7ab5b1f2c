"""The meeting's models: what is refused with a message naming the field, and the plan."""

from __future__ import annotations

from datetime import date, time

import pytest
from meeting_fixtures import CORE_TEAM, a_meeting, oligo_case
from pydantic import ValidationError

from lms_board.assess import assess
from lms_board.meeting.capture import capture_decision, option_item, plan_steps
from lms_board.meeting.model import AgendaItem, Attendee, Implementation, Meeting, plan_text


def test_a_meeting_needs_a_place_or_a_video_link() -> None:
    with pytest.raises(ValidationError, match="place or video_link"):
        Meeting(date=date(2026, 12, 10), start_time=time(14), chair="A", coordinator="B")
    m = Meeting(
        date=date(2026, 12, 10),
        start_time="14:00",
        place="  ",
        video_link="https://video.example.org/b",
        chair="A",
        coordinator="B",
    )
    assert m.place is None and m.where == "https://video.example.org/b"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "video.example.org", "https://a b"])
def test_a_video_link_is_a_web_address(link: str) -> None:
    with pytest.raises(ValidationError, match="video_link"):
        a_meeting([], video_link=link)


def test_a_case_is_scheduled_once_but_a_moved_item_stays_as_history() -> None:
    with pytest.raises(ValidationError, match="DEMO-01 is on the agenda twice"):
        a_meeting(["DEMO-01", "DEMO-01"])
    m = a_meeting(
        [],
        agenda=[
            AgendaItem(case_id="DEMO-01", state="moved", moved_to="MTG-2026-12-17"),
            AgendaItem(case_id="DEMO-01"),
        ],
    )
    assert [i.state for i in m.agenda] == ["moved", "scheduled"]
    assert m.item("DEMO-01") is m.agenda[1]
    with pytest.raises(ValidationError, match="moved_to"):
        AgendaItem(case_id="DEMO-01", state="moved")


def test_slot_and_specialty_are_checked() -> None:
    with pytest.raises(ValidationError, match="minutes"):
        AgendaItem(case_id="DEMO-01", minutes=0)
    with pytest.raises(ValidationError, match="specialty"):
        Attendee(name="X", specialty="surgeon")  # type: ignore[arg-type]
    assert Attendee(name="X", specialty="other", detail="IR").label == "X (IR)"


def test_neoadjuvant_chemotherapy_then_resection_plus_metastasectomy_is_structured() -> None:
    a = assess(oligo_case())
    plan = plan_steps(a, [["systemic-first-oligometastatic"], ["wide-resection", "metastasectomy"]])
    decision = capture_decision(a, 1, CORE_TEAM, plan=plan, intent="curative")
    assert decision.chosen_option_ids() == [
        "systemic-first-oligometastatic",
        "wide-resection",
        "metastasectomy",
    ]
    assert [len(s.items) for s in decision.plan] == [1, 2]
    assert decision.recommendation == plan_text(decision.plan)
    assert ", then " in decision.recommendation and " + " in decision.recommendation
    assert decision.tool.option_ids[0] == "wide-resection"
    assert decision.quorum.met


def test_free_text_items_mix_with_options_and_unknown_options_are_named() -> None:
    a = assess(oligo_case())
    steps = plan_steps(a, [["text:neoadjuvant chemotherapy"], ["metastasectomy"]])
    assert steps[0].items[0].option_id is None
    with pytest.raises(ValueError, match="not an option of case SYN-OLIGO"):
        option_item(a, "doxorubicin")


def test_a_decision_needs_plan_and_intent_a_deferral_needs_reasons() -> None:
    a = assess(oligo_case())
    with pytest.raises(ValidationError, match="plan"):
        capture_decision(a, 1, CORE_TEAM, intent="curative")
    with pytest.raises(ValidationError, match="intent"):
        capture_decision(a, 1, CORE_TEAM, plan=plan_steps(a, [["metastasectomy"]]))
    with pytest.raises(ValidationError, match="deferral_reasons"):
        capture_decision(a, 1, CORE_TEAM, outcome="deferred")
    d = capture_decision(a, 1, CORE_TEAM[:2], outcome="deferred", deferral_reasons=["no chest CT"])
    assert d.recommendation == "Deferred: no chest CT"
    assert not d.quorum.met and "pathology" in d.quorum.missing


def test_an_implementation_that_differs_says_why() -> None:
    with pytest.raises(ValidationError, match="reason"):
        Implementation(what_done="SBRT", as_decided=False)
    with pytest.raises(ValidationError, match="note"):
        Implementation(what_done="SBRT", as_decided=False, reason="other")
    ok = Implementation(what_done="SBRT", as_decided=False, reason="patient preference")
    assert ok.reason == "patient preference"
