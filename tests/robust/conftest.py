"""Prints what the robustness tests counted (examples run, failures found) after the run."""

from __future__ import annotations

import logging

import pytest

from robust.scale import FULL, TALLY


def pytest_configure(config: pytest.Config) -> None:
    # fpdf2 warns once per PDF about glyphs DejaVu lacks (CJK, emoji in random text).
    logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    scale = "full" if FULL else "small (LMS_BOARD_ROBUST_SCALE=full for the full counts)"
    terminalreporter.section(f"robustness counts, scale {scale}")
    for name, n in sorted(TALLY.items()):
        terminalreporter.write_line(f"{n:>8,}  {name}")
