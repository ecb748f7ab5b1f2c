"""``python -m bench.run``: time the exports and print one table; figures go to
``bench/results.json``.

One function per figure, each returning a :class:`Figure`; add a figure by writing a
function and listing it in ``FIGURES``.
"""

from __future__ import annotations

import gc
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path

from bench import (
    assess_bench,
    coldstart,
    extract_bench,
    hostile_files,
    meeting_bench,
    pages_bench,
    server_rss,
)
from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import Case, parse_case
from lms_board.demo import demo_cases
from lms_board.export import render_onepager, render_packet

RESULTS = Path(__file__).with_name("results.json")
ONEPAGER_RUNS = 15
PACKET_CASES = 50
GENERATED = date(2026, 11, 21)


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    note: str = ""


@cache
def packet_items(n: int = PACKET_CASES) -> list[tuple[Case, Assessment]]:
    """``n`` cases for one meeting: the demo cases repeated under fresh ids."""
    base = demo_cases()
    items = []
    for i in range(n):
        data = base[i % len(base)].to_json_dict()
        data["case_id"] = f"BENCH-{i:03d}"
        case = parse_case(data)
        items.append((case, assess(case)))
    return items


def onepager_ms() -> Figure:
    """Median wall time of one warm one-page PDF (the demo case with the most content).

    The note adds the median CPU time, which a busy machine disturbs less than wall time.
    """
    case, a = max(packet_items(), key=lambda item: len(item[1].options) + len(item[1].workup_gaps))
    render_onepager(case, a, generated=GENERATED)  # warm: fonts parsed, imports done
    wall, cpu = [], []
    for _ in range(ONEPAGER_RUNS):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        render_onepager(case, a, generated=GENERATED)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return Figure(
        "one-pager PDF (warm, median)",
        round(statistics.median(wall), 1),
        "ms",
        "≤ 150",
        f"{ONEPAGER_RUNS} runs, min {min(wall):.0f}, max {max(wall):.0f}; "
        f"CPU median {statistics.median(cpu):.0f} ms",
    )


def packet_s() -> Figure:
    """Wall time of a 50-case board packet (cover + 50 one-pagers)."""
    items = packet_items()
    gc.collect()
    t = time.perf_counter()
    data = render_packet(items, generated=GENERATED)
    took = time.perf_counter() - t
    return Figure(
        f"board packet, {len(items)} cases",
        round(took, 2),
        "s",
        "≤ 3",
        f"{len(data) / 1e6:.2f} MB PDF, {took / len(items) * 1000:.0f} ms a page",
    )


def packet_peak_mb() -> Figure:
    """Peak Python heap (tracemalloc) while building the 50-case packet."""
    items = packet_items()
    gc.collect()
    tracemalloc.start()
    render_packet(items, generated=GENERATED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Figure(
        f"board packet, {len(items)} cases: peak heap",
        round(peak / 2**20, 1),
        "MB",
        "",
        "tracemalloc",
    )


def max_rss_mb() -> Figure:
    """Peak resident memory of this whole bench process so far."""
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Figure("process peak RSS", round(rss_kb / 1024, 1), "MB", "", "ru_maxrss")


def import_ratios() -> list[Figure]:
    """Each hostile import shape (bench/hostile_files.py): 5 MB against 0.5 MB."""
    figures = []
    for shape in hostile_files.SHAPES:
        small, large, ratio = hostile_files.import_ratio(shape)
        figures.append(
            Figure(
                f"import {shape}: 5 MB / 0.5 MB",
                round(ratio, 1),
                "x",
                "≤ 15",
                f"{small:.2f} s and {large:.2f} s CPU (time per byte compared)",
            )
        )
    return figures


FIGURES: list[Callable[[], Figure]] = [onepager_ms, packet_s, packet_peak_mb, max_rss_mb]
# assess, the meeting's papers, the dashboard pages, cold start and the server (bench/*.py).
FIGURES = [
    assess_bench.assess_us,
    *FIGURES,
    *meeting_bench.FIGURES,
    *pages_bench.FIGURES,
    coldstart.coldstart_ratio,
    *server_rss.FIGURES,
]  # type: ignore[list-item]


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "target", "note")]
    rows += [(f.name, f"{f.value:g}", f.unit, f.target, f.note) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        cells = [
            c.rjust(w) if i == 1 else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    figures = []
    for fn in FIGURES:
        figures.append(fn())
        print(f"  measured {figures[-1].name}", file=sys.stderr)
    for figure in import_ratios():
        figures.append(figure)
        print(f"  measured {figure.name}", file=sys.stderr)
    for fig in extract_bench.figures():
        figures.append(fig)  # type: ignore[arg-type]
        print(f"  measured {fig.name}", file=sys.stderr)
    print(table(figures))
    RESULTS.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "figures": [asdict(f) for f in figures],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
