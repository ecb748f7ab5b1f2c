"""What a figure is, and how one is timed: the shared vocabulary of the bench modules.

``Figure`` has the same fields as the one ``bench/run.py`` prints (name, value, unit, target,
note), so figures from these modules go into the same table and ``results.json``.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

#: How many timed runs a median is taken over (one warm-up run comes first, untimed).
RUNS = 7


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    note: str = ""


def timed(fn: Callable[[], object]) -> float:
    """Wall time of one call of ``fn``, in seconds (garbage collected first, not during)."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def median_s(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, list[float]]:
    """The median wall time of ``runs`` calls of ``fn`` after one untimed warm-up call."""
    fn()
    times = [timed(fn) for _ in range(runs)]
    return statistics.median(times), times


def spread(times: list[float], scale: float = 1000.0, unit: str = "ms") -> str:
    """``7 runs, min 1.2, max 3.4 ms`` for a figure's note."""
    return f"{len(times)} runs, min {min(times) * scale:.1f}, max {max(times) * scale:.1f} {unit}"


def verdict(value: float, limit: float) -> str:
    """``≤ 1.5 ok`` or ``≤ 1.5 MISSED``: the target beside the figure, never asserted."""
    return f"≤ {limit:g} " + ("ok" if value <= limit else "MISSED")
