"""The Export page through Streamlit's AppTest against a fresh SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO_ROOT
from streamlit.testing.v1 import AppTest

from lms_board.case import parse_case
from lms_board.demo import demo_cases
from lms_board.export import FORMAT_INFO, FORMATS
from lms_board.store import open_store

APP = REPO_ROOT / "streamlit_app" / "app.py"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LMS_BOARD_DATA", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_BOARD_USER", "tester")
    return tmp_path


def export_page(case_id: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.session_state["current_case_id"] = case_id
    at.switch_page("../pages/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_export_page_previews_and_offers_every_format(data_dir: Path) -> None:
    open_store().create(demo_cases()[0], "tester")
    at = export_page("DEMO-01")
    assert at.title[0].value == "Export · DEMO\\-01"
    assert download_labels(at) == [FORMAT_INFO[f].label for f in FORMATS]
    # The page is drawn first, the preview after it (the fragment's next pass).
    assert not at.get("image")
    assert any("Drawing the one-page preview" in i.value for i in at.info)
    at.run()
    assert not at.exception
    assert at.get("image"), "the one-page preview image is shown"
    assert "export_preview" in at.session_state  # kept per session, never in a shared cache
    at.radio(key="export_paper").set_value("letter").run()
    assert not at.exception
    assert not at.get("image")  # another paper: a new preview, drawn after the page again
    at.run()
    assert at.get("image")


def test_identifier_text_needs_confirmation_before_download(data_dir: Path) -> None:
    data = demo_cases()[0].to_json_dict()
    data["case_id"] = "ID-01"
    data["notes"] = "Referred by e-mail from jane.doe@example.org for the board."
    open_store().create(parse_case(data), "tester")
    at = export_page("ID-01")
    assert download_labels(at) == []
    assert any("identifier" in w.value for w in at.warning)
    at.checkbox(key="export_confirm_identifiers").check().run()
    assert not at.exception
    assert len(download_labels(at)) == len(FORMATS)


def test_without_a_case_the_page_points_to_the_board(data_dir: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.switch_page("../pages/export.py").run()
    assert not at.exception
    assert download_labels(at) == []
    assert any("No case is open" in i.value for i in at.info)


def test_export_logged_writes_an_audit_line(data_dir: Path) -> None:
    from lms_board.assess import assess
    from lms_board.export import export_logged

    store = open_store()
    case = demo_cases()[0]
    store.create(case, "tester")
    data = export_logged(store, "tester", case, assess(case), "md", paper="letter")
    assert case.case_id in data.decode()
    entries = [e for e in store.audit_log(case.case_id) if e.action == "export"]
    assert len(entries) == 1
    assert entries[0].detail == "format=md paper=letter"
    assert "tester" in entries[0].user
