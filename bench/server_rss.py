"""Figures: peak RSS of the Streamlit server after a browser visited every page with 50 cases
in the store, and (beside it) the cold start until the first page is drawn in the browser.

Real parts only: ``streamlit run streamlit_app/app.py`` on a free loopback port with a temp
``LMS_BOARD_DATA`` of 50 cases, Debian chromium (``/usr/bin/chromium``) driven by Playwright.
The browser picks a few cases in the sidebar and opens every sidebar page for each; then the
peak RSS (``VmHWM`` in ``/proc/<pid>/status``) of the server and any child is read.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import psutil
from playwright.sync_api import Page, expect, sync_playwright

from bench.figure import Figure
from bench.server import APP, streamlit_server
from bench.store_fixture import bench_cases, data_dir_with_cases

CHROMIUM = Path("/usr/bin/chromium")
CASES = 50
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def vm_hwm_kb(pid: int) -> int:
    """Peak resident set size of one process (``VmHWM``), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def tree_peak_rss_mb(pid: int) -> tuple[float, float, int]:
    """(peak RSS of ``pid``, sum of the peaks of it and its children, process count), MB."""
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    peaks = [vm_hwm_kb(p.pid) for p in procs]
    return peaks[0] / 1024, sum(peaks) / 1024, len(procs)


def settle(page: Page) -> None:
    """Wait until the script run the last click started has finished, with no exception box."""
    page.wait_for_timeout(200)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=60_000)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"exception shown on {page.url}")


def pick_case(page: Page, case_id: str) -> None:
    field = page.get_by_label("Current case", exact=True)
    field.click()
    page.keyboard.type(case_id)
    page.get_by_role("option", name=case_id, exact=True).click()
    settle(page)


def visit_every_page(page: Page, case_ids: list[str]) -> int:
    """Open each sidebar page for each case; return how many page views were made."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    views = 0
    for case_id in case_ids:
        pick_case(page, case_id)
        for i in range(links.count()):
            links.nth(i).click()
            settle(page)
            if page.get_by_text("No case is open").count():
                raise RuntimeError(f"{case_id} is not the current case on {page.url}")
            views += 1
    return views


@cache
def measure() -> tuple[float, float, int, float, int, float, float] | None:
    """(server peak RSS MB, tree peak MB, processes, RSS at the end MB, page views,
    health s, first page drawn s); ``None`` without chromium."""
    if not CHROMIUM.exists():
        return None
    cases = bench_cases(CASES)
    # First, a middle and the last case: demo content and copies of it.
    visit = [cases[0].case_id, cases[len(cases) // 2].case_id, cases[-1].case_id]
    with tempfile.TemporaryDirectory(prefix="lms-bench-rss-") as tmp:
        data = data_dir_with_cases(Path(tmp) / "data", CASES)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            t0 = time.perf_counter()
            with streamlit_server(APP, data) as server:
                health_s = server.started_s
                page.goto(server.url)
                expect(page.get_by_role("heading", name="Board")).to_be_visible(timeout=90_000)
                expect(page.get_by_text(f"{CASES} case(s) on the board")).to_be_visible()
                settle(page)
                first_page_s = time.perf_counter() - t0
                views = visit_every_page(page, visit)
                main_mb, tree_mb, nprocs = tree_peak_rss_mb(server.proc.pid)
                now_mb = psutil.Process(server.proc.pid).memory_info().rss / 2**20
            browser.close()
    return main_mb, tree_mb, nprocs, now_mb, views, health_s, first_page_s


_MISSING = f"skipped: {CHROMIUM} missing (apt-get install --no-install-recommends chromium)"


def server_peak_rss_mb() -> Figure:
    name = f"server peak RSS, {CASES} cases, every page"
    m = measure()
    if m is None:
        return Figure(name, float("nan"), "MB", "", _MISSING)
    main_mb, tree_mb, nprocs, now_mb, views, _, _ = m
    return Figure(
        name,
        round(main_mb, 1),
        "MB",
        "",
        f"VmHWM after {views} page views in chromium; {nprocs} process(es) {tree_mb:.0f} MB;"
        f" RSS at the end {now_mb:.0f} MB",
    )


def first_page_s() -> Figure:
    name = "cold start to first page drawn (browser)"
    m = measure()
    if m is None:
        return Figure(name, float("nan"), "s", "", _MISSING)
    health_s, first = m[5], m[6]
    return Figure(
        name, round(first, 2), "s", "", f"health after {health_s:.2f} s; Board, {CASES} cases"
    )


FIGURES: list[Callable[[], Figure]] = [server_peak_rss_mb, first_page_s]
