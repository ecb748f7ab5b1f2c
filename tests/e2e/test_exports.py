"""Downloads in a real browser: every format of the Export page and the Board's packet.

Each button is clicked as a user would; the file the browser saves is opened with the tool a
reader would use (pypdf, python-pptx, json), and the audit log in the app's own data dir must
hold an ``export`` line for it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation
from pypdf import PdfReader

from lms_board.export import FORMAT_INFO, FORMATS, Format
from lms_board.interchange import read_upload
from lms_board.store import CaseStore, database_url, open_store

from .test_dashboard import (
    EXPORT_PAGE,
    click_board_row,
    goto,
    open_app,
    pick,
    screenshot,
    settle,
)

CASE_ID = "DEMO-02"


def app_store(app_data: Path) -> CaseStore:
    return open_store(database_url({"LMS_BOARD_DATA": str(app_data)}))


def export_details(store: CaseStore, case_id: str) -> list[str]:
    return [e.detail for e in store.audit_log(case_id) if e.action == "export"]


def download(page: Page, label: str) -> bytes:
    """Click a download button and return the bytes of the file the browser saved."""
    button = page.get_by_role("button", name=label, exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = info.value.path()
    return Path(path).read_bytes()


def pdf_text(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_every_export_format_downloads_and_is_logged(
    page: Page, app_url: str, app_data: Path, shots: Path
) -> None:
    if not EXPORT_PAGE.is_file():
        pytest.skip("pages/export.py is not there yet")
    store = app_store(app_data)
    before = len(export_details(store, CASE_ID))
    open_app(page, app_url)
    pick(page, page.get_by_label("Current case", exact=True), CASE_ID)
    settle(page)
    goto(page, "Export")
    expect(page.get_by_role("heading", name=f"Export · {CASE_ID}", exact=True)).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    screenshot(page, shots, "12-export")

    files: dict[Format, bytes] = {fmt: download(page, FORMAT_INFO[fmt].label) for fmt in FORMATS}
    onepager = pdf_text(files["pdf"])
    assert len(onepager) == 1 and CASE_ID in onepager[0]
    report = pdf_text(files["report"])
    assert report and CASE_ID in report[0]
    assert CASE_ID in files["html"].decode() and "<html" in files["html"].decode().lower()
    assert CASE_ID in files["md"].decode()
    assert CASE_ID in json.dumps(json.loads(files["json"]))
    deck = Presentation(io.BytesIO(files["pptx"]))
    slide_text = " ".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert len(deck.slides) >= 1 and CASE_ID in slide_text

    logged = export_details(store, CASE_ID)[before:]
    assert sorted(logged) == sorted(f"format={fmt} paper=a4" for fmt in FORMATS)


def test_board_packet_downloads_with_one_page_per_case(
    page: Page, app_url: str, app_data: Path, shots: Path
) -> None:
    store = app_store(app_data)
    ids = [s.case_id for s in store.list_cases()]  # the agenda order
    before = {case_id: len(export_details(store, case_id)) for case_id in ids}
    open_app(page, app_url)
    click_board_row(page, ids.index("DEMO-04"))
    expect(page.get_by_text("DEMO-04: assessment")).to_be_visible()
    screenshot(page, shots, "1-board-summary")

    page.get_by_role("button", name="Export the board").click()
    expect(page.get_by_text("Cases to export")).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, shots, "1-board-export", tall=False)
    pages = pdf_text(download(page, "Board packet (PDF)"))
    assert len(pages) == 1 + len(ids)
    assert all(case_id in pages[0] for case_id in ids), "the agenda names every case"
    for case_id, text in zip(ids, pages[1:], strict=True):
        assert case_id in text, f"page of {case_id}"
    for case_id in ids:
        details = export_details(store, case_id)[before[case_id] :]
        assert [d.split(" cases=")[0] for d in details] == ["format=packet paper=a4"]

    for label, name in (("All cases as CSV", "board.csv"), ("FHIR Bundle", "board-fhir.json")):
        result = read_upload(name, download(page, label))
        assert result.ok, result.messages
        assert [c.case_id for c in result.cases] == ids
