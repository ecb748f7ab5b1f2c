"""Every dashboard page through Streamlit's AppTest, against a fresh SQLite store per test.

Widgets are driven by their keys, as a user would (type, pick, click); the oracle for
the classification is ``shared/cases/expected.json``, not the app's own code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, require_shared
from streamlit.testing.v1 import AppTest

from lms_board.case import Case, load_case
from lms_board.demo import demo_cases
from lms_board.intake import case_to_form
from lms_board.store import open_store

APP = REPO_ROOT / "streamlit_app" / "app.py"
PAGES = ("board", "intake", "assessment", "options", "imaging", "evidence", "present")
TIMEOUT = 30
W = "intake_w:"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LMS_BOARD_DATA", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_BOARD_USER", "tester")
    return tmp_path


def new_session() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert_ok(at)
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"../pages/{page}.py").run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Everything the page says, as one string (markdown escapes removed)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    return unescape("\n".join(parts))


def load_demo(at: AppTest) -> None:
    at.button(key="board_demo").click().run()
    assert_ok(at)


def open_case(at: AppTest, case_id: str) -> None:
    at.selectbox(key="app_case_pick").set_value(case_id).run()
    assert_ok(at)


def widget_value(value: Any, key: str) -> Any:
    if key.endswith("_date") and isinstance(value, str):
        from datetime import date

        return date.fromisoformat(value)
    return value


def fill_form(at: AppTest, form: dict[str, Any]) -> int:
    """Set every recorded value, re-running until the fields that appear late are set too.

    Returns how many widgets were set.
    """
    done: set[str] = set()
    for _ in range(6):
        changed = False
        for key, value in form.items():
            if key in done or value in (None, "", []):
                continue
            try:
                widget = at.get_by_key(W + key)
            except KeyError:
                continue  # not shown yet (depends on another field)
            widget.set_value(widget_value(value, key))
            done.add(key)
            changed = True
        at.run()
        assert_ok(at)
        if not changed:
            break
    return len(done)


def widget_values(at: AppTest, keys: list[str]) -> dict[str, Any]:
    return {k: at.get_by_key(W + k).value for k in keys}


# -- every page renders -------------------------------------------------------------------


def test_every_page_renders_on_an_empty_store(data_dir: Path) -> None:
    at = new_session()
    assert "No cases yet" in texts(at)
    for page in PAGES:
        goto(at, page)
    assert "No cases on the board yet" in texts(at)


@pytest.mark.parametrize("case_id", [c.case_id for c in demo_cases()])
def test_every_page_renders_every_demo_case(data_dir: Path, case_id: str) -> None:
    at = new_session()
    load_demo(at)
    open_case(at, case_id)
    for page in PAGES:
        goto(at, page)
        if page not in ("board", "evidence", "intake"):
            assert case_id in texts(at), page


def test_pages_show_their_key_content(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    board = at.dataframe[0].value
    assert sorted(board["Case"]) == sorted(c.case_id for c in demo_cases())
    open_case(at, "DEMO-04")
    goto(at, "assessment")
    body = texts(at)
    assert "Advanced · metastatic" in body
    assert "FNCLCC grade" in [m.label for m in at.metric]
    goto(at, "options")
    assert "Trial examples" in [h.value for h in at.header]
    assert "verify on ClinicalTrials.gov before referring" in texts(at)
    goto(at, "imaging")
    assert {"Staging", "Biopsy", "Response assessment"} <= {s.value for s in at.subheader}
    goto(at, "evidence")
    library = at.dataframe[0].value
    assert len(library) > 10
    assert library["Link"].str.match(r"^https?://").all()
    goto(at, "present")
    assert "Top options" in texts(at)


def test_disclaimer_and_about_on_every_page(data_dir: Path) -> None:
    from lms_board import DISCLAIMER, __version__

    at = new_session()
    for page in PAGES:
        goto(at, page)
        assert DISCLAIMER in [c.value for c in at.caption], page
        assert f"LMS Board {__version__}" in [t.value for t in at.sidebar.text]


# -- intake -----------------------------------------------------------------------------


def test_complete_case_typed_in_gives_the_expected_classification(data_dir: Path) -> None:
    shared = require_shared()
    expected = json.loads((shared / "cases" / "expected.json").read_text())["PUB-01"]
    case = load_case(shared / "cases" / "PUB-01.json")
    at = goto(new_session(), "intake")
    set_count = fill_form(at, case_to_form(case))
    assert set_count > 25
    at.button(key="intake_save").click().run()
    assert_ok(at)
    assert "Created PUB-01" in texts(at)
    stored = open_store().get("PUB-01")
    assert stored is not None
    assert stored.case.model_dump() == case.model_dump()
    goto(at, "assessment")
    label = f"{expected['category'].capitalize()} · {expected['subtype'].replace('_', ' ')}"
    assert label in texts(at)
    assert "Provisional" not in texts(at)


@pytest.mark.parametrize("case_id", [c.case_id for c in demo_cases()])
def test_saving_an_unchanged_case_through_the_form_keeps_it(data_dir: Path, case_id: str) -> None:
    at = new_session()
    load_demo(at)
    open_case(at, case_id)
    goto(at, "intake")
    at.button(key="intake_save").click().run()
    assert_ok(at)
    assert f"Saved {case_id}" in texts(at)
    versions = open_store().versions(case_id)
    assert len(versions) == 2
    assert versions[0].case.model_dump() == versions[1].case.model_dump()


def test_invalid_size_shows_its_message_and_keeps_the_other_values(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    fill_form(
        at,
        {
            "case_id": "T-1",
            "patient.age": 44,
            "patient.sex": "male",
            "tumor.site": "extremity",
            "tumor.location": "right calf",
        },
    )
    at.number_input(key=W + "tumor.size_cm").set_value(0.0).run()
    assert_ok(at)
    errors = [unescape(e.value) for e in at.error]
    assert "tumor.size_cm: Input should be greater than 0" in errors
    at.button(key="intake_save").click().run()
    assert open_store().get("T-1") is None
    kept = widget_values(at, ["case_id", "patient.age", "patient.sex", "tumor.location"])
    assert kept == {
        "case_id": "T-1",
        "patient.age": 44,
        "patient.sex": "male",
        "tumor.location": "right calf",
    }
    goto(at, "board")  # leaving the page and coming back loses nothing
    goto(at, "intake")
    assert widget_values(at, ["patient.age", "tumor.size_cm"]) == {
        "patient.age": 44,
        "tumor.size_cm": 0.0,
    }


def test_fields_appear_only_where_they_apply(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    fill_form(at, {"tumor.site": "trunk", "pathology.biopsy": "fine_needle_aspirate"})
    for key in (
        "tumor.morcellated",
        "tumor.uterine_extension",
        "extent.limb_salvage_feasible",
        "pathology.needle_gauge",
    ):
        with pytest.raises(KeyError):
            at.get_by_key(W + key)
    fill_form(at, {"tumor.site": "uterus", "pathology.biopsy": "core_needle"})
    for key in ("tumor.morcellated", "tumor.uterine_extension", "pathology.needle_gauge"):
        at.get_by_key(W + key)


def test_live_fnclcc_grade(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    fill_form(
        at,
        {
            "pathology.differentiation_score": 3,
            "pathology.mitoses_per_10hpf": 25,
            "pathology.necrosis_percent": 60.0,
        },
    )
    assert "G3 (differentiation 3 + mitoses 3 + necrosis 2 = 8)" in texts(at)


def test_identifier_warning(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    fill_form(at, {"question": "Patient MRN 00123456: resect?"})
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "6+ digits" in warnings
    assert "looks like a direct identifier" in warnings


def test_draft_is_restored_in_a_fresh_session(data_dir: Path) -> None:
    first = goto(new_session(), "intake")
    typed = {
        "case_id": "DRAFT-9",
        "patient.age": 61,
        "tumor.site": "retroperitoneum",
        "question": "Neoadjuvant chemotherapy?",
    }
    fill_form(first, typed)
    second = goto(new_session(), "intake")
    assert widget_values(second, list(typed)) == typed
    assert "Restored your unsaved draft" in texts(second)
    assert open_store().get("DRAFT-9") is None  # a draft is not a saved case


def test_stale_save_shows_both_versions_and_overwrites_nothing(data_dir: Path) -> None:
    alice = new_session()
    load_demo(alice)
    open_case(alice, "DEMO-01")
    goto(alice, "intake")
    bob = new_session()
    open_case(bob, "DEMO-01")
    goto(bob, "intake")
    fill_form(bob, {"tumor.location": "left thigh, vastus medialis"})
    bob.button(key="intake_save").click().run()
    assert open_store().get("DEMO-01").version == 2  # type: ignore[union-attr]

    fill_form(alice, {"tumor.size_cm": 13.5})
    alice.button(key="intake_save").click().run()
    assert_ok(alice)
    stored = open_store().get("DEMO-01")
    assert stored is not None and stored.version == 2
    assert stored.case.tumor.location == "left thigh, vastus medialis"
    assert stored.case.tumor.size_cm != 13.5
    diff = alice.dataframe[0].value
    assert "tumor.size_cm" in set(diff["Field"])
    assert "tumor.location" in set(diff["Field"])

    alice.button(key="intake_keep_mine").click().run()
    assert_ok(alice)
    stored = open_store().get("DEMO-01")
    assert stored is not None and stored.version == 3 and stored.case.tumor.size_cm == 13.5


# -- board --------------------------------------------------------------------------------


def _case_bytes(case: Case) -> bytes:
    return case.to_json().encode()


def test_import_names_every_error_and_imports_only_good_files(data_dir: Path) -> None:
    good = demo_cases()[0]
    bad = json.loads(good.to_json())
    bad["case_id"] = "BAD-1"
    bad["tumor"]["size_cm"] = -2
    bad["patient"]["sexx"] = "female"
    at = new_session()
    at.file_uploader(key="board_upload_0").set_value(
        [
            ("good.json", _case_bytes(good), "application/json"),
            ("bad.json", json.dumps(bad).encode(), "application/json"),
        ]
    ).run()
    assert_ok(at)
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "bad.json" in errors and "tumor.size_cm" in errors and "patient.sexx" in errors
    assert open_store().list_cases() == []  # nothing imported before confirmation
    at.button(key="board_import").click().run()
    assert_ok(at)
    assert [s.case_id for s in open_store().list_cases()] == [good.case_id]


def test_board_actions(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    at.selectbox(key="board_pick").set_value("DEMO-02").run()
    assert at.selectbox(key="app_case_pick").value == "DEMO-02"  # it is the current case now
    at.get_by_key("board_status_DEMO-02").set_value("ready").run()
    assert_ok(at)
    assert open_store().get("DEMO-02").status == "ready"  # type: ignore[union-attr]
    at.text_input(key="board_dup_id").set_value("DEMO-02-B").run()
    at.button(key="board_duplicate").click().run()
    assert_ok(at)
    copy = open_store().get("DEMO-02-B")
    assert copy is not None and copy.case.tumor == open_store().get("DEMO-02").case.tumor  # type: ignore[union-attr]
    at.selectbox(key="board_pick").set_value("DEMO-02-B").run()
    at.checkbox(key="board_delete_sure").check().run()
    at.button(key="board_delete").click().run()
    assert_ok(at)
    assert open_store().get("DEMO-02-B") is None


def test_decision_is_recorded_and_case_marked_discussed(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    open_case(at, "DEMO-01")
    goto(at, "assessment")
    at.text_area(key="assessment_decision_recommendation").input("Preoperative RT, then WLE")
    at.multiselect(key="assessment_decision_present").set_value(["radiology", "pathology"])
    at.get_by_key("assessment_decision_submit").click().run()
    assert_ok(at)
    store = open_store()
    decision = store.latest_decision("DEMO-01")
    assert decision is not None and decision.recommendation == "Preoperative RT, then WLE"
    assert store.get("DEMO-01").status == "discussed"  # type: ignore[union-attr]


def test_present_moves_between_cases(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    goto(at, "present")
    first = at.title[0].value
    at.button(key="present_next").click().run()
    assert_ok(at)
    assert at.title[0].value != first
    at.button(key="present_prev").click().run()
    assert at.title[0].value == first
    notes = demo_cases()[0].notes
    assert notes and notes not in texts(at)
    at.toggle(key="present_notes").set_value(True).run()
    assert notes in texts(at)


def test_evidence_library_filters(data_dir: Path) -> None:
    at = goto(new_session(), "evidence")
    everything = at.dataframe[0].value
    at.text_input(key="evidence_search").input("trabectedin").run()
    found = at.dataframe[0].value
    assert 0 < len(found) < len(everything)
    assert found.apply(lambda r: "trabectedin" in " ".join(map(str, r)).lower(), axis=1).all()
    at.text_input(key="evidence_search").input("").run()
    at.multiselect(key="evidence_kinds").set_value(["trial"]).run()
    trials = at.dataframe[0].value
    assert len(trials) > 0 and set(trials["Kind"]) == {"trial"}
    assert trials["Id"].str.match(r"^NCT\d{8}$").all()


# -- safety -------------------------------------------------------------------------------


def _ui_files() -> Iterator[Path]:
    for folder in ("streamlit_app", "pages"):
        yield from (REPO_ROOT / folder).rglob("*.py")


def test_ui_code_never_renders_raw_html() -> None:
    offenders = []
    for path in _ui_files():
        text = path.read_text(encoding="utf-8")
        for pattern in ("unsafe_allow_html", "st.html", ".html("):
            if pattern in text:
                offenders.append(f"{path.relative_to(REPO_ROOT)}: {pattern}")
    assert list(_ui_files()), "no UI files found"
    assert offenders == []


def test_free_text_is_rendered_escaped(data_dir: Path) -> None:
    case = demo_cases()[0].model_copy(
        update={"question": "**bold** [click](https://evil.example) <b>x</b> :red[alarm] $x$"}
    )
    store = open_store()
    store.create(case, "tester")
    at = new_session()
    open_case(at, case.case_id)
    goto(at, "assessment")
    question = next(m.value for m in at.markdown if "Question" in m.value)
    for raw in ("**bold**", "[click](", "<b>", ":red[", "$x$"):
        assert raw not in question
    assert re.sub(r"\\(.)", r"\1", question).endswith(case.question or "")
