"""The dashboard in a real browser (Debian chromium through Playwright).

Moves between pages by clicking the sidebar links (a reload would start a new session),
fails on any Streamlit exception box, and saves a screenshot of each page to
``tests/e2e/screenshots/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import SHARED_CASES_DIR
from live_server import refused_connections
from playwright.sync_api import Locator, Page, expect

from lms_board.assess import assess
from lms_board.case import load_case
from lms_board.demo import demo_case, demo_cases
from lms_board.store import database_url, open_store

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CASES = SHARED_CASES_DIR
EXPORT_PAGE = REPO_ROOT / "pages" / "export.py"


def settle(page: Page) -> None:
    """Wait until the script run that the last interaction started has finished."""
    page.wait_for_timeout(200)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def goto(page: Page, link: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=link).click()
    settle(page)


def pick(page: Page, field: Locator, option: str) -> None:
    """Open a selectbox and click one option (the list closes if the page still scrolls)."""
    field.scroll_into_view_if_needed()
    page.wait_for_timeout(150)
    field.click()
    listbox = page.get_by_role("listbox")
    try:
        expect(listbox).to_be_visible(timeout=2_000)
    except AssertionError:
        field.press("ArrowDown")
    listbox.get_by_role("option").filter(has_text=re.compile(f"^{re.escape(option)}$")).click()


#: Glide data grid geometry of st.dataframe (default row height, header, row-marker column).
GRID_ROW_H, GRID_HEADER_H, GRID_MARKER_X = 35, 35, 18


def click_board_row(page: Page, index: int) -> None:
    """Click the row marker of the Board table's row ``index`` (0: the first case)."""
    canvas = page.locator('[data-testid="stDataFrame"] canvas').first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    y = box["y"] + GRID_HEADER_H + GRID_ROW_H * index + GRID_ROW_H / 2
    page.mouse.click(box["x"] + GRID_MARKER_X, y)
    settle(page)


def screenshot(page: Page, shots: Path, name: str, tall: bool = True) -> None:
    """The 1280×720 view, and (tall) the whole page for review."""
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    page.screenshot(path=str(shots / f"{name}.png"))
    if tall:
        page.set_viewport_size({"width": 1280, "height": 3000})
        settle(page)
        page.screenshot(path=str(shots / f"{name}-full.png"))
        page.set_viewport_size({"width": 1280, "height": 720})
        settle(page)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Board")).to_be_visible(timeout=30_000)
    settle(page)


def test_every_page_with_a_demo_case(
    page: Page, app_url: str, shots: Path, netguard_log: Path
) -> None:
    case = demo_case("DEMO-04")
    label = assess(case).classification.label
    open_app(page, app_url)
    expect(page.get_by_text(f"{len(demo_cases())} case(s) on the board")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()
    screenshot(page, shots, "1-board")

    # A click on a Board row opens that case: the sidebar and every page follow.
    ids = sorted(c.case_id for c in demo_cases())
    click_board_row(page, ids.index("DEMO-03"))
    expect(page.get_by_text("DEMO-03: assessment")).to_be_visible()
    expect(page.get_by_role("combobox", name="Current case")).to_have_value("DEMO-03")
    screenshot(page, shots, "1-board-row-opened", tall=False)

    pick(page, page.get_by_label("Current case", exact=True), case.case_id)
    settle(page)
    checks: list[tuple[str, str, list[str]]] = [
        ("Case intake", "Case intake", [f"Editing {case.case_id}", "FNCLCC G3"]),
        ("Assessment", f"Assessment · {case.case_id}", [label, "Workup gaps: what to do"]),
        ("Options & trials", f"Options & trials · {case.case_id}", ["Trial examples"]),
        ("Imaging plan", f"Imaging plan · {case.case_id}", ["Surveillance", "Staging"]),
        ("Evidence library", "Evidence library", ["entries"]),
        ("Present", "Present a meeting", []),  # the deck: tests/e2e/test_present.py
    ]
    if EXPORT_PAGE.is_file():
        checks.append(("Export", f"Export · {case.case_id}", []))
    for n, (link, heading, texts) in enumerate(checks, start=2):
        goto(page, link)
        if heading:
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        for text in texts:
            expect(page.get_by_text(text).first).to_be_visible()
        if link == "Evidence library":
            expect(page.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()
        slug = link.split()[0].lower()
        screenshot(page, shots, f"{n}-{slug}", tall=link != "Present")

    pick(page, page.get_by_label("Current case", exact=True), "DEMO-05")
    settle(page)
    assert assess(demo_case("DEMO-05")).imaging.surveillance, "DEMO-05 should have a schedule"
    timeline = page.locator('[data-testid="stPlotlyChart"] .main-svg').first
    goto(page, "Imaging plan")
    expect(page.get_by_role("heading", name="Imaging plan · DEMO-05", exact=True)).to_be_visible()
    expect(timeline).to_be_visible(timeout=30_000)  # plotly draws after the run, slower under load
    expect(page.get_by_text("Board meeting").first).to_be_visible()
    screenshot(page, shots, "11-imaging-timeline")

    goto(page, "Deleted cases")
    expect(page.get_by_role("heading", name="Deleted cases", exact=True)).to_be_visible()
    page.get_by_text("About").click()
    expect(page.get_by_text("Working as local:e2e")).to_be_visible()
    # The whole walk, server side: nothing but 127.0.0.1 (the page side: no_outbound_requests).
    assert refused_connections(netguard_log) == []


class Form:
    """Drives the intake form and counts the user's interactions (a fill, a click, a pick)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def did(self, n: int = 1) -> None:
        self.count += n
        settle(self.page)

    def type(self, label: str, value: object) -> None:
        field = self.page.get_by_label(label, exact=True)
        field.fill(str(value))
        field.press("Enter")
        self.did()

    def area(self, label: str, value: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Control+Enter")
        self.did()

    def choose(self, label: str, option: str) -> None:
        pick(self.page, self.page.get_by_label(label, exact=True), option)
        self.did(2)

    def yes_no(self, label: str, answer: bool) -> None:
        group = self.page.get_by_role("radiogroup", name=label, exact=True)
        group.get_by_text("yes" if answer else "no", exact=True).click()
        self.did()

    def tick(self, label: str) -> None:
        self.page.get_by_text(label, exact=True).click()
        self.did()

    def day(self, label: str, value: date) -> None:
        group = self.page.get_by_label(label, exact=True)
        group.locator('[role="spinbutton"]').first.click()
        self.page.keyboard.type(value.strftime("%Y%m%d"))
        self.page.keyboard.press("Tab")
        self.did()


def test_a_complete_case_through_the_intake_form(
    page: Page, app_url: str, app_data: Path, shots: Path
) -> None:
    """PUB-01 typed in by hand (no file) is stored exactly and classified as expected."""
    if not SHARED_CASES.is_dir():
        pytest.skip(f"shared cases not found at {SHARED_CASES}")
    case = load_case(SHARED_CASES / "PUB-01.json")
    expected = json.loads((SHARED_CASES / "expected.json").read_text())["PUB-01"]
    label = f"{expected['category'].capitalize()} · {expected['subtype'].replace('_', ' ')}"

    open_app(page, app_url)
    page.get_by_role("button", name="New case").click()
    settle(page)
    expect(page.get_by_text("New case").first).to_be_visible()
    f = Form(page)
    steps: list[Callable[[], None]] = [
        lambda: f.type("Case id (pseudonym)", "PUB-01"),
        lambda: f.day("Board date", date(2026, 12, 3)),
        lambda: f.type("Presenter", "Sarcoma fellow"),
        lambda: f.type("Age (years)", 54),
        lambda: f.choose("Sex", "female"),
        lambda: f.type("ECOG", 0),
        lambda: f.type("LVEF (%)", 60),
        lambda: f.type("Cumulative doxorubicin (mg/m²)", 0),
        lambda: f.choose("Primary site", "extremity"),
        lambda: f.type("Location", "left thigh"),
        lambda: f.type("Size (cm, greatest dimension)", 11),
        lambda: f.choose("Depth", "deep"),
        lambda: f.choose("Presentation", "primary"),
        lambda: f.choose("Tissue obtained by", "core needle"),
        lambda: f.type("Needle gauge (G)", 14),
        lambda: f.yes_no("Image-guided", True),
        lambda: f.choose("Biopsy route", "percutaneous"),
        lambda: f.yes_no("Histology consistent with LMS", True),
        lambda: f.yes_no("Sarcoma-expert pathology review", True),
        lambda: f.type("FNCLCC differentiation", 2),
        lambda: f.type("Mitoses per 10 HPF", 22),
        lambda: f.type("Necrosis (%)", 30),
        lambda: f.type("Reported grade", 3),
        lambda: f.choose("desmin", "positive"),
        lambda: f.choose("SMA", "positive"),
        lambda: f.choose("h-caldesmon", "positive"),
        lambda: f.yes_no("MRI of the primary", True),
        lambda: f.yes_no("CT chest", True),
        lambda: f.yes_no("CT abdomen/pelvis", True),
        lambda: f.yes_no("PET-CT", False),
        lambda: f.day("Last imaging", date(2026, 11, 10)),
        lambda: f.choose("Primary resectability", "resectable"),
        lambda: f.choose("Regional nodes", "N0"),
        lambda: f.yes_no("Neurovascular involvement", False),
        lambda: f.yes_no("Limb salvage feasible", True),
        lambda: f.tick("No distant metastasis found"),
        lambda: f.tick("No systemic treatment so far"),
        lambda: f.tick("No radiotherapy so far"),
        lambda: f.area("Question for the board", case.question or ""),
    ]
    for step in steps:
        step()
    expect(page.get_by_text("FNCLCC G3").first).to_be_visible()
    screenshot(page, shots, "8-intake-filled")
    page.get_by_role("button", name="Save case").last.click()
    f.did()
    expect(page.get_by_text("Created PUB-01").first).to_be_visible()
    print(f"\nintake: {f.count} interactions to enter PUB-01 by hand (fields: {len(steps)})")

    stored = open_store(database_url({"LMS_BOARD_DATA": str(app_data)})).get("PUB-01")
    assert stored is not None
    assert stored.case.model_dump() == case.model_dump()

    goto(page, "Assessment")
    expect(page.get_by_role("heading", name="Assessment · PUB-01", exact=True)).to_be_visible()
    expect(page.get_by_text(label, exact=True).first).to_be_visible()
    expect(page.get_by_text("Provisional")).to_have_count(0)
    screenshot(page, shots, "9-assessment-typed-case")


def test_treatment_history_rows_in_the_browser(
    page: Page, app_url: str, app_data: Path, shots: Path
) -> None:
    """DEMO-10's five lines are shown row by row; a sixth line is added with the drug list."""
    open_app(page, app_url)
    pick(page, page.get_by_label("Current case", exact=True), "DEMO-10")
    settle(page)
    goto(page, "Case intake")
    expect(page.get_by_text("Editing DEMO-10").first).to_be_visible(timeout=30_000)
    rows = page.locator('[class*="st-key-intake_row_history_treatment_lines_"]')
    expect(rows).to_have_count(5)
    expect(page.get_by_text("Regimen 5", exact=True)).to_be_visible()
    section = page.locator(".st-key-intake_section_History")
    page.set_viewport_size({"width": 1280, "height": 4200})
    settle(page)
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    settle(page)
    section.screenshot(path=str(shots / "14-intake-history.png"))
    page.set_viewport_size({"width": 1280, "height": 720})
    settle(page)
    rows.first.scroll_into_view_if_needed()
    rows.first.screenshot(path=str(shots / "14-intake-history-line1.png"))

    page.get_by_role("button", name="Add regimen").click()
    settle(page)
    expect(rows).to_have_count(6, timeout=30_000)
    new = rows.last
    pick(page, new.get_by_label("Setting", exact=True), "advanced")
    settle(page)
    drugs = new.get_by_label("Drugs (generic names)", exact=True)
    drugs.click()
    page.keyboard.type("letroz")  # the drug list filters as one types
    page.get_by_role("option").filter(has_text=re.compile("^letrozole$")).click()
    page.keyboard.press("Escape")
    settle(page)
    pick(page, new.get_by_label("Why it stopped", exact=True), "ongoing")
    settle(page)
    new.screenshot(path=str(shots / "15-intake-new-line.png"))
    page.get_by_role("button", name="Save case").last.click()
    settle(page)
    expect(page.get_by_text("Saved DEMO-10").first).to_be_visible(timeout=30_000)
    stored = open_store(database_url({"LMS_BOARD_DATA": str(app_data)})).get("DEMO-10")
    assert stored is not None
    last = stored.case.history.numbered_lines()[-1]
    assert (last.label, last.line.drugs, last.line.stop_reason) == (
        "line 5",
        ["letrozole"],
        "ongoing",
    )
    assert len(stored.case.history.treatment_lines) == 6
