"""Figure: ``assess(case)`` time per case, over every demo case (µs, median of runs)."""

from __future__ import annotations

from bench.figure import Figure, median_s, verdict
from lms_board.assess import assess
from lms_board.demo import demo_cases

TARGET_US = 2000.0
#: Passes over the demo cases in one timed run (enough work for a stable clock reading).
PASSES = 20


def assess_us() -> Figure:
    """Median over runs of (one run: every demo case assessed ``PASSES`` times) / cases."""
    cases = demo_cases()
    n = len(cases) * PASSES

    def one_run() -> None:
        for _ in range(PASSES):
            for case in cases:
                assess(case)

    median, times = median_s(one_run)
    per_case = [t / n * 1e6 for t in times]
    value = median / n * 1e6
    return Figure(
        f"assess() per case ({len(cases)} demo cases)",
        round(value, 1),
        "µs",
        verdict(value, TARGET_US),
        f"{len(times)} runs of {n} calls, min {min(per_case):.0f}, max {max(per_case):.0f} µs",
    )
