"""Figure: cold start of ``streamlit run streamlit_app/app.py`` until ``/_stcore/health``
answers, over the same for a one-line app (a ratio of medians; starts interleaved).

Both servers run from the repo root (same ``.streamlit/config.toml``), on 127.0.0.1 at a free
port, headless, each with a fresh temp data dir holding the demo cases.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from bench.figure import RUNS, Figure, verdict
from bench.server import APP, one_line_app, streamlit_server
from bench.store_fixture import data_dir_with_cases
from lms_board.demo import demo_cases

TARGET_RATIO = 1.3


def _start_s(script: Path, data_dir: Path) -> float:
    with streamlit_server(script, data_dir) as server:
        return server.started_s


def coldstart_ratio(runs: int = RUNS) -> Figure:
    with tempfile.TemporaryDirectory(prefix="lms-bench-cold-") as tmp:
        root = Path(tmp)
        data = data_dir_with_cases(root / "data", len(demo_cases()))
        baseline = one_line_app(root / "baseline")
        _start_s(APP, data)  # warm-up: the OS file cache holds the imports, like any restart
        _start_s(baseline, data)
        app_s: list[float] = []
        base_s: list[float] = []
        for _ in range(runs):
            app_s.append(_start_s(APP, data))
            base_s.append(_start_s(baseline, data))
    ratio = statistics.median(app_s) / statistics.median(base_s)
    return Figure(
        "cold start to /_stcore/health: app / one-line app",
        round(ratio, 2),
        "×",
        verdict(ratio, TARGET_RATIO),
        f"{statistics.median(app_s):.2f} vs {statistics.median(base_s):.2f} s, {runs} starts each,"
        f" app min {min(app_s):.2f}, max {max(app_s):.2f} s",
    )
