"""Figures: each dashboard page's AppTest run time over a one-line page's, in the same process.

For every page (and, interleaved, the one-line baseline page) a *fresh* AppTest session is
made, the current case is put in session state (``current_case_id``, as the sidebar picker
does), the page is chosen with ``switch_page`` and the one timed ``run()`` is the first script
run of that session on that page. The ratio of the medians cancels the machine's speed and
most of its load. The warm rerun of the same session is noted beside it.

The store is a temp ``LMS_BOARD_DATA`` with the demo cases loaded and a meeting of all of them
(the current meeting in every session, so Present shows its deck: the richest case, with a
recorded decision, the timer and the decision fragments).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from datetime import time as clock_time
from functools import cache
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.figure import Figure, verdict
from bench.server import APP, ROOT, one_line_app
from bench.store_fixture import data_dir_with_cases
from lms_board.assess import assess
from lms_board.demo import demo_cases

TARGET_RATIO = 1.5
CURRENT_KEY = "current_case_id"  # streamlit_app/components/session.py: CURRENT
MEETING_KEY = "current_meeting_id"  # session.py: CURRENT_MEETING
TIMEOUT = 60
#: Interleaved rounds (baseline, then every page); more than other figures, as the ratio of two
#: ~0.1 s runs is what a busy machine disturbs most.
PAGE_RUNS = 11
#: Pages in the order of the sidebar (relative to streamlit_app/app.py, as st.navigation has them).
PAGE_NAMES = (
    "board",
    "intake",
    "assessment",
    "options",
    "imaging",
    "evidence",
    "present",
    "export",
)


def pages() -> list[str]:
    return [name for name in PAGE_NAMES if (ROOT / "pages" / f"{name}.py").is_file()]


def richest_case_id() -> str:
    """The demo case with the most to show (options, gaps, trials, surveillance visits)."""

    def size(case_id: str) -> int:
        case = next(c for c in demo_cases() if c.case_id == case_id)
        a = assess(case)
        return (
            len(a.options)
            + len(a.workup_gaps)
            + len(a.trials)
            + len(a.flags)
            + len(a.imaging.surveillance)
        )

    ids: list[str] = [c.case_id for c in demo_cases()]
    return max(ids, key=size)


@contextmanager
def _env(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in [*values, "DATABASE_URL"]}
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _timed_runs(at: AppTest) -> tuple[float, float, float]:
    """(wall, process CPU) of the first ``run()`` and the wall time of a warm rerun."""
    c0, t0 = time.process_time(), time.perf_counter()
    at.run()
    c1, t1 = time.process_time(), time.perf_counter()
    at.run()
    t2 = time.perf_counter()
    return t1 - t0, c1 - c0, t2 - t1


def add_meeting(data: Path, case_id: str) -> str:
    """A meeting of every case in the store under ``data``, with a decision on ``case_id``."""
    from lms_board.meeting.capture import capture_decision, plan_steps
    from lms_board.meeting.model import AgendaItem, Attendee, Meeting
    from lms_board.store import database_url, open_store
    from lms_board.store.engine import dispose_engine
    from lms_board.store.meeting_store import MeetingStore

    url = database_url({"LMS_BOARD_DATA": str(data)})
    store = open_store(url)
    team = [Attendee(name=f"Dr {s}", specialty=s) for s in ("sarcoma surgeon", "pathologist")]
    meeting = Meeting(
        date=date(2026, 12, 10), start_time=clock_time(14), place="Room 4", chair="Dr Chair",
        coordinator="Coordinator", attendees=team,
        agenda=[AgendaItem(case_id=s.case_id) for s in store.list_cases()],
    )  # fmt: skip
    meetings = MeetingStore(store)
    meeting_id: str = meetings.create_meeting(meeting, "bench").meeting_id
    stored = store.get(case_id)
    assert stored is not None
    a = assess(stored.case)
    plan = plan_steps(a, [[a.options[0].id], ["text:review at the next board"]])
    decision = capture_decision(a, stored.version, team, plan=plan, intent=a.options[0].intent)
    meetings.record_decision(meeting_id, case_id, decision, "bench")
    dispose_engine(url)
    return meeting_id


def _page_run(page: str, case_id: str, meeting_id: str) -> tuple[float, float, float]:
    """First run (wall, CPU) and warm rerun of a fresh session on ``page``, ``case_id`` current
    (and ``meeting_id``, for Present)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[CURRENT_KEY] = case_id
    at.session_state[MEETING_KEY] = meeting_id
    at.switch_page(f"../pages/{page}.py")
    times = _timed_runs(at)
    if at.exception:
        raise RuntimeError(f"page {page}: {[e.value for e in at.exception]}")
    if page == "present":
        if not any(case_id in m.value.replace("\\", "") for m in at.markdown):
            raise RuntimeError(f"page present: the deck does not show {case_id}")
    elif not at.title:
        raise RuntimeError(f"page {page}: no title rendered")
    return times


def _baseline_run(script: Path) -> tuple[float, float, float]:
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    times = _timed_runs(at)
    if at.exception or not at.markdown:
        raise RuntimeError("the one-line page did not render")
    return times


@dataclass(frozen=True)
class PageTimes:
    first: list[float]
    cpu: list[float]
    rerun: list[float]


@cache
def measure(runs: int = PAGE_RUNS) -> tuple[str, PageTimes, dict[str, PageTimes]]:
    """(case id, baseline times, times by page), runs interleaved so load hits all alike."""
    case_id = richest_case_id()
    with tempfile.TemporaryDirectory(prefix="lms-bench-pages-") as tmp:
        root = Path(tmp)
        data = data_dir_with_cases(root / "data", len(demo_cases()))
        meeting_id = add_meeting(data, case_id)
        baseline = one_line_app(root / "baseline")
        with _env(LMS_BOARD_DATA=str(data), LMS_BOARD_USER="bench"):
            names = pages()
            _baseline_run(baseline)  # warm-up: imports, knowledge base, script compile
            for name in names:
                _page_run(name, case_id, meeting_id)
            base: tuple[list[float], ...] = ([], [], [])
            by_page: dict[str, tuple[list[float], ...]] = {n: ([], [], []) for n in names}
            for _ in range(runs):
                for slot, timing in [
                    (base, _baseline_run(baseline)),
                    *((by_page[n], _page_run(n, case_id, meeting_id)) for n in names),
                ]:
                    for values, value in zip(slot, timing, strict=True):
                        values.append(value)
    return (
        case_id,
        PageTimes(*base),
        {n: PageTimes(*t) for n, t in by_page.items()},
    )


def page_figure(name: str) -> Figure:
    case_id, base, by_page = measure()
    if name not in by_page:
        return Figure(f"page {name}: AppTest / one-line page", float("nan"), "×", "", "no page")
    times = by_page[name]
    page_s = statistics.median(times.first)
    base_s = statistics.median(base.first)
    ratio = page_s / base_s
    cpu_ratio = statistics.median(times.cpu) / statistics.median(base.cpu)
    return Figure(
        f"page {name}: AppTest run / one-line page",
        round(ratio, 2),
        "×",
        verdict(ratio, TARGET_RATIO),
        f"{page_s * 1000:.0f} vs {base_s * 1000:.0f} ms ({len(times.first)} runs, {case_id});"
        f" CPU {cpu_ratio:.2f}×; warm rerun {statistics.median(times.rerun) * 1000:.0f}"
        f" vs {statistics.median(base.rerun) * 1000:.0f} ms",
    )


def _figure_fn(name: str) -> Callable[[], Figure]:
    def fn() -> Figure:
        return page_figure(name)

    fn.__name__ = f"page_{name}_ratio"
    return fn


#: One figure function per page (they share one interleaved measurement).
FIGURES: list[Callable[[], Figure]] = [_figure_fn(n) for n in PAGE_NAMES]
