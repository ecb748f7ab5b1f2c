"""XSS and Markdown injection in every free-text field: the dashboard (AppTest, every page) and
the HTML and Markdown exports must show it as text, never as HTML, a link or an image.

For each payload a stored case carries it in every free-text field (presenter, question,
notes, location, comorbidities, IHC marker names, molecular findings, prior regimens,
patient preference) and in every free-text field of a recorded board decision. Every element
of every page is then inspected through its proto:

- no Markdown element has ``allow_html`` set, and no ``st.html`` element carries user text;
- no string that Streamlit renders as Markdown (bodies, labels, help, captions …) contains an
  unescaped tag, image, script/evil.example link or link definition;
- the payload did reach the page (as escaped Markdown or as literal text).

At small scale one case carries a different payload in each field; at full scale each payload
also gets a case of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from lms_board.assess import assess
from lms_board.case import Case, parse_case
from lms_board.decision import BoardDecision
from lms_board.demo import demo_case
from lms_board.export import render_html, render_markdown
from lms_board.store import open_store
from robust.oracles import html_injections, html_scan, markdown_injections, proto_strings
from robust.scale import FULL, TALLY

APP = REPO_ROOT / "streamlit_app" / "app.py"
PAGES = [p.stem for p in sorted((REPO_ROOT / "pages").glob("*.py"))]
#: Pages that show the case's free text (the others list cases or the evidence library).
SHOWS_CASE_TEXT = {"intake", "assessment", "options", "imaging", "present"}

PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "![pixel](https://evil.example/p.png)",
    "[login](https://evil.example/phish)",
    "<javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[r]\n\n[r]: javascript:alert(1)",
)
_MARKER = re.compile(r"alert\(1\)|evil\.example")

#: (proto type, field) whose string Streamlit shows literally, never as Markdown or HTML.
LITERAL: set[tuple[str, str]] = {
    ("Text", "body"),
    ("Code", "code_text"),
    ("Json", "body"),
    ("TextInput", "value"),
    ("TextInput", "default"),
    ("TextArea", "value"),
    ("TextArea", "default"),
    ("Selectbox", "options"),
    ("Selectbox", "raw_value"),
    ("MultiSelect", "options"),
    ("MultiSelect", "raw_values"),
    ("MultiSelect", "default"),
    ("Arrow", "data"),  # dataframe cells: drawn as text on a canvas
    ("Dataframe", "arrow_data.data"),
}


def _single_line(text: str) -> str:
    return text.replace("\n", " ")


def xss_case(case_id: str, texts: list[str]) -> Case:
    """A worked-up demo case with ``texts`` (cycled) in every free-text field."""
    pick = iter(texts * 20)

    def one() -> str:
        return _single_line(next(pick))

    data: dict[str, Any] = demo_case("DEMO-04").to_json_dict()
    data["case_id"] = case_id
    data["presenter"] = one()
    data["question"] = next(pick)
    data["notes"] = "\n\n".join(texts)
    data["tumor"]["location"] = one()
    data["patient"]["comorbidities"] = [one(), one()]
    data["pathology"]["ihc"] = {one()[:40]: "positive", "desmin": "positive"}
    data["pathology"]["molecular"] = [one()]
    data["patient"]["coded_comorbidities"] = [{"code": "other", "note": one()}]
    history = data.setdefault("history", {})
    history["treatment_lines"] = [
        {
            "setting": "advanced",
            "line": 1,
            "drugs": ["doxorubicin"],
            "other_drugs": [one()],
            "regimen": one(),
            "note": next(pick)[:500],
            "stop_reason": "progression",
        },
        {"setting": "advanced", "line": 2, "regimen": one(), "stop_reason": "ongoing"},
    ]
    history["radiotherapy_courses"] = [{"timing": "palliative", "region": one()}]
    history["patient_preference"] = next(pick)
    return parse_case(data)


def xss_decision(texts: list[str]) -> BoardDecision:
    pick = iter(texts * 20)
    return BoardDecision(
        recommendation=next(pick),
        options_chosen=[_single_line(next(pick))],
        specialties_present=["surgery", _single_line(next(pick))],
        patient_preference=next(pick),
        trial_referral=next(pick),
        follow_up=next(pick),
    )


def xss_cases() -> list[tuple[Case, BoardDecision]]:
    out = [(xss_case("XSS-MIX", list(PAYLOADS)), xss_decision(list(PAYLOADS)))]
    if FULL:
        out += [(xss_case(f"XSS-{i:02d}", [p]), xss_decision([p])) for i, p in enumerate(PAYLOADS)]
    return out


CASES = xss_cases()


MEETING: list[str] = []


def xss_meeting(store: Any) -> str:
    """A meeting of the XSS cases, each decided with a plan of free text (the payloads) and a
    trial note, by an attendee with a payload in the name: the Present deck shows all of it."""
    from datetime import date, time

    from lms_board.meeting.capture import capture_decision, plan_steps
    from lms_board.meeting.model import AgendaItem, Attendee, Meeting
    from lms_board.store.meeting_store import MeetingStore

    meetings = MeetingStore(store)
    meeting = Meeting(
        date=date(2026, 12, 10), start_time=time(14), place="Room 4", chair="Chair",
        coordinator="Coordinator", agenda=[AgendaItem(case_id=c.case_id) for c, _ in CASES],
    )  # fmt: skip
    meeting_id: str = meetings.create_meeting(meeting, "robust").meeting_id
    for case, _ in CASES:
        texts = [_single_line(p).strip()[:300] for p in PAYLOADS if p.strip()]
        a = assess(case)
        who = [Attendee(name=texts[0][:200], specialty="sarcoma surgeon")]
        plan = plan_steps(a, [[f"text:{t}"] for t in texts[:8]])
        decision = capture_decision(
            a, 1, who, plan=plan, intent="curative", trial_note=" ".join(texts)[:5000]
        )
        meetings.record_decision(meeting_id, case.case_id, decision, "robust")
    return meeting_id


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("xss-data")
    mp = pytest.MonkeyPatch()
    mp.setenv("LMS_BOARD_DATA", str(data))
    mp.setenv("LMS_BOARD_USER", "robust")
    mp.delenv("DATABASE_URL", raising=False)
    store = open_store()
    for case, decision in CASES:
        store.create(case, "robust")
        store.record_decision(case.case_id, decision, "robust")
    MEETING.append(xss_meeting(store))
    yield data
    mp.undo()


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def inspect(at: AppTest) -> tuple[list[str], int]:
    """(violations, number of strings showing a payload) over every element of the page."""
    problems: list[str] = []
    shown = 0
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if not isinstance(proto, Message):
            continue
        kind = type(proto).__name__
        if getattr(proto, "allow_html", False):
            problems.append(f"{node.type}: allow_html is set")
        for field, value in proto_strings(proto):
            has_payload = bool(_MARKER.search(value.replace("\\", "")))
            shown += has_payload
            if kind == "Html" and has_payload:
                problems.append(f"st.html carries user text: {value[:80]!r}")
            if (kind, field) in LITERAL:
                continue
            for finding in markdown_injections(value):
                problems.append(f"{node.type} {kind}.{field}: {finding}: {value[:120]!r}")
    return problems, shown


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("case_id", [c.case_id for c, _ in CASES])
def test_free_text_is_never_rendered_as_html_on_any_page(
    store_dir: Path, case_id: str, page_name: str
) -> None:
    page = page_name
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["current_case_id"] = case_id
    at.session_state["current_meeting_id"] = MEETING[0]  # Present shows the meeting's deck
    at.switch_page(f"../pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    problems, shown = inspect(at)
    TALLY["AppTest page renders with XSS payloads inspected"] += 1
    TALLY["XSS payload strings shown on pages, all as text"] += shown
    assert problems == []
    if page in SHOWS_CASE_TEXT:
        assert shown, f"the payload of {case_id} never reached the {page} page"


@pytest.mark.parametrize("case_id", [c.case_id for c, _ in CASES])
def test_exports_show_free_text_as_text(case_id: str) -> None:
    case, decision = next((c, d) for c, d in CASES if c.case_id == case_id)
    a = assess(case)
    html = render_html(case, a, decision=decision)
    assert html_injections(html, allowed_tags=frozenset({"svg"})) == []
    _, _, text = html_scan(html)
    words = " ".join(text.split())
    for payload in PAYLOADS if case_id == "XSS-MIX" else [case.presenter or ""]:
        assert " ".join(payload.split()) in words, f"{payload!r} not shown as text"
    md = render_markdown(case, a, decision=decision)
    assert markdown_injections(md) == []
    TALLY["HTML + Markdown exports with XSS payloads checked"] += 1


def test_the_inspection_catches_html_and_links(tmp_path: Path) -> None:
    """The oracle itself: a page that renders user text unsafely is caught."""
    script = tmp_path / "unsafe.py"
    script.write_text(
        "import streamlit as st\n"
        "st.markdown('<img src=x onerror=alert(1)>', unsafe_allow_html=True)\n"
        "st.markdown('[click](javascript:alert(1))')\n"
        "st.caption('![pixel](https://evil.example/p.png)')\n"
        "st.html('<b>alert(1)</b>')\n"
        "st.text('<script>alert(1)</script>')\n",
        encoding="utf-8",
    )
    at = AppTest.from_file(str(script)).run()
    problems, shown = inspect(at)
    assert any("allow_html is set" in p for p in problems)
    assert any("javascript: link" in p for p in problems)
    assert any("image" in p for p in problems)
    assert any("st.html carries user text" in p for p in problems)
    assert not any(p.startswith("text ") for p in problems)  # st.text shows text literally
    assert shown == 5
