"""Every dashboard page through Streamlit's AppTest, against a fresh SQLite store per test.

Widgets are driven by their keys, as a user would (type, pick, click); the oracle for
the classification is ``shared/cases/expected.json``, not the app's own code.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, require_shared
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from lms_board.assess import assess
from lms_board.case import Case, load_case, parse_case
from lms_board.decision import BoardDecision
from lms_board.demo import demo_case, demo_cases
from lms_board.intake import case_to_form, format_number
from lms_board.interchange import cases_to_csv, cases_to_fhir_json, read_upload
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


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """The deferred download callables the runs registered, by widget key.

    A spy on Streamlit's media file manager (the callable itself is untouched): calling one
    is what the server does when the user clicks the button.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def spy(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        element_id = str(kwargs.get("element_id", ""))
        found[element_id.rsplit("-", 1)[-1]] = data_callable
        return original(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def load_demo(at: AppTest) -> None:
    at.button(key="board_demo").click().run()
    assert_ok(at)


def open_case(at: AppTest, case_id: str) -> None:
    at.selectbox(key="app_case_pick").set_value(case_id).run()
    assert_ok(at)


def click_row(at: AppTest, case_id: str) -> None:
    """Click the Board row of ``case_id``, as a user does (the table's selection state)."""
    ids = list(at.dataframe[0].value["Case"])
    at.session_state["board_table"] = {
        "selection": {"rows": [ids.index(case_id)], "columns": [], "cells": []}
    }
    at.run()
    assert_ok(at)


def widget_value(value: Any, key: str) -> Any:
    if key.endswith("_date") and isinstance(value, str):
        from datetime import date

        return date.fromisoformat(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)  # numbers are typed as text
    return value


def as_shown(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the form's widgets show them (numbers as the text typed)."""
    return {k: widget_value(v, k) for k, v in values.items()}


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
    assert "No board meetings yet" in texts(at)  # Present: tests/test_present_page.py


@pytest.mark.parametrize("case_id", [c.case_id for c in demo_cases()])
def test_every_page_renders_every_demo_case(data_dir: Path, case_id: str) -> None:
    at = new_session()
    load_demo(at)
    open_case(at, case_id)
    for page in PAGES:
        goto(at, page)
        if page not in ("board", "evidence", "intake", "present"):  # Present: per meeting
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
    assert "No board meetings yet" in texts(at)


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
    at.text_input(key=W + "tumor.size_cm").set_value("0").run()
    assert_ok(at)
    errors = [unescape(e.value) for e in at.error]
    assert "Must be more than 0" in errors
    at.button(key="intake_save").click().run()
    assert open_store().get("T-1") is None
    kept = widget_values(at, ["case_id", "patient.age", "patient.sex", "tumor.location"])
    assert kept == {
        "case_id": "T-1",
        "patient.age": "44",
        "patient.sex": "male",
        "tumor.location": "right calf",
    }
    goto(at, "board")  # leaving the page and coming back loses nothing
    goto(at, "intake")
    assert widget_values(at, ["patient.age", "tumor.size_cm"]) == {
        "patient.age": "44",
        "tumor.size_cm": "0",
    }


def test_a_bad_number_is_named_beside_its_field_and_kept_as_typed(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    fill_form(at, {"case_id": "T-2", "patient.sex": "female", "tumor.site": "trunk"})
    at.text_input(key=W + "patient.age").set_value("6a2").run()
    at.text_input(key=W + "patient.ecog").set_value("7").run()
    at.text_input(key=W + "pathology.necrosis_percent").set_value("150").run()
    assert_ok(at)
    errors = [unescape(e.value) for e in at.error]
    for message in ("Must be a whole number, e.g. 54", "Must be 4 or less", "Must be 100 or less"):
        assert message in errors
    assert not any("62" in e or "required" in e.lower() for e in errors)
    at.button(key="intake_save").click().run()
    assert open_store().get("T-2") is None  # refused, never stored as 62
    goto(goto(at, "board"), "intake")
    assert widget_values(at, ["patient.age", "patient.ecog", "pathology.necrosis_percent"]) == {
        "patient.age": "6a2",
        "patient.ecog": "7",
        "pathology.necrosis_percent": "150",
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
    # Another browser session of the same local user: offered, never loaded by itself.
    assert widget_values(second, ["case_id"]) == {"case_id": ""}
    [offer] = [b for b in second.button if str(b.key).startswith("intake_restore_new")]
    assert unescape(offer.label).endswith("UTC in another browser session)")
    offer.click().run()
    assert_ok(second)
    assert widget_values(second, list(typed)) == as_shown(typed)
    assert "Restored your unsaved draft" in texts(second)
    assert open_store().get("DRAFT-9") is None  # a draft is not a saved case


def test_unsaved_edit_of_a_saved_case_is_offered_in_a_fresh_session(data_dir: Path) -> None:
    first = new_session()
    load_demo(first)
    open_case(first, "DEMO-03")
    goto(first, "intake")
    edit = {"tumor.location": "retroperitoneum, left, encasing the IVC", "patient.ecog": 2}
    fill_form(first, edit)
    assert not first.error  # a valid edit, kept as a draft, not saved
    assert open_store().get("DEMO-03").version == 1  # type: ignore[union-attr]

    second = goto(new_session(), "intake")  # a reload: no current case
    assert "New case" in texts(second)
    offers = {str(b.key): unescape(b.label) for b in second.button if "restore" in str(b.key)}
    assert list(offers) == ["intake_restore_DEMO-03_0"]
    assert re.fullmatch(
        r"Restore your unsaved draft of DEMO-03 \(saved \d{4}-\d\d-\d\d \d\d:\d\d UTC"
        r" in another browser session\)",
        offers["intake_restore_DEMO-03_0"],
    )
    second.button(key="intake_restore_DEMO-03_0").click().run()
    assert_ok(second)
    assert "Editing DEMO-03 (version 1)" in texts(second)
    assert "Restored your unsaved draft" in texts(second)
    assert widget_values(second, list(edit)) == as_shown(edit)
    assert second.selectbox(key="app_case_pick").value == "DEMO-03"
    assert not [b for b in second.button if "restore" in str(b.key)]  # it is the form now
    second.button(key="intake_save").click().run()
    assert_ok(second)
    stored = open_store().get("DEMO-03")
    assert stored is not None and stored.version == 2
    assert stored.case.tumor.location == edit["tumor.location"] and stored.case.patient.ecog == 2
    assert [b for b in goto(new_session(), "intake").button if "restore" in str(b.key)] == []


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
    assert {"Size (cm, greatest dimension)", "Location"} <= set(diff["Field"])  # by label

    alice.button(key="intake_keep_mine").click().run()
    assert_ok(alice)
    stored = open_store().get("DEMO-01")
    assert stored is not None and stored.version == 3 and stored.case.tumor.size_cm == 13.5


def _add_row(at: AppTest, list_key: str) -> str:
    """Click "Add ..." of a list editor; return the new row's id."""
    before = {str(b.key) for b in at.button}
    at.button(key=f"intake_add:{list_key}").click().run()
    assert_ok(at)
    new = [str(b.key) for b in at.button if str(b.key) not in before]
    (remove,) = [k for k in new if k.startswith(f"intake_remove:{list_key}:")]
    return remove.rsplit(":", 1)[1]


def _set_row(at: AppTest, list_key: str, row: str, values: dict[str, Any]) -> None:
    fill_form(at, {f"{list_key}.{row}.{k}": v for k, v in values.items()})


def test_every_row_field_has_a_place_in_the_row_layout() -> None:
    from lms_board.intake import LIST_EDITORS
    from streamlit_app.components.intake_form import ROW_LAYOUT

    for editor in LIST_EDITORS:
        placed = [name for row in ROW_LAYOUT[editor.key] for name, _ in row]
        assert sorted(placed) == sorted(f.key for f in editor.fields), editor.key


LINES = "history.treatment_lines"
COURSES = "history.radiotherapy_courses"
COMORBIDITIES = "patient.coded_comorbidities"


def test_history_typed_in_row_by_row_is_stored_as_v2(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    fill_form(
        at,
        {
            "case_id": "HIST-1",
            "patient.age": 58,
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "patient.wishes_fertility_preservation": False,
            "patient.declines": ["pelvic_exenteration"],
            "tumor.site": "uterus",
            "pathology.tumor_ngs": True,
            "pathology.hrd": "proficient",
        },
    )
    first = _add_row(at, LINES)
    _set_row(
        at,
        LINES,
        first,
        {
            "setting": "advanced",
            "line": 1,
            "drugs": ["doxorubicin", "trabectedin"],
            "start_date": "2022-06-07",
            "end_date": "2022-09-20",
            "cycles": 6,
            "best_response": "partial_response",
            "stop_reason": "completed",
        },
    )
    fill_form(at, {f"{LINES}.{first}.dose.doxorubicin": 360.0})
    dropped = _add_row(at, LINES)
    _set_row(at, LINES, dropped, {"setting": "adjuvant", "regimen": "to remove"})
    second = _add_row(at, LINES)
    _set_row(
        at,
        LINES,
        second,
        {
            "setting": "advanced",
            "drugs": ["eribulin"],
            "other_drugs": "investigational agent X",
            "stop_reason": "progression",
            "note": "neuropathy grade 2",
        },
    )
    at.button(key=f"intake_remove:{LINES}:{dropped}").click().run()
    assert_ok(at)
    course = _add_row(at, COURSES)
    _set_row(at, COURSES, course, {"timing": "palliative", "region": "T8 vertebra", "dose_gy": 8.0})
    renal = _add_row(at, COMORBIDITIES)
    _set_row(at, COMORBIDITIES, renal, {"code": "renal_impairment", "egfr_ml_min": 44})
    at.button(key="intake_save").click().run()
    assert_ok(at)
    assert "Created HIST-1" in texts(at)
    stored = open_store().get("HIST-1")
    assert stored is not None
    data = stored.case.to_json_dict()
    assert data["schema_version"] == 2
    assert data["history"]["treatment_lines"] == [
        {
            "setting": "advanced",
            "line": 1,
            "drugs": ["doxorubicin", "trabectedin"],
            "start_date": "2022-06-07",
            "end_date": "2022-09-20",
            "cycles": 6,
            "doses_mg_m2": {"doxorubicin": 360.0},
            "best_response": "partial_response",
            "stop_reason": "completed",
        },
        {
            "setting": "advanced",
            "drugs": ["eribulin"],
            "other_drugs": ["investigational agent X"],
            "stop_reason": "progression",
            "note": "neuropathy grade 2",
        },
    ]
    assert data["history"]["radiotherapy_courses"] == [
        {"timing": "palliative", "region": "T8 vertebra", "dose_gy": 8.0}
    ]
    assert data["patient"]["coded_comorbidities"] == [
        {"code": "renal_impairment", "egfr_ml_min": 44}
    ]
    assert data["patient"]["declines"] == ["pelvic_exenteration"]
    assert data["pathology"]["hrd"] == "proficient"
    assert stored.case.history.advanced_lines_given == 2


def test_a_bad_row_value_is_named_beside_it_and_nothing_typed_is_lost(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    open_case(at, "DEMO-10")
    goto(at, "intake")
    rows = [
        str(b.key).rsplit(":", 1)[1]
        for b in at.button
        if str(b.key).startswith(f"intake_remove:{LINES}:")
    ]
    assert len(rows) == 5
    fill_form(at, {f"{LINES}.{rows[1]}.end_date": "2021-01-31", f"{LINES}.{rows[4]}.line": 2})
    at.button(key="intake_save").click().run()
    assert_ok(at)
    errors = [unescape(e.value) for e in at.error]
    # Beside the widgets, in words (no field paths, no codes).
    assert "Must not be before the start date (Treatment line 2: Start)" in errors
    assert any(m.startswith("Advanced lines must be numbered in increasing order") for m in errors)
    assert open_store().get("DEMO-10").version == 1  # type: ignore[union-attr]
    again = goto(goto(at, "board"), "intake")
    assert widget_values(again, [f"{LINES}.{rows[1]}.end_date", f"{LINES}.{rows[4]}.line"]) == {
        f"{LINES}.{rows[1]}.end_date": date(2021, 1, 31),
        f"{LINES}.{rows[4]}.line": "2",
    }


def test_rows_move_up_and_the_draft_keeps_them(data_dir: Path) -> None:
    first = goto(new_session(), "intake")
    fill_form(first, {"case_id": "DRAFT-ROWS"})
    a = _add_row(first, LINES)
    _set_row(first, LINES, a, {"setting": "advanced", "drugs": ["pazopanib"]})
    b = _add_row(first, LINES)
    _set_row(first, LINES, b, {"setting": "neoadjuvant", "drugs": ["doxorubicin", "ifosfamide"]})
    first.button(key=f"intake_up:{LINES}:{b}").click().run()
    assert_ok(first)
    second = goto(new_session(), "intake")
    # Another browser session: the draft is offered, then restored with its rows in order.
    [offer] = [b for b in second.button if str(b.key).startswith("intake_restore_new")]
    offer.click().run()
    assert_ok(second)
    assert "Restored your unsaved draft" in texts(second)
    order = [
        str(x.key).rsplit(":", 1)[1]
        for x in second.button
        if str(x.key).startswith(f"intake_remove:{LINES}:")
    ]
    assert order == [b, a]
    assert widget_values(second, [f"{LINES}.{b}.drugs", f"{LINES}.{a}.drugs"]) == {
        f"{LINES}.{b}.drugs": ["doxorubicin", "ifosfamide"],
        f"{LINES}.{a}.drugs": ["pazopanib"],
    }


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


def _csv_with_bad_row(cases: list[Case]) -> bytes:
    """The cases as a CSV sheet with an impossible age in the second case (row 3)."""
    rows = list(csv.DictReader(io.StringIO(cases_to_csv(cases))))
    rows[1]["patient.age"] = "200"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_import_reads_csv_fhir_and_lists_and_never_overwrites(data_dir: Path) -> None:
    demo = {c.case_id: c for c in demo_cases()}
    on_board = demo["DEMO-01"].model_copy(update={"question": "The board's own question"})
    open_store().create(on_board, "tester")
    bad_item = json.loads(demo["DEMO-06"].to_json())
    bad_item["tumor"]["size_cm"] = "big"
    bad_item["patient"]["ecog"] = 9  # two problems, one item
    listed = json.dumps([demo["DEMO-05"].to_json_dict(), bad_item, demo["DEMO-01"].to_json_dict()])
    fhir = json.loads(cases_to_fhir_json([demo["DEMO-03"], demo["DEMO-08"]]))
    ages = [e["resource"] for e in fhir["entry"] if "valueQuantity" in e["resource"]]
    ages[1]["valueQuantity"]["value"] = 200  # DEMO-08's age
    bundle = json.dumps(fhir).encode()
    # FHIR keeps only the mCODE-shaped fields: the case is what the reader makes of it.
    [from_fhir] = read_upload("bundle.json", bundle).cases
    expected = {"DEMO-02": demo["DEMO-02"], "DEMO-03": from_fhir, "DEMO-05": demo["DEMO-05"]}
    at = new_session()
    at.file_uploader(key="board_upload_0").set_value(
        [
            ("sheet.csv", _csv_with_bad_row([demo["DEMO-02"], demo["DEMO-07"]]), "text/csv"),
            ("bundle.json", bundle, "application/json"),
            ("list.json", listed.encode(), "application/json"),
        ]
    ).run()
    assert_ok(at)
    errors = unescape(" ".join(e.value for e in at.error))
    assert "sheet.csv" in errors and "row 3: patient.age:" in errors
    assert "list.json" in errors and "item 2: tumor.size_cm:" in errors
    assert "item 2: patient.ecog:" in errors
    assert "bundle.json" in errors and re.search(r"entry \d+: patient\.age:", errors)
    warned = unescape(" ".join(w.value for w in at.warning))
    assert "Already on the board" in warned and "DEMO-01 (list.json item 3)" in warned
    assert [s.case_id for s in open_store().list_cases()] == ["DEMO-01"]  # nothing yet
    ready = at.dataframe[-1].value
    assert sorted(ready["Case"]) == ["DEMO-02", "DEMO-03", "DEMO-05"]
    at.button(key="board_import").click().run()
    assert_ok(at)
    store = open_store()
    assert sorted(s.case_id for s in store.list_cases()) == [
        "DEMO-01",
        "DEMO-02",
        "DEMO-03",
        "DEMO-05",
    ]
    for case_id, case in expected.items():
        assert store.get(case_id).case.model_dump() == case.model_dump()  # type: ignore[union-attr]
    kept = store.get("DEMO-01")
    assert kept is not None and kept.version == 1
    assert kept.case.question == "The board's own question"
    assert "Imported 3 case(s); not imported: 4" in texts(at)
    assert at.file_uploader(key="board_upload_1").value in (None, [])  # a fresh uploader


def _summary_title(at: AppTest) -> str:
    return unescape(" ".join(h.value for h in at.get_by_key("board_summary").subheader))


def _table_rows(at: AppTest) -> list[int]:
    return list(at.session_state["board_table"]["selection"]["rows"])


def test_a_board_row_click_opens_the_case_and_one_selection_drives_every_page(
    data_dir: Path,
) -> None:
    at = new_session()
    load_demo(at)
    ids = list(at.dataframe[0].value["Case"])
    assert "No case is open" in texts(at)
    click_row(at, "DEMO-03")
    assert at.selectbox(key="app_case_pick").value == "DEMO-03"  # the sidebar agrees at once
    assert _summary_title(at) == "DEMO-03: assessment"
    assert _table_rows(at) == [ids.index("DEMO-03")]
    for page, title in (("assessment", "Assessment"), ("options", "Options & trials")):
        goto(at, page)
        assert at.title[0].value == f"{title} · DEMO\\-03"
    open_case(at, "DEMO-05")  # picked in the sidebar: the Board follows
    goto(at, "board")
    assert _summary_title(at) == "DEMO-05: assessment"
    assert _table_rows(at) == [ids.index("DEMO-05")]


#: The Board table's room at 1280 px with the sidebar open, as measured in Chromium
#: (tests/e2e: 1-board-row-opened.png, the table spans x = 380 to 1200), less the row markers.
BOARD_ROOM_1280 = 820 - 33
#: The question column keeps at least this much (it is shown in full on the open case).
QUESTION_MIN = 150


def test_the_board_table_fits_a_1280_px_screen(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    columns = json.loads(at.dataframe[0].proto.columns)
    shown = [name for name, c in columns.items() if not c.get("hidden")]
    assert shown == list(at.dataframe[0].value.columns)
    fixed = sum(columns[name]["width"] for name in shown if name != "Question")
    assert fixed + QUESTION_MIN <= BOARD_ROOM_1280, (fixed, shown)


def test_loading_the_demo_cases_again_says_that_nothing_was_added(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    n = len(demo_cases())
    assert f"Loaded {n} demo cases." in texts(at)
    load_demo(at)
    assert f"All {n} demo cases are already on the board: nothing added." in texts(at)
    open_store().delete("DEMO-02", "tester", 1)
    load_demo(at)
    assert (
        f"Loaded 0 demo cases; {n - 1} were already on the board; DEMO-02 is in Deleted "
        "cases (restore from there)." in texts(at)
    )


def test_board_table_has_grade_and_stage_and_summarises_the_selected_case(
    data_dir: Path,
) -> None:
    at = new_session()
    load_demo(at)
    table = at.dataframe[0].value.set_index("Case")
    for case in demo_cases():
        a = assess(case)
        grade = f"G{a.grade.grade}" if a.grade and a.grade.grade is not None else "—"
        stage = a.stage.group or "—"
        assert (table.loc[case.case_id, "Grade"], table.loc[case.case_id, "Stage"]) == (
            grade,
            stage,
        )
    assert table.loc["DEMO-01", "Stage"] == "IIIB"
    click_row(at, "DEMO-04")
    assert_ok(at)
    a = assess(demo_case("DEMO-04"))
    summary = at.get_by_key("board_summary")
    body = unescape(" ".join(str(m.value) for m in summary.markdown))
    body += unescape(" ".join(str(c.value) for c in summary.caption))
    assert "DEMO-04: assessment" in unescape(" ".join(h.value for h in summary.subheader))
    assert a.classification.label in body
    for reason in a.classification.rationale:
        assert reason.text in body and reason.rule not in body  # ids only behind "details"
    for gap in a.workup_gaps:
        assert gap.message in body
    for option in a.options[:3]:
        assert option.name in body
    if len(a.options) > 3:
        assert a.options[3].name not in body  # top options only
    metrics = {unescape(m.label): m.value for m in summary.metric}
    assert metrics["FNCLCC grade"] == "G3"
    assert metrics[str(a.stage.system)] == a.stage.group == "IVB"
    click_row(at, "DEMO-07")
    flags = unescape(" ".join(w.value for w in at.get_by_key("board_summary").warning))
    assert "Poor performance status" in flags and "poor_performance" not in flags


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _export_rows(detail_start: str) -> dict[str, str]:
    rows = [e for e in open_store().audit_log() if e.action == "export"]
    return {e.case_id or "": e.detail for e in rows if e.detail.startswith(detail_start)}


def test_board_exports_packet_csv_and_fhir_with_audit(
    data_dir: Path, downloads: dict[str, Callable[[], Any]]
) -> None:
    at = new_session()
    load_demo(at)
    store = open_store()
    decided = BoardDecision(
        recommendation="Preoperative RT, then wide excision",
        options_chosen=[],
        specialties_present=["radiology"],
        decided_at=date(2026, 12, 1).isoformat() + "T12:00:00Z",  # type: ignore[arg-type]
    )
    store.record_decision("DEMO-01", decided, "tester")
    at.run()
    ids = sorted(c.case_id for c in demo_cases())
    assert download_labels(at) == ["Board packet (PDF)", "All cases as CSV", "FHIR Bundle"]
    assert _export_rows("") == {}  # shown is not downloaded: nothing logged yet

    pages = _pdf_pages(downloads["board_export_dl_packet"]())
    assert len(pages) == 1 + len(ids)
    assert "Tumour board 2026-12-01" in pages[0]
    for case_id in ids:
        assert case_id in pages[0]
    assert [next(i for i in ids if i in page) for page in pages[1:]] == ids
    assert "Preoperative RT, then wide excision" in pages[1 + ids.index("DEMO-01")]
    logged = _export_rows("format=packet")
    assert sorted(logged) == ids
    assert logged["DEMO-01"] == f"format=packet paper=a4 cases={len(ids)} with decision"
    assert logged["DEMO-02"] == f"format=packet paper=a4 cases={len(ids)}"

    sheet = read_upload("board.csv", downloads["board_export_dl_csv"]())
    bundle = read_upload("board-fhir.json", downloads["board_export_dl_fhir"]())
    assert sheet.ok and bundle.ok, sheet.messages + bundle.messages
    stored = [s.case for s in store.list_cases()]
    assert [c.model_dump() for c in sheet.cases] == [c.model_dump() for c in stored]
    assert [c.case_id for c in bundle.cases] == [c.case_id for c in stored]  # FHIR: mCODE subset
    assert sorted(_export_rows("format=csv")) == ids
    assert sorted(_export_rows("format=fhir")) == ids


def test_board_export_of_one_board_date(
    data_dir: Path, downloads: dict[str, Callable[[], Any]]
) -> None:
    data = demo_case("DEMO-02").to_json_dict()
    data.update(case_id="LATER-1", board_date="2027-01-12")
    store = open_store()
    store.create(demo_case("DEMO-01"), "tester")
    store.create(parse_case(data), "tester")
    at = new_session()
    scope = at.selectbox(key="board_export_date")
    assert scope.index == 0 and scope.options == [
        "All 2 case(s) on the board",
        "Board of 2026-12-01 (1 case(s))",
        "Board of 2027-01-12 (1 case(s))",
    ]
    scope.set_value("2027-01-12").run()
    assert_ok(at)
    pages = _pdf_pages(downloads["board_export_dl_packet"]())
    assert len(pages) == 2 and "LATER-1" in pages[1] and "DEMO-01" not in " ".join(pages)
    assert list(_export_rows("format=packet")) == ["LATER-1"]


def test_board_export_needs_confirmation_of_identifier_like_text(
    data_dir: Path, downloads: dict[str, Callable[[], Any]]
) -> None:
    data = demo_case("DEMO-03").to_json_dict()
    data.update(case_id="ID-01", notes="Referred by e-mail from jane.doe@example.org.")
    store = open_store()
    store.create(demo_case("DEMO-01"), "tester")
    store.create(parse_case(data), "tester")
    at = new_session()
    assert download_labels(at) == []
    warned = unescape(" ".join(w.value for w in at.warning))
    assert "looks like an identifier: ID-01." in warned and "DEMO-01" not in warned
    [confirm] = [c for c in at.checkbox if str(c.key).startswith("board_export_confirm")]
    confirm.check().run()
    assert_ok(at)
    assert download_labels(at) == ["Board packet (PDF)", "All cases as CSV", "FHIR Bundle"]
    pages = _pdf_pages(downloads["board_export_dl_packet"]())
    assert len(pages) == 3


def test_board_actions(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    click_row(at, "DEMO-02")
    assert at.selectbox(key="app_case_pick").value == "DEMO-02"  # it is the current case now
    at.get_by_key("board_status_DEMO-02").set_value("ready").run()
    assert_ok(at)
    assert open_store().get("DEMO-02").status == "ready"  # type: ignore[union-attr]
    at.text_input(key="board_dup_id").set_value("DEMO-02-B").run()
    at.button(key="board_duplicate").click().run()
    assert_ok(at)
    copy = open_store().get("DEMO-02-B")
    assert copy is not None and copy.case.tumor == open_store().get("DEMO-02").case.tumor  # type: ignore[union-attr]
    click_row(at, "DEMO-02-B")
    at.checkbox(key="board_delete_sure_DEMO-02-B_1").check().run()
    at.button(key="board_delete_DEMO-02-B_1").click().run()
    assert_ok(at)
    assert open_store().get("DEMO-02-B") is None
    assert [d.stored.case_id for d in open_store().deleted_cases()] == ["DEMO-02-B"]
    assert "Deleted DEMO-02-B (version 1)" in texts(at)


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
    assert "`https://evil.example)`" in question  # a bare URL is text, not a link
    assert re.sub(r"\\(.)", r"\1", question).replace("`", "").endswith(case.question or "")
