"""``lms-board extract``: the JSON shape, exit codes and ``--case-out``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.helpers import CORPUS
from lms_board.case import parse_case
from lms_board.cli import main


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (CORPUS / "C01").glob("*.txt"))
    assert main(["extract", *files]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"case", "fields", "conflicts", "identifiers", "missing", "notes"}
    size = next(f for f in out["fields"] if f["path"] == "tumor.size_cm")
    assert size["value"] == 9.2
    assert set(size["source"]) >= {"file", "start", "end", "sentence"}
    assert size["source"]["file"] == "mri_thigh.txt" and size["rule"]
    conflict = out["conflicts"][0]
    assert set(conflict) == {"path", "candidates", "chosen", "why"}
    assert {"kind", "file", "start", "end"} == set(out["identifiers"][0])
    assert "patient.age" not in out["missing"]


def test_exit_0_when_nothing_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Seen today. Will review next week.\n", encoding="utf-8")
    assert main(["extract", str(note)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["case"] == {} and out["fields"] == []
    assert out["missing"][:3] == ["patient.age", "patient.sex", "tumor.site"]


def test_exit_2_on_unsupported_or_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    sheet = tmp_path / "cases.xlsx"
    sheet.write_bytes(b"PK")
    assert main(["extract", str(sheet)]) == 2
    assert "unsupported file type '.xlsx'" in capsys.readouterr().err


def test_case_out_completes_into_a_valid_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(str(p) for p in (CORPUS / "C09").glob("*.txt"))
    out = tmp_path / "case.json"
    assert main(["extract", *files, "--case-out", str(out), "--case-id", "BOARD-7"]) == 0
    assert "needs patient.age, patient.sex before import" in capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 2 and data["case_id"] == "BOARD-7"
    data["patient"] = {"age": 55, "sex": "female"}
    case = parse_case(data)
    assert case.tumor.size_cm == 11.5
