"""``lms-board export`` and ``lms-board packet`` on real files in a temporary folder."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from pptx import Presentation
from pypdf import PdfReader

from lms_board.case import parse_case
from lms_board.cli import main
from lms_board.demo import demo_cases


def write_case(folder: Path, data: dict[str, object], name: str | None = None) -> Path:
    path = folder / (name or f"{data['case_id']}.json")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    return write_case(tmp_path, demo_cases()[0].to_json_dict())


@pytest.mark.parametrize("fmt", ["pdf", "report", "html", "md", "json", "pptx"])
def test_export_writes_each_format(
    fmt: str, case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    assert (
        main(["export", str(case_file), "--format", fmt, "-o", str(out), "--paper", "letter"]) == 0
    )
    data = out.read_bytes()
    if fmt == "pdf":
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        assert round(float(reader.pages[0].mediabox.height)) == 792  # US Letter
    elif fmt == "report":
        assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    elif fmt == "pptx":
        assert len(Presentation(io.BytesIO(data)).slides) == 1
    elif fmt == "json":
        assert parse_case(json.loads(data)["case"]).case_id == "DEMO-01"
    else:
        assert "DEMO-01" in data.decode()
    assert f"wrote {out}" in capsys.readouterr().err


def test_export_default_output_name(
    case_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(case_file), "-f", "report"]) == 0
    assert (tmp_path / "DEMO-01-report.pdf").is_file()


def test_export_bad_case_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = demo_cases()[0].to_json_dict()
    data["tumor"]["size_cm"] = -3  # type: ignore[index]
    path = write_case(tmp_path, data)
    assert main(["export", str(path), "-o", str(tmp_path / "x.pdf")]) == 2
    captured = capsys.readouterr()
    assert "tumor.size_cm" in captured.err
    assert captured.out == ""
    assert not (tmp_path / "x.pdf").exists()


def test_export_refuses_identifier_like_text_until_confirmed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = demo_cases()[0].to_json_dict()
    data["notes"] = "Seen in clinic, MRN 12345678, referred for the board."
    path = write_case(tmp_path, data)
    out = tmp_path / "x.pdf"
    assert main(["export", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Clinical summary" in err and "--confirm-identifiers" in err
    assert not out.exists()
    assert main(["export", str(path), "-o", str(out), "--confirm-identifiers"]) == 0
    assert out.is_file()


def test_export_with_decision_file(tmp_path: Path, case_file: Path) -> None:
    decision = tmp_path / "decision.json"
    decision.write_text(
        json.dumps({"recommendation": "Preoperative RT then wide excision", "follow_up": "MRI"}),
        encoding="utf-8",
    )
    out = tmp_path / "x.pdf"
    assert main(["export", str(case_file), "--decision", str(decision), "-o", str(out)]) == 0
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Preoperative RT then wide excision" in text


def test_export_bad_decision_names_the_field(
    tmp_path: Path, case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = tmp_path / "decision.json"
    decision.write_text(json.dumps({"recommendation": "", "extra": 1}), encoding="utf-8")
    assert (
        main(["export", str(case_file), "--decision", str(decision), "-o", str(tmp_path / "x")])
        == 2
    )
    err = capsys.readouterr().err
    assert "recommendation" in err and "extra" in err


def test_packet_from_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = demo_cases()[:3]
    for c in cases:
        write_case(tmp_path, c.to_json_dict())
    (tmp_path / "expected.json").write_text('{"PUB-01": {}}', encoding="utf-8")  # not a case
    out = tmp_path / "board.pdf"
    assert main(["packet", str(tmp_path), "-o", str(out)]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + len(cases)
    assert "skipped expected.json" in capsys.readouterr().err


def test_packet_with_a_bad_case_names_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_case(tmp_path, demo_cases()[0].to_json_dict())
    bad = demo_cases()[1].to_json_dict()
    bad["patient"]["ecog"] = 7  # type: ignore[index]
    write_case(tmp_path, bad, "bad.json")
    assert main(["packet", str(tmp_path), "-o", str(tmp_path / "b.pdf")]) == 2
    err = capsys.readouterr().err
    assert "bad.json: patient.ecog" in err
    assert not (tmp_path / "b.pdf").exists()


def test_packet_of_an_empty_folder_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["packet", str(tmp_path), "-o", str(tmp_path / "b.pdf")]) == 2
    assert "no .json case files" in capsys.readouterr().err


def test_packet_subprocess_shows_progress_and_no_traceback(tmp_path: Path) -> None:
    for c in demo_cases()[:4]:
        write_case(tmp_path, c.to_json_dict())
    out = tmp_path / "board.pdf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "lms_board",
            "packet",
            str(tmp_path),
            "-o",
            str(out),
            "--paper",
            "letter",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "board packet" in run.stderr and "4/4" in run.stderr  # the tqdm bar
    assert len(PdfReader(out).pages) == 5
    bad = subprocess.run(
        [sys.executable, "-m", "lms_board", "export", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "missing.json" in bad.stderr


def test_export_and_packet_read_v1_and_v2_files_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder with a format v1 file (as shipped before format v2) and a v2 file."""
    v1 = REPO_ROOT / "tests" / "fixtures" / "v1_demo_cases" / "DEMO-08.json"
    assert json.loads(v1.read_text(encoding="utf-8"))["schema_version"] == 1
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "DEMO-08.json").write_bytes(v1.read_bytes())
    write_case(folder, next(c for c in demo_cases() if c.case_id == "DEMO-10").to_json_dict())
    out = tmp_path / "DEMO-08.json"
    assert main(["export", str(v1), "--format", "json", "-o", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["case"]
    assert exported["schema_version"] == 2  # writers write v2
    assert exported["history"]["treatment_lines"][0]["stop_reason"] == "progression"
    md = tmp_path / "DEMO-08.md"
    assert main(["export", str(v1), "--format", "md", "-o", str(md)]) == 0
    assert "line 1: doxorubicin" in md.read_text(encoding="utf-8")
    packet = tmp_path / "board.pdf"
    assert main(["packet", str(folder), "-o", str(packet)]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(packet).pages)
    assert "DEMO-08" in text and "DEMO-10" in text
    capsys.readouterr()
